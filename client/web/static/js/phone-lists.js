// phone-lists.js: the phone's live view below its top bar, drawn by key
// (keyed.js): the notes at the table, this person's notes with their
// buttons, the speaker queue, and the ballot grouped by question. Apart
// from attend.js so that the join form, which needs none of it, loads
// without it on a slow link. me is this phone's person as attend.js knows
// it: pid, myDots (vote id → item id → dots), failed (refused notes),
// offline, and mine (ids of their notes, sent or waiting).
import { t } from './i18n.js';
import { keyed, setAttr, setText } from './keyed.js';
import { nameOf } from './names.js';
import { lastVote, openVote, voteItems } from './state.js';
import { $, el } from './ui.js';

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

// renderTownHall shows what matters between rounds and at the end: raising
// a hand, the vote, and for hosts who is coming and what to brief them on.
export function renderTownHall(me, st, host, table, muted) {
  const talk = st.phase === 'townhall' || st.phase === 'harvest';
  $('#hand-box').hidden = !talk;
  if (talk) {
    // The queue as the room sees it, with this person as "You": an
    // anonymous person finds themselves, and others see only "Someone".
    const next = st.hands.slice(0, 5).map((id) => nameOf(st, id, me.pid));
    const line = [
      st.speaker ? t('speakers.now', { name: nameOf(st, st.speaker, me.pid) }) : '',
      next.length ? (st.hands.length > 5 ? t('speakers.nextMore', { names: next.join(t('list.comma')), more: st.hands.length - 5 })
        : t('speakers.next', { names: next.join(t('list.comma')) })) : '',
    ].filter(Boolean).join(' · ');
    setText($('#speakers'), line);
    $('#speakers').hidden = !line;
    const place = st.hands.indexOf(me.pid);
    setText($('#hand-status'), st.speaker === me.pid ? t('phone.hand.speaking')
      : place === 0 ? t('phone.hand.next')
        : place > 0 ? t('phone.hand.place', { place: place + 1 }) : '');
    setText($('#hand'), place >= 0 ? t('phone.hand.lower') : t('phone.hand.raise'));
    $('#hand').hidden = st.speaker === me.pid;
    $('#hand').disabled = muted && place < 0; // a muted person may still lower a hand
  }

  const v = openVote(st) || (talk ? lastVote(st) : null);
  $('#vote-box').hidden = !v;
  if (v) renderVote(me, st, v);

  // Hosts: who comes to the table next round, and the table's earlier ideas.
  const next = st.next_seats;
  const coming = host && st.phase === 'townhall' && next
    ? [...st.people.values()].filter((p) => p.id !== me.pid && next[p.id] === table) : [];
  $('#coming').hidden = !coming.length;
  if (coming.length) setText($('#coming'), t('phone.coming', { names: coming.map((p) => nameOf(st, p.id)).join(t('list.comma')) }));
  const earlier = host && st.phase === 'round' && st.round > 1
    ? [...st.notes.values()].filter((n) => n.table === table && n.round < st.round && !n.hidden).sort((a, b) => a.seq - b.seq) : [];
  $('#briefing').hidden = !earlier.length;
  renderNoteList($('#briefing-notes'), earlier, null);
}

function renderVote(me, st, v) {
  const mine = me.myDots[v.vote_id] || {};
  const used = Object.values(mine).reduce((a, b) => a + b, 0);
  const open = !v.closed;
  setText($('#vote-left'), open
    ? (used < v.dots ? t('phone.vote.left', { left: v.dots - used, dots: v.dots }) : t('phone.vote.used'))
    : t('phone.vote.closed'));
  const ballot = { v, mine, used, open, tally: !!v.tally };
  renderBallot($('#vote-items'), voteGroups(st, v), ballot);
}

// renderMine lists this person's notes: refused ones, ones on their way,
// saved ones (newest first) with their buttons.
export function renderMine(me, st, pending, muted = false) {
  const items = [];
  const { offline, mine } = me;
  for (const f of me.failed) {
    items.push({ key: 'f' + f.id, id: f.id, cls: 'note failed', text: f.text, state: t('phone.note.failed', { reason: f.message }),
      buttons: [{ action: 'dismiss', label: t('action.dismiss') }] });
  }
  const saved = st ? [...st.notes.values()].filter((n) => n.author === me.pid || mine.has(n.id)).sort((a, b) => b.seq - a.seq) : [];
  const savedIds = new Set(saved.map((n) => n.id));
  for (const p of [...pending].reverse()) {
    if (savedIds.has(p.id)) continue;
    items.push({ key: 'n' + p.id, id: p.id, cls: 'note sending', text: p.text, state: offline ? t('phone.note.waiting') : t('phone.note.sending'), buttons: [] });
  }
  const changeable = st && st.phase !== 'harvest' && st.phase !== 'closed';
  for (const n of saved) {
    items.push({ key: 'n' + n.id, id: n.id, cls: n.hidden ? 'note saved hidden-note' : 'note saved', text: n.text,
      state: n.hidden ? t('phone.note.hidden') : t('phone.note.saved', { question: n.question + 1 }),
      buttons: changeable ? [
        { action: 'edit', label: t('action.edit'), aria: t('phone.note.editAria'), disabled: muted },
        { action: 'delete', label: t('action.delete'), aria: t('phone.note.deleteAria') },
      ] : [] });
  }
  if (!items.length) items.push(null);
  renderMineList($('#mine'), items);
}
