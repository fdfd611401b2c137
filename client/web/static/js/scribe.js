// scribe.js: the scribe's screen, on a small phone or a laptop. Opened with
// the link the facilitator made (/scribe#CAFE.TOKEN), it shows the town
// hall's agenda and who has the floor, and lets the scribe add, edit and
// delete the key findings live. Every change waits in an outbox kept on
// the device until the server acknowledges it, in the order it was made:
// nothing typed is lost on a dropped link or a reload. A finding's id is
// made here, so a resend is recognised by the server.
import { CafeConnection, newId } from './conn.js';
import { t } from './i18n.js';
import { keyed } from './keyed.js';
import { itemWords, safeLink, stageLabel } from './townhall-words.js';
import { $, el, load, renderStatus, save } from './ui.js';

const MAX_FINDING = 1000;
// Refusals worth trying again later: the link, not the change, was wrong.
const RETRY = new Set(['offline', 'unavailable', 'rate_limited', 'internal']);

const [cafe, token] = location.hash.slice(1).split('.');
const outboxKey = `wc.scribe.outbox.${cafe}`;
let conn = null;
let editing = null; // id of the finding being edited
let failed = []; // changes the server refused: {op, id, text, message}
let flushing = false;

function outbox() { return load(outboxKey) || []; }
function setOutbox(items) { save(outboxKey, items); }

function showCount() {
  $('#finding-count').textContent = t('phone.note.count', { n: [...$('#finding').value].length, max: MAX_FINDING });
}

// submit keeps the change in the outbox first, then sends it.
function submit() {
  const text = $('#finding').value.trim();
  if (!text) { $('#finding').focus(); return; }
  const change = editing ? { op: 'edit', id: editing, text } : { op: 'add', id: newId(), text };
  setOutbox([...outbox(), change]);
  stopEditing();
  render();
  flush();
}

// flush sends the outbox in order, one change at a time. It stops on a
// connection problem (the next reconnect calls it again) and drops a change
// only when the server refused it for good, showing why.
async function flush() {
  if (flushing || !conn) return;
  flushing = true;
  try {
    while (outbox().length && conn.status === 'live') {
      const c = outbox()[0];
      try {
        if (c.op === 'delete') await conn.send('finding.delete', { finding_id: c.id });
        else await conn.send(`finding.${c.op}`, { finding_id: c.id, text: c.text });
      } catch (ex) {
        // A delete resent after its answer was lost finds nothing: done.
        const gone = c.op === 'delete' && ex.code === 'not_found';
        if (RETRY.has(ex.code)) {
          if (ex.code !== 'offline') setTimeout(flush, 2000);
          return;
        }
        if (!gone) failed.push({ ...c, message: ex.message });
      }
      // Only this loop takes changes off, always the first; the page only
      // adds at the end, also while a change is on its way.
      setOutbox(outbox().slice(1));
      render();
    }
  } finally {
    flushing = false;
  }
}

function onListClick(e) {
  const b = e.target.closest('button[data-action]');
  if (!b) return;
  const id = b.closest('li').dataset.key;
  const f = shown().find((x) => x.id === id);
  if (b.dataset.action === 'edit' && f) {
    editing = id;
    $('#finding').value = f.text;
    $('#finding-label').textContent = t('scribe.finding.editLabel');
    $('#finding-save').textContent = t('action.save');
    $('#finding-cancel').hidden = false;
    showCount();
    $('#finding').focus();
  } else if (b.dataset.action === 'delete' && f) {
    if (!confirm(t('scribe.finding.deleteConfirm'))) return;
    if (editing === id) stopEditing();
    setOutbox([...outbox(), { op: 'delete', id }]);
    render();
    flush();
  } else if (b.dataset.action === 'dismiss') {
    failed = failed.filter((x) => x.id !== id);
    render();
  }
}

function stopEditing() {
  editing = null;
  $('#finding').value = '';
  $('#finding-label').textContent = t('scribe.finding.label');
  $('#finding-save').textContent = t('scribe.finding.add');
  $('#finding-cancel').hidden = true;
  showCount();
}

