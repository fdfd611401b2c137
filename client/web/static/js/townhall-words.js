// townhall-words.js: how the town hall and the online space are put in
// words, the same on the wall, the scribe's screen and the phones. A
// hidden item is named "hidden by the moderator" with the moderator's
// reason, never with its text, on every screen that draws through here.
import { t } from './i18n.js';
import { displayName } from './state.js';

// stageLabel names a town hall stage.
export function stageLabel(stage) {
  return t(`wall.th.stage.${stage}`);
}

// personName names someone who raised a hand: their name, "You" on their
// own phone (self), "Anonymous" for an anonymous or unnamed person.
export function personName(st, id, self = '') {
  return displayName(st, id, self, { you: t('name.you'), someone: t('name.anonymous') });
}

// authorName names the author of a contribution or a remote question.
export function authorName(item) {
  return item.name || t('name.anonymous');
}

// hiddenText is what shows in place of a hidden item's text.
export function hiddenText(item) {
  return item.reason ? t('wall.online.hidden', { reason: item.reason }) : t('wall.online.hiddenNoReason');
}

// remoteQuestion finds a remote question of the town hall by id.
export function remoteQuestion(st, id) {
  return st.town_hall?.questions.find((q) => q.id === id) || null;
}

// itemWords puts a queue item in words: who (a person's name, or "Remote
// question") and, for a question, its text (or why it is hidden).
export function itemWords(st, item, self = '') {
  if (item.kind === 'hand') return { who: personName(st, item.id, self), text: '' };
  const q = remoteQuestion(st, item.id);
  if (!q) return { who: t('wall.th.remote'), text: '' };
  return { who: t('wall.th.remote'), text: q.hidden ? hiddenText(q) : q.text, by: q.hidden ? '' : authorName(q), hidden: !!q.hidden };
}

// safeLink is the presentation's link when it is plain http or https
// (the server checks it too), else ''.
export function safeLink(link) {
  try {
    const u = new URL(link);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : '';
  } catch {
    return '';
  }
}
