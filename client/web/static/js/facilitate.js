// facilitate.js: the facilitator's tablet. Everything shown comes from the
// café's state on the server, so a reload or a lost connection loses nothing.
import { CafeConnection } from './conn.js';
import { countsPerQuestion, notesFor } from './state.js';
import { $, GROUPS, el, formatClock, load, phaseLabel, renderStatus, startClock } from './ui.js';

const [cafe, token] = location.hash.slice(1).split('.');
const known = (load('wc.cafes') || []).find((c) => c.cafe === cafe) || {};

if (!cafe || !token) {
  document.body.replaceChildren(el('main', {},
    el('h1', { text: 'No café selected' }),
    el('p', {}, 'Open the facilitator link you got when you created the café, or ', el('a', { href: '/', text: 'create a new café' }), '.')));
} else {
  const conn = new CafeConnection({
    cafe, token,
    onChange: () => render(conn),
    onStatus: (s) => { renderStatus($('#status'), s); renderButtons(conn); },
    onReject: () => { $('#status').textContent = 'This facilitator link is not valid for this server.'; $('#status').hidden = false; },
  });
  wire(conn);
  conn.start();
  startClock(conn, (ms) => { $('#clock').textContent = formatClock(ms); });
}

function wire(conn) {
  const act = (type, data) => async () => {
    const err = $('#control-error');
    err.hidden = true;
    try {
      await conn.send(type, data);
    } catch (ex) {
      err.textContent = ex.code === 'offline' ? 'Not connected; try again in a moment.' : ex.message;
      err.hidden = false;
    }
  };
  $('#btn-start').addEventListener('click', act('round.start'));
  $('#btn-pause').addEventListener('click', act('round.pause'));
  $('#btn-resume').addEventListener('click', act('round.resume'));
  $('#btn-extend1').addEventListener('click', act('round.extend', { minutes: 1 }));
  $('#btn-extend5').addEventListener('click', act('round.extend', { minutes: 5 }));
  $('#btn-end').addEventListener('click', act('round.end'));
  $('#btn-harvest').addEventListener('click', act('harvest.start'));
  $('#btn-close').addEventListener('click', () => {
    if (confirm('Close the café? Nobody can post or change notes afterwards.')) act('cafe.close')();
  });
  $('#broadcast-form').addEventListener('submit', (e) => {
    e.preventDefault();
    act('broadcast.set', { text: $('#broadcast').value })();
  });
  $('#broadcast-clear').addEventListener('click', () => {
    $('#broadcast').value = '';
    act('broadcast.set', { text: '' })();
  });
  $('#tables').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-note]');
    if (b) act(b.dataset.hidden === 'true' ? 'note.unhide' : 'note.hide', { note_id: b.dataset.note })();
  });
}

function renderButtons(conn) {
  const st = conn.state;
  const live = conn.status === 'live' && st;
  const phase = st?.phase;
  const timer = st?.timer?.state;
  const rounds = st?.questions.length ?? 0;
  const set = (id, enabled) => { $(id).disabled = !(live && enabled); };
  set('#btn-start', (phase === 'lobby' || phase === 'townhall') && st.round < rounds);
  $('#btn-start').textContent = st && st.round < rounds ? `Start round ${st.round + 1}` : 'Start round';
  set('#btn-pause', phase === 'round' && timer === 'running');
  set('#btn-resume', phase === 'round' && timer === 'paused');
  set('#btn-extend1', phase === 'round');
  set('#btn-extend5', phase === 'round');
  set('#btn-end', phase === 'round');
  set('#btn-harvest', phase === 'townhall');
  set('#btn-close', phase && phase !== 'closed');
}

function render(conn) {
  const st = conn.state;
  document.title = `${st.title} · facilitator`;
  $('#title').textContent = st.title;
  $('#phase').textContent = phaseLabel(st);
  renderButtons(conn);

  // Lobby and between rounds: how to join.
  const joinUrl = `${location.origin}/join`;
  $('#lobby').hidden = !(st.phase === 'lobby' || st.phase === 'townhall');
  $('#join-url').textContent = joinUrl;
  $('#join-code').textContent = st.join_code;
  if ($('#join-qr').dataset.code !== st.join_code) {
    $('#join-qr').src = `/api/qr/${encodeURIComponent(st.join_code)}`;
    $('#join-qr').dataset.code = st.join_code;
  }
  const wall = known.wall ? `/wall#${cafe}.${known.wall}` : null;
  $('#wall-link').hidden = !wall;
  if (wall) $('#wall-link').href = wall;

  const people = [...st.people.values()];
  $('#people-count').textContent = String(people.length);
  const groups = new Map();
  for (const p of people) groups.set(p.group || '', (groups.get(p.group || '') || 0) + 1);
  $('#groups').replaceChildren(...[...groups.entries()].sort((a, b) => b[1] - a[1]).map(([g, n]) =>
    el('li', {}, el('span', { text: GROUPS[g] || 'Not stated' }), el('strong', { text: String(n) }))));

  // Notes: the current (or last) question, by table, with moderation.
  const q = st.phase === 'lobby' ? 0 : st.question;
  $('#question').textContent = `Question ${q + 1}: ${st.questions[q]}`;
  $('#per-question').replaceChildren(...countsPerQuestion(st).map((n, i) =>
    el('li', {}, el('span', { text: `Question ${i + 1}` }), el('strong', { text: String(n) }))));
  const byTable = new Map();
  for (const n of notesFor(st, q, { includeHidden: true })) {
    if (!byTable.has(n.table)) byTable.set(n.table, []);
    byTable.get(n.table).push(n);
  }
  const tables = [];
  for (let t = 1; t <= st.tables; t++) {
    const notes = byTable.get(t) || [];
    tables.push(el('section', { class: 'table-box', 'aria-label': `Table ${t}` },
      el('h3', {}, `Table ${t} `, el('span', { class: 'count', text: plural(notes.filter((n) => !n.hidden).length, 'note') })),
      el('ul', { class: 'notes' }, notes.map((n) => el('li', { class: n.hidden ? 'note hidden-note' : 'note', 'data-note-id': n.id },
        el('span', { class: 'note-text', text: n.text }),
        el('button', { class: 'small-btn', 'data-note': n.id, 'data-hidden': String(n.hidden), 'aria-label': `${n.hidden ? 'Show' : 'Hide'} note: ${n.text.slice(0, 40)}` }, n.hidden ? 'Show' : 'Hide'))))));
  }
  $('#tables').replaceChildren(...tables);
}

function plural(n, word) { return `${n} ${word}${n === 1 ? '' : 's'}`; }
