// wall-townhall.js: the town hall on the projector, read from the back
// row. While it runs it takes the wall's middle: the presentation (title,
// presenter, the slides' address in large plain text), the stage, who has
// the floor (#th-speaking: a name, "Anonymous", or "Remote question" with
// the question being answered in #th-answering), who comes next (#th-next:
// the starred items, in order) and the remote questions by votes.
import { t } from './i18n.js';
import { townHallRunning } from './consultation-state.js';
import { authorName, hiddenText, itemWords, safeLink, stageLabel } from './townhall-words.js';
import { $, el } from './ui.js';

const QUESTIONS_SHOWN = 5; // the most-voted remote questions the wall has room for
const NEXT_SHOWN = 4;

// renderTownHall draws the town hall and reports whether it is on the wall.
export function renderTownHall(st) {
  const th = st.town_hall;
  const on = townHallRunning(st);
  $('#wall-townhall').hidden = !on;
  if (!on) return false;
  $('#th-stage').textContent = stageLabel(th.stage);
  $('#th-title').textContent = th.title || '';
  $('#th-presenter').textContent = th.presenter ? t('wall.th.presenter', { name: th.presenter }) : '';
  $('#th-presenter').hidden = !th.presenter;
  const link = safeLink(th.link || '');
  $('#th-link').textContent = link;
  $('#th-link').hidden = !link;
  renderNow(st, th);
  renderNext(st, th);
  renderQuestions(th);
  return true;
}

// renderNow is who has the floor, or what the room is asked to do.
function renderNow(st, th) {
  const cur = th.current;
  const words = cur ? itemWords(st, cur) : null;
  const label = cur ? (cur.kind === 'question' ? 'wall.th.answering' : 'wall.th.speaking')
    : th.stage === 'floor' ? 'wall.th.floorOpen' : '';
  $('#th-speaking').hidden = !label;
  $('#th-speaking').dataset.kind = cur?.kind || '';
  $('#th-now-label').textContent = label ? t(label) : '';
  $('#th-who').textContent = words ? words.who : t('wall.th.floorHow');
  $('#th-answering').textContent = words?.text || '';
  $('#th-answering').hidden = !words?.text;
  $('#th-answering').classList.toggle('gone', !!words?.hidden);
}

function renderNext(st, th) {
  const cur = th.current;
  const next = th.starred.filter((it) => !cur || it.kind !== cur.kind || it.id !== cur.id);
  $('#th-next-box').hidden = th.stage !== 'floor' && next.length === 0;
  $('#th-next').replaceChildren(...(next.length ? next.slice(0, NEXT_SHOWN).map((it) => {
    const w = itemWords(st, it);
    return el('li', { 'data-kind': it.kind, 'data-id': it.id },
      el('span', { class: 'who', dir: 'auto', text: w.who }),
      w.text ? el('span', { class: w.hidden ? 'what gone' : 'what', dir: 'auto', text: w.text }) : null);
  }) : [el('li', { class: 'none', text: t('wall.th.next.none') })]));
  if (next.length > NEXT_SHOWN) $('#th-next').append(el('li', { class: 'none', text: t('wall.th.more', { n: next.length - NEXT_SHOWN }) }));
}

// renderQuestions lists the remote questions still waiting, most votes
// first (the earlier one first on a tie).
function renderQuestions(th) {
  const cur = th.current;
  const waiting = th.questions.filter((q) => !q.answered && !(cur?.kind === 'question' && cur.id === q.id))
    .sort((a, b) => b.votes - a.votes || a.seq - b.seq);
  $('#th-questions-box').hidden = waiting.length === 0;
  $('#th-questions').replaceChildren(...waiting.slice(0, QUESTIONS_SHOWN).map((q) => el('li', { 'data-id': q.id, class: q.hidden ? 'gone' : '' },
    el('strong', { class: 'votes', text: t('wall.th.votes', { n: q.votes }) }),
    el('span', { class: 'what', dir: 'auto', text: q.hidden ? hiddenText(q) : q.text }),
    q.hidden ? null : el('span', { class: 'by', dir: 'auto', text: authorName(q) }))));
}
