// townhall-panel.js: the town hall on the tablet. The facilitator sets the
// presentation (title, presenter, slides link), moves the stages
// (presentation, floor open, end) and runs ONE queue that mixes the hands
// raised in the room and the questions people online sent in writing:
// star what comes next, take one item (that person speaks, or the question
// is being answered), mark it done, or hide a question with a reason.
//
// The queue is drawn by key: a row keeps its element, and the button under
// the facilitator's finger or keyboard, while hands go up and votes come
// in around it. The order (by arrival, or by votes) is a choice of this
// tablet, kept on it.
import { say } from './announce.js';
import { t } from './i18n.js';
import { keyed, setAttr, setText } from './keyed.js';
import { nameOf } from './names.js';
import { keepFocus } from './keep-focus.js';
import { errorText, fieldError } from './panel-errors.js';
import { ReasonAsk } from './reason-ask.js';
import { $, el, load, save } from './ui.js';

const SORT_KEY = 'wc.th.sort';
const STAGES = ['presentation', 'floor', 'ended'];
const AGENDA_FIELDS = ['title', 'presenter', 'link'];
// More new questions than this at once are said as a count, not one by one.
const SAY_EACH_MAX = 3;

let sortBy = load(SORT_KEY) === 'votes' ? 'votes' : 'arrival';
const rowErrors = new Map(); // queue item key → the last refusal, shown in its row
const reasons = new ReasonAsk('th', () => $('#th-queue-h').focus());
// handAt keeps when each raised hand went up (server time, from the
// hand.raised events this tablet saw), so that "by arrival" mixes hands and
// questions; kept per café on this device, so a reload keeps the order.
let handAt = new Map();
let handAtKey = '';
let seenQuestions = null; // remote questions already announced; null until live

const itemKey = (it) => `${it.kind}:${it.id}`;
const running = (th) => !!th && (th.stage === 'presentation' || th.stage === 'floor');

// noteTownHallEvent learns from an event what the state does not keep.
export function noteTownHallEvent(env) {
  if (env?.type !== 'hand.raised' || !handAtKey) return;
  handAt.set(env.data.participant_id, env.at);
  save(handAtKey, Object.fromEntries(handAt));
}

// wireTownHall answers the panel's forms and buttons. redraw draws the
// tablet at once, so focus can move to what it drew.
export function wireTownHall(conn, cafe, redraw) {
  handAtKey = `wc.th.handAt.${cafe}`;
  handAt = new Map(Object.entries(load(handAtKey) || {}));
  const send = (type, data) => conn.send(type, data);

  const form = $('#th-agenda');
  form.addEventListener('input', () => setText($('#th-agenda-state'), ''));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = Object.fromEntries(AGENDA_FIELDS.map((f) => [f, $(`#th-${f}`).value.trim()]));
    clearAgendaErrors();
    if (!v.title) {
      fieldError($('#th-title'), $('#th-title-error'), t('fac.th.titleMissing'));
      $('#th-title').focus();
      return;
    }
    try {
      await send('townhall.agenda', v);
      setText($('#th-agenda-state'), t('fac.th.saved'));
    } catch (ex) {
      const f = AGENDA_FIELDS.includes(ex.field) ? ex.field : '';
      if (f) {
        fieldError($(`#th-${f}`), $(`#th-${f}-error`), errorText(ex));
        $(`#th-${f}`).focus();
      } else {
        showLine($('#th-agenda-error'), errorText(ex));
      }
    }
  });

  for (const stage of STAGES) {
    $(`#th-stage-${stage}`).addEventListener('click', async () => {
      showLine($('#th-stage-error'), '');
      try {
        await send('townhall.stage', { stage });
      } catch (ex) {
        showLine($('#th-stage-error'), errorText(ex));
      }
    });
  }

  const setSort = (s) => {
    sortBy = s;
    save(SORT_KEY, s);
    redraw();
  };
  $('#th-sort-arrival').addEventListener('click', () => setSort('arrival'));
  $('#th-sort-votes').addEventListener('click', () => setSort('votes'));

  const queue = $('#th-queue');
  queue.addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-q]');
    if (!b) return;
    const li = b.closest('li[data-kind]');
    const item = { kind: li.dataset.kind, id: li.dataset.id };
    const key = itemKey(item);
    const th = conn.state?.town_hall;
    rowErrors.delete(key);
    try {
      switch (b.dataset.q) {
        case 'star': {
          const starred = (th?.starred || []).some((s) => itemKey(s) === key);
          await send('queue.star', { ...item, starred: !starred });
          break;
        }
        case 'take':
          await send('queue.take', item);
          redraw();
          $('#th-now-done').focus();
          return;
        case 'done':
          await send('queue.done', item);
          redraw();
          (queue.querySelector('button[data-q="take"]') || $('#th-queue-h')).focus();
          return;
      }
    } catch (ex) {
      rowErrors.set(key, errorText(ex));
    }
    redraw();
  });
  reasons.wire(queue, send, redraw);

  $('#th-now-done').addEventListener('click', async () => {
    const now = currentItem(conn.state);
    if (!now) return;
    showLine($('#th-now-error'), '');
    try {
      await send('queue.done', now);
      redraw();
      (queue.querySelector('button[data-q="take"]') || $('#th-queue-h')).focus();
    } catch (ex) {
      showLine($('#th-now-error'), errorText(ex));
    }
  });
}

