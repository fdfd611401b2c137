// attend.js: the attendee's phone. Join with the code, see where to sit and
// the question, post notes. Notes typed while offline wait in an outbox kept
// on the device and are sent once when the connection is back: each note
// has an id made here, so a resend is recognised by the server.
//
// The phone keeps a device key (worldcafe.device) and sends it with every
// join: joining again from the same browser brings back the same person,
// with their notes and dots, instead of a new one with a fresh ballot.
import { t } from './i18n.js';
import { $, GROUPS, el, formatClock, load, phaseLabel, postJSON, remainingMs, renderStatus, save, startClock } from './ui.js';

const urlCode = decodeURIComponent(location.pathname.split('/')[2] || '').toUpperCase();
let me = load('wc.me');
let conn = null;
let editing = null; // id of the note being edited
let failed = []; // notes the server refused: {id, text, message}
let flushing = false;
let myDots = {}; // vote id → item id → dots: from the welcome, then from acks
// Ids of this person's notes: from the welcome, then from acks. An anonymous
// note carries no author, so this is how the phone knows its own.
let myNotes = new Set();
let welcomeBack = false;
let announcer = null; // what a screen reader hears

// The live view's modules come after the join form, so that on a slow link
// the form is up sooner: they are asked for when Join is tapped, beside the
// join request itself, and cost that tap no round trip of their own.
let CafeConnection, newId, notesFor, openVote, setText, lists, renderPhoneTownHall;
let live = null;
function loadLive() {
  live ??= Promise.all([import('./conn.js'), import('./state.js'), import('./announce.js'), import('./keyed.js'), import('./phone-lists.js'), import('./phone-townhall.js')]).then(([c, s, a, k, l, th]) => {
    ({ CafeConnection, newId } = c);
    ({ setText } = k);
    ({ renderPhoneTownHall } = th);
    lists = l;
    ({ notesFor, openVote } = s);
    announcer = new a.Announcer({ round: true, broadcast: true });
  }, () => {
    live = null; // the next tap tries again
    throw new Error(t('error.unreachable'));
  });
  return live;
}

const DEVICE_KEY = 'worldcafe.device';
const DEVICE_RE = /^[A-Za-z0-9_-]{22,64}$/;
const MAX_NOTE = 280;

// The connection banner lives in the sticky bar of the live page, with the
// clock; the language menu, which i18n.js puts after it, leads the page.
const langMenu = document.querySelector('.lang-menu');
if (langMenu) document.body.prepend(langMenu);

// deviceKey is this browser's secret, made once: 16 random bytes, base64url
// without padding (22 characters). The server keeps only a hash of it.
function deviceKey() {
  const kept = localStorage.getItem(DEVICE_KEY);
  if (kept && DEVICE_RE.test(kept)) return kept;
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  const key = btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  localStorage.setItem(DEVICE_KEY, key);
  return key;
}

// cafeGroups offers the café's own stakeholder groups once its code is
// typed: a café may name groups of its own. The standard ones keep their
// words in the phone's language.
let groupsOf = '';
async function cafeGroups(typed) {
  const code = typed.trim().toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== 6 || code === groupsOf) return;
  groupsOf = code;
  try {
    const r = await fetch(`/api/join/${encodeURIComponent(code)}`);
    if (!r.ok) return; // the join itself says what is wrong with the code
    const { groups } = await r.json();
    const sel = $('#group');
    const kept = sel.value;
    while (sel.options.length > 1) sel.remove(1);
    for (const g of groups) sel.append(el('option', { value: g.id, text: GROUPS[g.id] || g.name, dir: 'auto' }));
    sel.value = groups.some((g) => g.id === kept) ? kept : '';
  } catch {
    groupsOf = ''; // offline: try again on the next keystroke
  }
}

