// wall.js: the projector. Large question and countdown, notes arriving live
// arranged by table for the current question, counts per conversation, and
// how to join while people are not in a round.
import { CafeConnection } from './conn.js';
import { t } from './i18n.js';
import { countsPerQuestion, lastVote, notesFor, voteItems } from './state.js';
import { nameOf } from './names.js';
import { $, el, formatClock, phaseLabel, renderStatus, startClock } from './ui.js';

const [cafe, token] = location.hash.slice(1).split('.');
const PER_TABLE = 12; // newest notes considered per column; fitColumns shows what fits
let seen = null; // note ids already on the wall: only new ones animate

let redraw = null;
window.addEventListener('resize', () => redraw?.());

if (!cafe || !token) {
  $('#question').textContent = t('wall.noLink');
} else {
  const conn = new CafeConnection({
    cafe, token,
    onChange: () => render(conn),
    onStatus: (s) => renderStatus($('#status'), s),
  });
  conn.start();
  redraw = () => { if (conn.state) render(conn); };
  startClock(conn, (ms) => { $('#clock').textContent = formatClock(ms); });
}

function render(conn) {
  const st = conn.state;
  $('#phase').replaceChildren(el('bdi', { text: st.title }), t('list.dot'), phaseLabel(st));
  const q = st.phase === 'lobby' ? 0 : st.question;
  $('#question').textContent = {
    lobby: () => t('wall.question.lobby'),
    harvest: () => t('wall.question.harvest'),
    closed: () => t('wall.question.closed'),
  }[st.phase]?.() ?? st.questions[q];
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

  renderExtras(st, q);
  const notes = st.phase === 'lobby' ? [] : notesFor(st, q);
  const first = seen === null;
  seen ??= new Set();
  // In a town hall with themes, the wall shows the themes; otherwise tables.
  const themes = [...st.themes.values()].filter((t) => t.question === q);
  const byTheme = (st.phase === 'townhall' || st.phase === 'harvest') && themes.length > 0;
  const groups = new Map();
  const key = (n) => (byTheme ? (st.themes.has(n.theme) ? n.theme : '') : n.table);
  for (const n of notes) {
    if (!groups.has(key(n))) groups.set(key(n), []);
    groups.get(key(n)).push(n);
  }
  const columns = byTheme
    ? [...themes.map((th) => ({ id: th.id, label: th.name, user: true })), ...(groups.has('') ? [{ id: '', label: t('theme.loose') }] : [])]
    : Array.from({ length: st.tables }, (_, i) => ({ id: i + 1, label: t('table.n', { table: i + 1 }) }));
  const boxes = [];
  for (const col of columns) {
    const list = groups.get(col.id) || [];
    const shown = list.slice(-PER_TABLE);
    boxes.push(el('section', { class: byTheme ? 'wall-table wall-theme' : 'wall-table', 'aria-label': col.label },
      el('h2', {}, el('span', { dir: col.user ? 'auto' : null, text: col.label }), el('span', { class: 'count', text: t('count.number', { n: list.length }) })),
      el('ul', { 'data-older': String(list.length - shown.length) }, shown.map((n) => {
        const fresh = !first && !seen.has(n.id);
        seen.add(n.id);
        return el('li', { class: fresh ? 'sticky arrive' : 'sticky', 'data-note-id': n.id }, el('span', { class: 't', dir: 'auto', text: n.text }));
      }))));
  }
  for (const n of notes) seen.add(n.id);
  $('#tables').replaceChildren(...boxes);
  $('#tables').dataset.tables = String(Math.min(columns.length, 5));
  // Measure after the browser has laid the new columns out.
  requestAnimationFrame(fitColumns);

  const counts = countsPerQuestion(st);
  $('#counts').replaceChildren(...counts.map((n, i) => el('li', { class: i === q && st.phase === 'round' ? 'current' : '' },
    el('span', { text: t('wall.conversation', { question: i + 1 }) }), el('strong', { text: t('count.number', { n }) }))));
}

