// wall.js: the projector. Large question and countdown, notes arriving live
// arranged by table for the current question, counts per conversation, and
// how to join while people are not in a round.
import { CafeConnection } from './conn.js';
import { countsPerQuestion, notesFor } from './state.js';
import { $, el, formatClock, phaseLabel, renderStatus, startClock } from './ui.js';

const [cafe, token] = location.hash.slice(1).split('.');
const PER_TABLE = 8; // newest notes shown per table; the rest are counted
let seen = null; // note ids already on the wall: only new ones animate

if (!cafe || !token) {
  $('#question').textContent = 'Open the wall from the facilitator’s screen (the “Open the wall” link).';
} else {
  const conn = new CafeConnection({
    cafe, token,
    onChange: () => render(conn),
    onStatus: (s) => renderStatus($('#status'), s),
  });
  conn.start();
  startClock(conn, (ms) => { $('#clock').textContent = formatClock(ms); });
}

function render(conn) {
  const st = conn.state;
  $('#phase').textContent = `${st.title} · ${phaseLabel(st)}`;
  const q = st.phase === 'lobby' ? 0 : st.question;
  $('#question').textContent = {
    lobby: 'Welcome! Join with your phone.',
    harvest: 'Harvest: what did we hear?',
    closed: 'Thank you!',
  }[st.phase] ?? st.questions[q];
  $('#broadcast').textContent = st.broadcast || '';
  $('#broadcast').hidden = !st.broadcast;

  const joining = st.phase === 'lobby' || st.phase === 'townhall';
  $('#join').hidden = !joining;
  $('#join-url').textContent = `${location.host}/join`;
  $('#join-code').textContent = st.join_code;
  if ($('#join-qr').dataset.code !== st.join_code) {
    $('#join-qr').src = `/api/qr/${encodeURIComponent(st.join_code)}`;
    $('#join-qr').dataset.code = st.join_code;
  }

  const notes = st.phase === 'lobby' ? [] : notesFor(st, q);
  const first = seen === null;
  seen ??= new Set();
  const byTable = new Map();
  for (const n of notes) {
    if (!byTable.has(n.table)) byTable.set(n.table, []);
    byTable.get(n.table).push(n);
  }
  const boxes = [];
  for (let t = 1; t <= st.tables; t++) {
    const list = byTable.get(t) || [];
    const shown = list.slice(-PER_TABLE);
    boxes.push(el('section', { class: 'wall-table', 'aria-label': `Table ${t}` },
      el('h2', {}, `Table ${t}`, el('span', { class: 'count', text: String(list.length) })),
      el('ul', {}, shown.map((n) => {
        const fresh = !first && !seen.has(n.id);
        seen.add(n.id);
        return el('li', { class: fresh ? 'sticky arrive' : 'sticky', 'data-note-id': n.id, text: n.text });
      }), list.length > shown.length ? el('li', { class: 'more', text: `+${list.length - shown.length} more` }) : null)));
  }
  for (const n of notes) seen.add(n.id);
  $('#tables').replaceChildren(...boxes);
  $('#tables').dataset.tables = String(st.tables);

  const counts = countsPerQuestion(st);
  $('#counts').replaceChildren(...counts.map((n, i) => el('li', { class: i === q && st.phase === 'round' ? 'current' : '' },
    el('span', { text: `Conversation ${i + 1}` }), el('strong', { text: String(n) }))));
}