function showJoin(message) {
  $('#live').hidden = true;
  $('#removed').hidden = true;
  $('#join').hidden = false;
  const sel = $('#group');
  if (sel.options.length === 1) {
    for (const [v, label] of Object.entries(GROUPS)) sel.append(el('option', { value: v, text: label }));
  }
  $('#code').value = urlCode || '';
  cafeGroups($('#code').value);
  $('#code').addEventListener('input', () => cafeGroups($('#code').value));
  if (message) { $('#join-error').textContent = message; $('#join-error').hidden = false; }
  $('#anonymous').addEventListener('change', () => { $('#name').disabled = $('#anonymous').checked; });
  $('#join-form').onsubmit = async (e) => {
    e.preventDefault();
    const err = $('#join-error');
    err.hidden = true;
    const code = $('#code').value.trim().toUpperCase();
    if (!code) { err.textContent = t('join.error.code'); err.hidden = false; $('#code').focus(); return; }
    $('#join-submit').disabled = true;
    try {
      loadLive().catch(() => {}); // a failure shows when startLive waits for it
      const anonymous = $('#anonymous').checked;
      const j = await postJSON('/api/join', {
        code, name: anonymous ? '' : $('#name').value.trim(), group: $('#group').value,
        anonymous, device: deviceKey(),
      });
      me = { cafe: j.cafe, token: j.token, pid: j.participant_id, code: code.replace(/[\s-]/g, '') };
      welcomeBack = !!j.rejoined;
      save('wc.me', me);
      history.replaceState(null, '', `/join/${me.code}`);
      await startLive();
    } catch (ex) {
      err.textContent = joinError(ex, code);
      err.hidden = false;
    } finally {
      $('#join-submit').disabled = false;
    }
  };
}

// joinError says why a join failed in this phone's language: a code no
// café has is the usual slip (a letter misread off the wall).
function joinError(ex, code) {
  if (ex.code === 'not_found' || ex.code === 'invalid') return t('join.error.unknownCode', { code });
  return ex.message;
}

// The outbox lives in localStorage, per café and person, so notes typed
// offline survive a reload.
function outboxKey() { return `wc.outbox.${me.cafe}.${me.pid}`; }
function outbox() { return load(outboxKey()) || []; }
function setOutbox(items) { save(outboxKey(), items); }

// showRemoved is the end for this phone in this café: the server refuses
// its token and its device, so it stops trying.
function showRemoved() {
  conn?.stop();
  conn = null;
  if (me) save('wc.me', { ...me, removed: true });
  renderStatus($('#status'), 'live');
  $('#join').hidden = true;
  $('#live').hidden = true;
  $('#removed').hidden = false;
  $('#removed-text').textContent = t('removed.text');
}

async function startLive() {
  await loadLive();
  $('#join').hidden = true;
  $('#removed').hidden = true;
  $('#live').hidden = false;
  conn = new CafeConnection({
    cafe: me.cafe, token: me.token,
    onChange: (env) => {
      if (env?.type === 'participant.removed' && env.data?.participant_id === me.pid) { showRemoved(); return; }
      if (!catchingUp()) render();
    },
    onStatus: (s) => { renderStatus($('#status'), s); render(); },
    onLive: () => {
      myDots = conn.welcome?.my_dots || myDots;
      for (const id of conn.welcome?.my_notes || []) myNotes.add(id);
      render();
      flush();
    },
    onReject: (code, reason) => {
      if (/removed/i.test(reason || '')) { showRemoved(); return; }
      localStorage.removeItem('wc.me');
      me = null;
      conn = null;
      renderStatus($('#status'), 'live');
      showJoin(t('join.error.forgotten'));
    },
  });
  conn.start();
  // Whatever is scrolled or tabbed to stops clear of the sticky bar, however
  // tall the banner and the broadcast make it.
  new ResizeObserver(() => {
    document.documentElement.style.scrollPaddingBlockStart = `${$('#top').offsetHeight + 8}px`;
  }).observe($('#top'));
  startClock(conn, (ms) => { $('#clock').textContent = formatClock(ms); announcer.tick(conn?.state, ms); }); // conn is gone once this phone is removed

  $('#note').addEventListener('input', showCount);
  showCount();
  $('#compose').addEventListener('submit', (e) => { e.preventDefault(); editing ? saveEdit() : post(); });
  $('#edit-cancel').addEventListener('click', stopEditing);
  $('#mine').addEventListener('click', onMineClick);
  $('#hand').addEventListener('click', () => {
    const st = conn.state;
    const raised = st.hands.includes(me.pid);
    conn.send(raised ? 'hand.lower' : 'hand.raise').catch((ex) => alert(ex.code === 'offline' ? t('error.offline') : ex.message));
  });
  $('#vote-items').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-dot]');
    if (!b) return;
    const v = openVote(conn.state);
    if (!v) return;
    const add = b.dataset.dot === 'add';
    const item = b.dataset.item;
    conn.send(add ? 'vote.cast' : 'vote.uncast', { vote_id: v.vote_id, item_id: item }).then(() => {
      const mine = (myDots[v.vote_id] ??= {});
      mine[item] = Math.max(0, (mine[item] || 0) + (add ? 1 : -1));
      render();
    }, (ex) => alert(ex.code === 'offline' ? t('error.offline') : ex.message));
  });
  $('#leave').addEventListener('click', () => {
    if (outbox().length && !confirm(t('phone.leave.confirm'))) return;
    localStorage.removeItem('wc.me');
    location.href = '/join';
  });
  render();
}