// shown is the list as the scribe should see it: the server's findings
// with the changes still waiting in the outbox laid over them, in order.
function shown() {
  const list = (conn?.state?.town_hall?.findings || []).map((f) => ({ id: f.id, text: f.text, state: '' }));
  for (const c of outbox()) {
    const i = list.findIndex((f) => f.id === c.id);
    if (c.op === 'delete') { if (i >= 0) list.splice(i, 1); continue; }
    if (i >= 0) Object.assign(list[i], { text: c.text, state: 'waiting' });
    else if (c.op === 'add') list.push({ id: c.id, text: c.text, state: 'waiting' });
  }
  for (const f of failed) if (!list.some((x) => x.id === f.id)) list.push({ id: f.id, text: f.text || '', state: 'failed', message: f.message });
  return list;
}

let drawPending = false;
function render() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => { drawPending = false; draw(); });
}

function draw() {
  const st = conn?.state;
  if (st) renderNow(st);
  const offline = conn?.status !== 'live';
  keyed($('#findings'), shown(), (f) => f.id, () => el('li', {},
    el('span', { class: 'text', dir: 'auto' }),
    el('span', { class: 'actions' }),
    el('span', { class: 'state', role: 'status' })), (li, f) => {
    li.dataset.state = f.state;
    li.querySelector('.text').textContent = f.text;
    const state = li.querySelector('.state');
    state.textContent = f.state === 'waiting' ? t(offline ? 'scribe.finding.offline' : 'scribe.finding.sending')
      : f.state === 'failed' ? t('scribe.finding.failed', { reason: f.message }) : '';
    state.className = f.state === 'failed' ? 'state error' : 'state';
    state.hidden = !f.state;
    const actions = li.querySelector('.actions');
    const want = f.state === 'failed' ? 'failed' : 'live';
    if (actions.dataset.kind !== want) {
      actions.dataset.kind = want;
      actions.replaceChildren(...(want === 'failed'
        ? [el('button', { type: 'button', class: 'secondary', 'data-action': 'dismiss', text: t('action.dismiss') })]
        : [el('button', { type: 'button', class: 'secondary', 'data-action': 'edit', text: t('action.edit') }),
          el('button', { type: 'button', class: 'danger', 'data-action': 'delete', text: t('action.delete') })]));
    }
  });
  if (!$('#findings').children.length) $('#findings').append(el('li', { class: 'empty', text: t('scribe.findings.none') }));
}

// renderNow is the agenda and who has the floor.
function renderNow(st) {
  $('#scribe-cafe').textContent = st.title;
  const th = st.town_hall;
  $('#scribe-stage').textContent = th?.stage ? stageLabel(th.stage) : t('scribe.notStarted');
  $('#scribe-agenda').textContent = th?.title || '';
  $('#scribe-agenda').hidden = !th?.title;
  $('#scribe-presenter').textContent = th?.presenter ? t('wall.th.presenter', { name: th.presenter }) : '';
  $('#scribe-presenter').hidden = !th?.presenter;
  const link = safeLink(th?.link || '');
  $('#scribe-link-line').hidden = !link;
  if (link) { $('#scribe-link').href = link; $('#scribe-link').textContent = link; }
  const cur = th?.current;
  const w = cur ? itemWords(st, cur) : null;
  $('#scribe-speaking').textContent = w ? t(cur.kind === 'question' ? 'scribe.answering' : 'scribe.speaking', { who: w.who }) : '';
  $('#scribe-speaking').hidden = !w;
  $('#scribe-answering').textContent = w?.text || '';
  $('#scribe-answering').hidden = !w?.text;
}

// Start last: every function and binding above exists by now.
if (!cafe || !token) {
  $('#scribe-nolink').hidden = false;
  $('#scribe-now').hidden = true;
  $('#finding-form').hidden = true;
} else {
  conn = new CafeConnection({
    cafe, token,
    onChange: () => render(),
    onStatus: (s) => { renderStatus($('#status'), s); render(); },
    onLive: () => { render(); flush(); },
  });
  conn.start();
  $('#finding').addEventListener('input', showCount);
  $('#finding-form').addEventListener('submit', (e) => { e.preventDefault(); submit(); });
  $('#finding-cancel').addEventListener('click', stopEditing);
  $('#findings').addEventListener('click', onListClick);
  showCount();
  render();
}
