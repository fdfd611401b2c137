// wall-online.js: the online space on the projector: a panel with the
// number of contributions to each question and the newest ones, arriving
// live. A hidden contribution shows "hidden by the moderator" and the
// reason, never its text. In the harvest, contributions the facilitator
// put in a theme join the room's notes of that theme (themedOnline).
import { t } from './i18n.js';
import { authorName, hiddenText } from './townhall-words.js';
import { $, el } from './ui.js';

const NEWEST_SHOWN = 3;

let seen = null; // contribution ids already on the wall: only new ones animate

// renderOnline draws the panel; shown is false while something else (the
// town hall) has the wall's middle.
export function renderOnline(st, shown) {
  const online = st.online;
  $('#wall-online').hidden = !online || !shown;
  if (!online) return;
  const list = online.contributions;
  const counts = st.questions.map(() => 0);
  for (const c of list) if (!c.hidden && c.question < counts.length) counts[c.question]++;
  $('#online-counts').replaceChildren(...counts.map((n, i) => el('li', {},
    el('span', { text: t('wall.conversation', { question: i + 1 }) }), el('strong', { text: t('wall.online.count', { n }) }))));
  const first = seen === null;
  seen ??= new Set();
  const newest = list.slice(-NEWEST_SHOWN).reverse();
  $('#online-newest').replaceChildren(...(newest.length ? newest.map((c) => {
    const fresh = !first && !seen.has(c.id);
    return el('li', { class: ['online-item', c.hidden && 'gone', fresh && 'arrive'].filter(Boolean).join(' '), 'data-item-id': c.id },
      el('span', { class: 'meta', dir: 'auto', text: c.hidden ? t('wall.online.meta.hidden', { question: c.question + 1 })
        : t('wall.online.meta', { question: c.question + 1, name: authorName(c) }) }),
      c.hidden ? el('span', { class: 'what', dir: 'auto', text: hiddenText(c) }) : [
        c.title ? el('strong', { class: 'title', dir: 'auto', text: c.title }) : null,
        el('span', { class: 'what', dir: 'auto', text: c.text }),
      ]);
  }) : [el('li', { class: 'none', text: t('wall.online.none') })]));
  for (const c of list) seen.add(c.id);
}

// themedOnline is the visible contributions of theme id, in posting order:
// the harvest shows them beside the room's notes.
export function themedOnline(st, id) {
  return (st.online?.contributions || []).filter((c) => c.theme === id && !c.hidden);
}

// onlineSticky is a contribution among the notes, marked as online.
export function onlineSticky(c) {
  return el('li', { class: 'sticky online', 'data-item-id': c.id },
    el('span', { class: 'mark', text: t('wall.online.mark') }),
    c.title ? el('strong', { class: 'title', dir: 'auto', text: c.title }) : null,
    el('span', { class: 't', dir: 'auto', text: c.text }));
}