// showCount writes how much of a note's length is used, for whatever the
// field holds: typed, or put there to edit.
function showCount() {
  $('#note-count').textContent = t('phone.note.count', { n: [...$('#note').value].length, max: MAX_NOTE });
}

function post() {
  const text = $('#note').value.trim();
  if (!text) { $('#note').focus(); return; }
  setOutbox([...outbox(), { id: newId(), text }]);
  $('#note').value = '';
  showCount();
  render();
  flush();
}

// flush sends the outbox in order, one note at a time. It stops on a
// connection problem (the next reconnect calls it again) and drops a note
// only when the server refused it for good, showing why.
async function flush() {
  if (flushing || !conn) return;
  flushing = true;
  try {
    // A muted phone keeps its notes until the facilitator lets it post.
    while (outbox().length && conn?.status === 'live' && !isMuted()) {
      const item = outbox()[0];
      try {
        await conn.send('note.post', { note_id: item.id, text: item.text });
        myNotes.add(item.id);
      } catch (ex) {
        if (['offline', 'unavailable', 'rate_limited', 'internal'].includes(ex.code)) {
          if (ex.code !== 'offline') setTimeout(flush, 2000);
          return;
        }
        failed.push({ ...item, message: ex.message });
      }
      setOutbox(outbox().filter((x) => x.id !== item.id));
      render();
    }
  } finally {
    flushing = false;
  }
}

function onMineClick(e) {
  const b = e.target.closest('button[data-action]');
  if (!b) return;
  const id = b.dataset.id;
  if (b.dataset.action === 'edit') {
    const n = conn.state.notes.get(id);
    if (!n) return;
    editing = id;
    $('#note').value = n.text;
    showCount();
    $('#note-label').textContent = t('phone.note.editLabel');
    $('#post').textContent = t('action.save');
    $('#edit-cancel').hidden = false;
    $('#note').focus();
  } else if (b.dataset.action === 'delete') {
    if (!confirm(t('phone.note.deleteConfirm'))) return;
    conn.send('note.delete', { note_id: id }).catch((ex) => alert(ex.code === 'offline' ? t('error.offline') : ex.message));
  } else if (b.dataset.action === 'dismiss') {
    failed = failed.filter((f) => f.id !== id);
    render();
  }
}

async function saveEdit() {
  const text = $('#note').value.trim();
  if (!text) return;
  try {
    await conn.send('note.edit', { note_id: editing, text });
    stopEditing();
  } catch (ex) {
    alert(ex.code === 'offline' ? t('error.offline') : ex.message);
  }
}

function stopEditing() {
  editing = null;
  $('#note').value = '';
  showCount();
  $('#note-label').textContent = t('phone.note.label');
  $('#post').textContent = t('phone.note.post');
  $('#edit-cancel').hidden = true;
}

function isMuted() { return !!conn?.state?.people.get(me.pid)?.muted; }

// mineSet holds the ids of this person's notes, sent or waiting.
function mineSet(pending) { return new Set([...myNotes, ...pending.map((p) => p.id)]); }
function isMine(n, mine) { return n.author === me.pid || mine.has(n.id); }

let wasMuted = false;

// render asks for a draw. Draws are coalesced to one per animation frame,
// whatever the number of events before it; and while the phone catches up
// after a reconnect (behind the position its welcome named) events ask for
// none: the last missed one draws once. A phone that resumes 10,000 events
// draws a handful of times, not 10,000.
let drawPending = false;
function render() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    draw();
  });
}