// renderExtras draws what the town hall adds: who speaks, the vote results,
// the seating move, and the spotlight over everything.
function renderExtras(st, q) {
  const talk = st.phase === 'townhall' || st.phase === 'harvest';
  const speakers = talk && (st.speaker || st.hands.length);
  $('#speakers').hidden = !speakers;
  if (speakers) {
    const next = st.hands.slice(0, 3).map((id) => nameOf(st, id));
    $('#speakers').textContent = [
      st.speaker ? t('speakers.now', { name: nameOf(st, st.speaker) }) : '',
      next.length ? (st.hands.length > 3 ? t('speakers.nextMore', { names: next.join(t('list.comma')), more: st.hands.length - 3 })
        : t('speakers.next', { names: next.join(t('list.comma')) })) : '',
    ].filter(Boolean).join(t('list.wideDot'));
  }

  const v = talk ? lastVote(st) : null;
  const showResults = v && v.tally;
  $('#results').hidden = !v;
  if (v) {
    $('#results-h').textContent = showResults ? (v.live && !v.closed ? t('wall.vote.live') : t('wall.vote.results')) : t('wall.vote.progress');
    const items = showResults ? voteItems(st, v).map((it) => ({ ...it, dots: v.tally[it.id] || 0 }))
      .filter((it) => it.dots > 0).sort((a, b) => b.dots - a.dots).slice(0, 8) : [];
    const most = Math.max(1, ...items.map((it) => it.dots));
    $('#results-list').replaceChildren(...(showResults ? items.map((it) => {
      const bar = el('span', { class: 'bar' });
      bar.style.width = `${Math.round((100 * it.dots) / most)}%`;
      return el('li', {}, el('span', { class: 'label', dir: 'auto', text: it.label }), el('span', { class: 'bar-wrap' }, bar), el('strong', { text: t('count.number', { n: it.dots }) }));
    }) : [el('li', { class: 'waiting', text: t('wall.vote.waiting') })]));
  }

  // The move between rounds: who arrives at which table.
  const moving = st.phase === 'townhall' && st.next_seats && st.round < st.questions.length && st.tables <= 20;
  $('#moves').hidden = !moving;
  if (moving) {
    const arrivals = new Map();
    for (const p of st.people.values()) {
      const t = st.next_seats[p.id];
      if (t && t !== p.table) {
        if (!arrivals.has(t)) arrivals.set(t, []);
        arrivals.get(t).push(nameOf(st, p.id));
      }
    }
    $('#moves-h').textContent = t('wall.moves', { round: st.round + 1 });
    $('#moves-list').replaceChildren(...[...arrivals.keys()].sort((a, b) => a - b).map((tn) =>
      el('li', {}, el('strong', { text: t('wall.moves.table', { table: tn }) }), el('span', { dir: 'auto', text: arrivals.get(tn).join(t('list.comma')) }))));
  }

  const spot = st.spotlight;
  $('#spotlight').hidden = !spot;
  if (spot) {
    if (spot.note_id) {
      const n = st.notes.get(spot.note_id);
      $('#spot-kind').textContent = n ? t('wall.spot.note', { table: n.table, question: n.question + 1 }) : '';
      $('#spot-text').textContent = n ? n.text : '';
      $('#spot-notes').replaceChildren();
    } else {
      const th = st.themes.get(spot.theme_id);
      $('#spot-kind').textContent = t('wall.spot.theme');
      $('#spot-text').textContent = th ? th.name : '';
      const notes = th ? notesFor(st, th.question).filter((n) => n.theme === th.id).slice(0, 12) : [];
      $('#spot-notes').replaceChildren(...notes.map((n) => el('li', { class: 'sticky', dir: 'auto', text: n.text })));
    }
  }
}

// fitColumns keeps every column on screen without scrolling: a column that
// overflows first shows shorter notes, then drops its oldest notes and says
// how many are not shown.
function fitColumns() {
  for (const ul of document.querySelectorAll('.wall-table ul')) {
    const over = () => ul.scrollHeight > ul.clientHeight + 1;
    let dropped = Number(ul.dataset.older || 0);
    const more = el('li', { class: 'more' });
    ul.prepend(more);
    const say = () => { more.textContent = dropped ? t('wall.earlier', { n: dropped }) : ''; more.hidden = !dropped; };
    say();
    if (!over()) continue;
    ul.classList.add('dense');
    if (!over()) continue;
    ul.classList.add('denser');
    while (over() && ul.querySelectorAll('.sticky').length > 1) {
      ul.querySelector('.sticky').remove();
      dropped++;
      say();
    }
  }
}