function clearAgendaErrors() {
  for (const f of AGENDA_FIELDS) fieldError($(`#th-${f}`), $(`#th-${f}-error`), '');
  showLine($('#th-agenda-error'), '');
}

function showLine(node, msg) {
  setText(node, msg);
  node.hidden = !msg;
}

// currentItem is what has the floor: the item taken, or the speaker the
// room's own "call next speaker" called.
function currentItem(st) {
  const th = st?.town_hall;
  if (th?.current) return th.current;
  return st?.speaker ? { kind: 'hand', id: st.speaker } : null;
}

// queueItems lists the queue: what is starred first, in starring order,
// then the rest by arrival or by votes (a raised hand has no votes and
// comes after the questions people voted for). A hand seen only in a
// snapshot, never going up, counts as the earliest, in the room's order.
function queueItems(st, by = sortBy) {
  const th = st.town_hall;
  const now = currentItem(st);
  const items = [
    ...st.hands.map((id, i) => ({ kind: 'hand', id, at: handAt.get(id) ?? 0, order: i, votes: 0 })),
    ...(th?.questions || []).filter((q) => !q.hidden && !q.answered)
      .map((q) => ({ kind: 'question', id: q.id, at: q.at, order: q.seq, votes: q.votes || 0, q })),
  ].filter((it) => !now || itemKey(it) !== itemKey(now));
  const star = new Map((th?.starred || []).map((s, i) => [itemKey(s), i]));
  const arrival = (a, b) => a.at - b.at || (a.kind === b.kind ? a.order - b.order : a.kind === 'hand' ? -1 : 1);
  return items.sort((a, b) => {
    const sa = star.get(itemKey(a)) ?? Infinity;
    const sb = star.get(itemKey(b)) ?? Infinity;
    if (sa !== sb) return sa - sb;
    return by === 'votes' ? b.votes - a.votes || arrival(a, b) : arrival(a, b);
  }).map((it) => ({ ...it, starred: star.has(itemKey(it)) }));
}

// byline names who asked a remote question: a name, or Anonymous.
function byline(q) {
  return q.name ? t('fac.th.by', { name: q.name }) : t('fac.th.by', { name: t('name.anonymous') });
}

export function renderTownHallPanel(conn, publicBase) {
  const st = conn.state;
  const th = st.town_hall;
  pruneHands(st);
  syncAgenda(th);

  for (const stage of STAGES) setAttr($(`#th-stage-${stage}`), 'aria-pressed', String(th?.stage === stage));
  setText($('#th-stage-now'), th?.stage ? t(`fac.th.stage.now.${th.stage}`) : t('fac.th.stage.none'));
  const remote = publicBase && st.public_code ? `${publicBase}/o/${st.public_code}/townhall` : '';
  $('#th-remote').hidden = !remote;
  if (remote) {
    setText($('#th-remote-link'), remote);
    setAttr($('#th-remote-link'), 'href', remote);
  }

  const live = running(th);
  $('#th-live').hidden = !live;
  $('#th-waiting').hidden = live;
  announce(conn, th);
  if (live) {
    renderNow(st);
    renderQueue(st);
  }
  keyed($('#th-findings'), th?.findings || [], (f) => f.id, () => el('li', { dir: 'auto' }), (li, f) => setText(li, f.text));
  $('#th-findings-none').hidden = !!th?.findings?.length;
}

function pruneHands(st) {
  let changed = false;
  for (const id of handAt.keys()) {
    if (!st.hands.includes(id)) { handAt.delete(id); changed = true; }
  }
  if (changed && handAtKey) save(handAtKey, Object.fromEntries(handAt));
}

// syncAgenda shows the presentation as the café has it, in each field the
// facilitator is not changing.
function syncAgenda(th) {
  for (const f of AGENDA_FIELDS) {
    const input = $(`#th-${f}`);
    const want = th?.[f] || '';
    const synced = input.dataset.synced ?? '';
    if (input.value === synced && want !== synced) input.value = want;
    input.dataset.synced = want;
  }
}