function catchingUp() {
  const w = conn?.welcome;
  return !!w?.resumed && conn.seq < w.seq;
}

// draw brings the page up to date with the state. Lists are drawn by key
// (keyed.js): an element the user is on (a focused "+", a note being read)
// stays the same element while others change around it.
function draw() {
  if (!conn) return;
  performance.mark('phone.render');
  const st = conn.state;
  const pending = outbox();
  // This phone's person, as the lists below the bar need them.
  const person = { pid: me.pid, myDots, failed, offline: conn.status !== 'live', mine: mineSet(pending) };
  if (!st) { lists.renderMine(person, null, pending); return; }
  $('#welcome-back').hidden = !welcomeBack;
  const self = st.people.get(me.pid);
  const muted = !!self?.muted;
  $('#muted').hidden = !muted;
  $('#note').disabled = muted;
  $('#post').disabled = muted;
  if (wasMuted && !muted) flush(); // notes kept while muted go now
  wasMuted = muted;
  const table = self?.table;
  renderTop(st);

  // One table number at a time: between rounds the move card says where to
  // go next, and the card of the table being left gives way to it.
  const host = self?.role === 'host';
  const next = st.next_seats?.[me.pid];
  const moving = st.phase === 'townhall' && !!next;
  const card = $('#table');
  setText(card.querySelector('.n'), table ? t('table.n', { table }) : '');
  setText(card.querySelector('.sub'), host ? t('phone.host') : '');
  card.querySelector('.sub').hidden = !host;
  card.dataset.host = String(host);
  card.hidden = moving || !table;
  const move = $('#move');
  move.hidden = !moving;
  if (moving) {
    const hostThere = [...st.people.values()].find((p) => p.role === 'host' && (st.next_seats[p.id] ?? p.table) === next && p.id !== me.pid);
    const named = hostThere && !hostThere.anonymous && hostThere.name;
    const p = { round: st.round + 1, table: next, host: named ? hostThere.name : '' };
    setText(move, host ? t('phone.move.hostStay', p)
      : next === table ? t('phone.move.stay', p)
        : named ? t('phone.move.toHost', p) : t('phone.move.to', p));
  }

  const q = st.phase === 'lobby' ? 0 : st.question;
  const questionText = {
    lobby: () => t('phone.question.lobby', { table }),
    harvest: () => t('phone.question.harvest'),
    closed: () => t('phone.question.closed'),
  }[st.phase]?.() ?? st.questions[q];
  setText($('#question'), questionText);
  $('#compose').hidden = st.phase !== 'round' && !editing;

  renderPhoneTownHall(st, me.pid);
  lists.renderTownHall(person, st, host, table, muted);
  lists.renderMine(person, st, pending, muted);
  const others = table ? notesFor(st, q).filter((n) => n.table === table && !isMine(n, person.mine) && n.round === st.round) : [];
  lists.renderNoteList($('#table-notes'), others, st.phase === 'round' ? t('phone.table.waiting') : t('phone.table.none'));
  if (conn.status === 'live') announcer.update(st, others);
  else announcer.forget();
}

// renderTop is the sticky bar: what the round is doing, read from anywhere
// on the page. At time up it says so in words, and that a last note is
// still taken: the round stays open until the facilitator ends it.
function renderTop(st) {
  const timer = st.phase === 'round' ? st.timer?.state || 'idle' : 'idle';
  $('#top').dataset.timer = timer;
  setText($('#phase'), phaseLabel(st));
  // The clock ticks on its own (startClock); drawn here too, a pause or a
  // time up shows on it in the same frame as in words.
  setText($('#clock'), formatClock(remainingMs(st.timer, conn.now())));
  const timeup = timer === 'timeup';
  setText($('#timeup'), timeup ? t('phone.timeup') : '');
  $('#timeup').hidden = !timeup;
  setText($('#broadcast'), st.broadcast || '');
  $('#broadcast').hidden = !st.broadcast;
}

// Start last: every function and binding above exists by now.
if (me?.removed && (!urlCode || urlCode === me.code)) showRemoved();
else if (me && (!urlCode || urlCode === me.code)) {
  startLive().catch(() => {
    // The live view's modules did not come: the banner says so, in the bar
    // the live view would have.
    $('#live').hidden = false;
    renderStatus($('#status'), 'offline');
  });
}
else showJoin();
