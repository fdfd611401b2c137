// phone-lists.js: the phone's lists, drawn by key (keyed.js): the notes at
// the table, this person's notes with their buttons, and the ballot grouped
// by question. Apart from attend.js so that the join form, which needs none
// of it, loads without it on a slow link.
import { t } from './i18n.js';
import { keyed, setAttr, setText } from './keyed.js';
import { voteItems } from './state.js';
import { el } from './ui.js';

// renderNoteList draws notes (user text, in its own direction) by id, or
// one line saying there are none (none null: nothing at all).
export function renderNoteList(list, notes, none) {
  const items = notes.length || none === null ? notes : [null];
  keyed(list, items, (n) => (n ? 'n' + n.id : '-'),
    (n) => (n ? el('li', { class: 'note', 'data-note-id': n.id, dir: 'auto' }) : el('li', { class: 'empty' })),
    (li, n) => setText(li, n ? n.text : none));
}

// voteGroups splits a vote's items by the question they belong to, in the
// order of the questions: a ballot over a whole café reads as its
// conversations did. With results, each group is ranked by dots.
export function voteGroups(st, v) {
  const tally = v.tally;
  const questionOf = (id) => (v.on === 'themes' ? st.themes.get(id)?.question : st.notes.get(id)?.question) ?? -1;
  const groups = new Map();
  for (const it of voteItems(st, v)) {
    const q = questionOf(it.id);
    if (!groups.has(q)) groups.set(q, []);
    groups.get(q).push(tally ? { ...it, total: tally[it.id] || 0 } : it);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([q, items]) => ({
    key: 'q' + q,
    number: st.questions[q] ? t('phone.vote.group', { number: q + 1 }) : '',
    question: st.questions[q] || '',
    items: tally ? items.sort((a, b) => b.total - a.total) : items,
  }));
}

// renderBallot draws the ballot's groups and their lines. ballot holds the
// vote, this phone's dots in it, how many it used, whether it is open and
// whether results show.
export function renderBallot(list, groups, ballot) {
  keyed(list, groups, (g) => g.key,
    // The heading: "Question 2" in this phone's words, then the question
    // as the facilitator typed it, in its own direction.
    () => el('li', { class: 'vote-group' },
      el('h3', { class: 'vote-group-h' }, el('span', { class: 'n' }), el('span', { class: 'q', dir: 'auto' })),
      el('ul', { class: 'vote-group-items' })),
    (li, g) => {
      const h = li.firstElementChild;
      setText(h.firstElementChild, g.number);
      setText(h.lastElementChild, g.question);
      h.hidden = !g.number;
      keyed(li.lastElementChild, g.items, (it) => it.id,
        () => el('li', { class: 'vote-item' }, el('span', { class: 'note-text', dir: 'auto' })),
        (node, it) => updateVoteItem(node, it, ballot));
    });
}

// updateVoteItem brings one line of the ballot up to date. Its total shows
// only with results, its buttons only while the vote is open; the buttons
// stay the same elements between draws, so focus stays on a "+".
function updateVoteItem(li, it, { v, mine, used, open, tally }) {
  const text = li.querySelector('.note-text');
  setText(text, it.label);
  let total = li.querySelector('.total');
  if (tally && !total) text.after(total = el('span', { class: 'total' }));
  if (!tally && total) total.remove();
  if (tally) setText(total, t('count.dots', { n: it.total }));
  let dots = li.querySelector('.dots');
  if (!open) { dots?.remove(); return; }
  if (!dots) {
    dots = el('span', { class: 'dots' },
      el('button', { type: 'button', class: 'small-btn', 'data-dot': 'remove', 'data-item': it.id }, '−'),
      el('strong'), el('span', { class: 'visually-hidden', text: t('phone.vote.mine') }),
      el('button', { type: 'button', class: 'small-btn', 'data-dot': 'add', 'data-item': it.id }, '+'));
    li.append(dots);
  }
  const [minus, count, , plus] = dots.children;
  minus.disabled = !mine[it.id];
  setAttr(minus, 'aria-label', t('phone.vote.remove', { label: it.label.slice(0, 40) }));
  setText(count, t('count.number', { n: mine[it.id] || 0 }));
  plus.disabled = used >= v.dots || (!v.stack && mine[it.id] > 0);
  setAttr(plus, 'aria-label', t('phone.vote.add', { label: it.label.slice(0, 40) }));
}

// renderMineList draws this person's notes from items (each with its key,
// class, text, state line and buttons); null stands for "none yet".
export function renderMineList(list, items) {
  keyed(list, items, (it) => (it ? it.key : '-'),
    (it) => (it ? el('li', { 'data-note-id': it.id },
      el('span', { class: 'note-text', dir: 'auto' }), el('span', { class: 'state' }), el('span', { class: 'actions' }))
      : el('li', { class: 'empty' })),
    (li, it) => {
      if (!it) { setText(li, t('phone.mine.empty')); return; }
      if (li.className !== it.cls) li.className = it.cls;
      const [text, state, actions] = li.children;
      setText(text, it.text);
      setText(state, it.state);
      keyed(actions, it.buttons, (b) => b.action,
        (b) => el('button', { type: 'button', class: 'small-btn', 'data-action': b.action, 'data-id': it.id }),
        (btn, b) => {
          setText(btn, b.label);
          setAttr(btn, 'aria-label', b.aria);
          btn.disabled = !!b.disabled;
        });
    });
}