function renderNow(st) {
  const now = currentItem(st);
  $('#th-now-done').hidden = !now;
  const text = $('#th-now-text');
  const by = $('#th-now-by');
  if (!now) {
    setText(text, t('fac.th.now.none'));
    by.hidden = true;
    return;
  }
  if (now.kind === 'hand') {
    setText(text, t('fac.th.now.hand', { name: nameOf(st, now.id) }));
    by.hidden = true;
    setAttr($('#th-now-done'), 'aria-label', t('fac.th.doneAria.hand', { name: nameOf(st, now.id) }));
    return;
  }
  const q = st.town_hall.questions.find((x) => x.id === now.id);
  setText(text, t('fac.th.now.question', { text: q?.text || '' }));
  by.hidden = !q;
  if (q) setText(by, byline(q));
  setAttr($('#th-now-done'), 'aria-label', t('fac.th.doneAria.question', { text: (q?.text || '').slice(0, 60) }));
}

function renderQueue(st) {
  const items = queueItems(st);
  setAttr($('#th-sort-arrival'), 'aria-pressed', String(sortBy === 'arrival'));
  setAttr($('#th-sort-votes'), 'aria-pressed', String(sortBy === 'votes'));
  setText($('#th-queue-count'), t('fac.th.waiting', { n: items.length }));
  $('#th-queue-empty').hidden = items.length > 0;
  keepFocus($('#th-queue'), () => keyed($('#th-queue'), items, itemKey, makeItem, (li, it) => updateItem(st, li, it)));
}

function makeItem(it) {
  const question = it.kind === 'question';
  const [hide, unhide] = question ? reasons.buttons(it.id) : [null, null];
  return el('li', { class: `th-item th-${it.kind}`, 'data-kind': it.kind, 'data-id': it.id },
    el('p', { class: 'th-item-head' },
      el('span', { class: 'th-kind', text: t(question ? 'fac.th.question' : 'fac.th.hand') }),
      el('span', { class: 'th-next', text: t('fac.th.next') }),
      el('span', { class: 'th-votes' })),
    el('p', { class: 'th-text', dir: 'auto' }),
    el('p', { class: 'th-by', dir: 'auto' }),
    el('div', { class: 'th-actions' },
      el('button', { type: 'button', class: 'small-btn', 'data-q': 'star' }, t('fac.th.star')),
      el('button', { type: 'button', class: 'small-btn primary', 'data-q': 'take' }, t(question ? 'fac.th.take.question' : 'fac.th.take.hand')),
      el('button', { type: 'button', class: 'small-btn', 'data-q': 'done' }, t('fac.th.done')),
      hide, unhide),
    el('p', { class: 'error row-error', role: 'alert', hidden: true }),
    question ? reasons.form(it.id) : null);
}

function updateItem(st, li, it) {
  const [head, text, by, actions, error, form] = li.children;
  const [, next, votes] = head.children;
  const [star, take, done, hide, unhide] = actions.children;
  const question = it.kind === 'question';
  const label = question ? it.q.text : nameOf(st, it.id);
  const short = label.slice(0, 60);
  setAttr(li, 'data-starred', String(it.starred));
  next.hidden = !it.starred;
  votes.hidden = !question;
  if (question) setText(votes, t('fac.th.votes', { n: it.votes }));
  setText(text, label);
  by.hidden = !question;
  if (question) setText(by, byline(it.q));
  setAttr(star, 'aria-pressed', String(it.starred));
  setAttr(star, 'aria-label', t('fac.th.starAria', { text: short }));
  setAttr(take, 'aria-label', t(question ? 'fac.th.takeAria.question' : 'fac.th.takeAria.hand', { text: short, name: short }));
  setAttr(done, 'aria-label', t(question ? 'fac.th.doneAria.question' : 'fac.th.doneAria.hand', { text: short, name: short }));
  if (question) reasons.update(hide, unhide, form, it.q, short);
  const msg = rowErrors.get(itemKey(it)) || '';
  setText(error, msg);
  error.hidden = !msg;
}

// announce tells a screen reader when a remote question arrives (the
// Announcer already says raised hands).
function announce(conn, th) {
  const shown = (th?.questions || []).filter((q) => !q.hidden);
  if (conn.status !== 'live') { seenQuestions = null; return; }
  if (!seenQuestions) { seenQuestions = new Set(shown.map((q) => q.id)); return; }
  const fresh = shown.filter((q) => !seenQuestions.has(q.id));
  for (const q of fresh) seenQuestions.add(q.id);
  if (fresh.length > SAY_EACH_MAX) say(t('fac.th.say.many', { n: fresh.length }));
  else for (const q of fresh) say(t('fac.th.say.asked', { text: q.text }));
}
