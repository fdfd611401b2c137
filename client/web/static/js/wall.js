// wall.js: the projector, read from the back of the room. Large question
// and countdown, notes arriving live arranged by table (or theme) for the
// question on show, counts per conversation, and a join corner in every
// phase so latecomers can still get in. While the town hall runs, it takes
// the middle (wall-townhall.js); the online space has a panel beside the
// notes (wall-online.js).
//
// The wall's address is /wall#CAFE.TOKEN, optionally followed by settings:
//   &join=off   hides the join corner (the J key toggles it, and keeps the
//               choice in the address, so a reload keeps it too);
//   &cycle=S    turns the page of notes every S seconds (default 12).
// The arrow keys (and Page Up/Down) turn the pages by hand. Opened without
// a link, the page asks for the short wall code the facilitator's screen
// shows (POST /api/wall-code) and carries on with the wall it opens.
//
// Type is sized to the room, not to the screen's pixels: a projected image
// is the same size at 768 rows or 1080, so sizes follow the window's
// height. Notes never go below FLOOR_ROWS of it (40 px on a 1080-row
// projector: about 4 cm capitals on a 3 m image, readable at 8 m), nor
// below the browser's own font size setting. When every note does not fit
// at that floor, the notes are laid out in pages that turn by themselves,
// with "page 2 of 3" beside them, and the newest note is pinned in the
// footer while its page is not up: nothing is dropped, the newest is
// never hidden.
import { CafeConnection } from './conn.js';
import { t } from './i18n.js';
import { countsPerQuestion, lastVote, notesFor, openVote, voteItems } from './state.js';
import { nameOf } from './names.js';
import { onlineSticky, renderOnline, themedOnline } from './wall-online.js';
import { renderTownHall } from './wall-townhall.js';
import { $, el, formatClock, phaseLabel, postJSON, remainingMs, renderStatus, startClock } from './ui.js';

const FLOOR_ROWS = 27; // the note floor is 1/27 of the height: 40 px at 1080
const TOP_ROWS = 15; // the largest notes, when there are few: 72 px at 1080
const STEP = 0.9; // each try shrinks the type by this much
const MIN_COLUMN_EMS = 11; // a column is at least this many notes' ems wide

const [link, ...settingList] = location.hash.slice(1).split('&');
const [cafe, token] = link.split('.');
const settings = new URLSearchParams(settingList.join('&'));
let joinHidden = settings.get('join') === 'off';
const cycleMs = Math.max(1, Number(settings.get('cycle')) || 12) * 1000;

let seen = null; // note ids already on the wall: only new ones animate
let page = 0; // the page of notes on show
let pages = 1;
let newestShown = ''; // the newest note's id when the page was last chosen
let redraw = null;

window.addEventListener('resize', () => redraw?.());

if (!cafe || !token) {
  askForCode();
} else {
  const conn = new CafeConnection({
    cafe, token,
    onChange: () => schedule(conn),
    onStatus: (s) => renderStatus($('#status'), s),
  });
  conn.start();
  redraw = () => schedule(conn);
  startClock(conn, (ms) => renderClock(conn.state, ms));
  setInterval(() => turnPage(1), cycleMs);
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest?.('input, select, textarea')) return;
    const ahead = document.documentElement.dir === 'rtl' ? 'ArrowLeft' : 'ArrowRight';
    if (e.key === 'j' || e.key === 'J') toggleJoin(conn);
    else if (e.key === ahead || e.key === 'PageDown') turnPage(1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'PageUp') turnPage(-1);
    else return;
    e.preventDefault();
  });
}

// askForCode shows the wall code form: the projector laptop's way in.
function askForCode() {
  $('#question').textContent = t('wall.code.ask');
  const form = $('#wall-code-form');
  form.hidden = false;
  $('#wall-code').focus();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    $('#wall-code-error').textContent = '';
    try {
      const w = await postJSON('/api/wall-code', { code: $('#wall-code').value });
      // The wall link is built from the public address, the one phones
      // use: the join corner then shows that address, not this laptop's.
      location.replace(w.wall_url);
      if (new URL(w.wall_url).pathname === location.pathname) location.reload();
    } catch (err) {
      $('#wall-code-error').textContent = err.message;
    }
  });
}

// schedule draws the wall once per frame however many events arrive in it
// (a wall that resumes thousands of events draws once), then sizes it.
let drawing = false;
function schedule(conn) {
  if (drawing) return;
  drawing = true;
  requestAnimationFrame(() => {
    drawing = false;
    if (!conn.state) return;
    render(conn);
    fit();
  });
}

function toggleJoin(conn) {
  joinHidden = !joinHidden;
  if (joinHidden) settings.set('join', 'off');
  else settings.delete('join');
  const rest = settings.toString();
  history.replaceState(null, '', `#${link}${rest ? `&${rest}` : ''}`);
  schedule(conn);
}

function turnPage(by) {
  if (pages <= 1) return;
  page = (page + by + pages) % pages;
  showPage();
}

// renderClock shows pause and time up on the clock itself, in colour and
// in a word, so the back of the room sees them too.
function renderClock(st, ms) {
  $('#clock').textContent = formatClock(ms);
  const state = st?.phase === 'round' ? st.timer.state : 'idle';
  const box = $('#clock-box');
  if (box.dataset.state === state) return;
  box.dataset.state = state;
  const word = { paused: 'wall.clock.paused', timeup: 'wall.clock.timeup' }[state];
  $('#clock-state').textContent = word ? t(word) : '';
  $('#clock-state').hidden = !word;
}

// focusQuestion is the question the wall is about: the round's, or in the
// harvest the one the facilitator is working on, as the spotlight and the
// votes show it (-1: a vote over every question).
function focusQuestion(st) {
  if (st.phase === 'lobby') return 0;
  if (st.phase !== 'harvest') return st.question;
  const spot = st.spotlight;
  const spotNote = spot?.note_id && st.notes.get(spot.note_id);
  if (spotNote) return spotNote.question;
  const spotTheme = spot?.theme_id && st.themes.get(spot.theme_id);
  if (spotTheme) return spotTheme.question;
  const v = openVote(st) || lastVote(st);
  return v ? v.question : st.question;
}

// voteFor is the newest vote about question q (or about every question).
function voteFor(st, q) {
  let found = null;
  for (const v of st.votes.values()) if (v.question === q || v.question === -1) found = v;
  return found;
}

function render(conn) {
  const st = conn.state;
  document.body.dataset.phase = st.phase;
  $('#phase').replaceChildren(el('bdi', { text: st.title }), t('list.dot'), phaseLabel(st));
  const q = focusQuestion(st);
  $('#question').textContent = {
    lobby: () => t('wall.question.lobby'),
    closed: () => t('wall.question.closed'),
    harvest: () => (q === -1 ? t('wall.question.all') : st.questions[q]),
  }[st.phase]?.() ?? st.questions[q];
  $('#broadcast').textContent = st.broadcast || '';
  $('#broadcast').hidden = !st.broadcast;
  renderClock(st, remainingMs(st.timer, conn.now()));
  renderJoin(st);
  // While the town hall runs it has the wall's middle; the online space
  // has a panel beside the notes otherwise.
  const townHall = renderTownHall(st);
  document.body.dataset.townhall = townHall ? 'on' : 'off';
  renderOnline(st, !townHall);
  renderExtras(st, q, townHall);
  renderNotes(st, q);

  const counts = countsPerQuestion(st);
  $('#counts').replaceChildren(...counts.map((n, i) => el('li', { class: i === q && st.phase !== 'lobby' ? 'current' : '' },
    el('span', { text: t('wall.conversation', { question: i + 1 }) }), el('strong', { text: t('count.number', { n }) }))));
}

// renderJoin keeps the way in on the wall in every phase: large in the
// lobby, a corner during rounds and the harvest, unless it is switched off.
function renderJoin(st) {
  $('#join').hidden = joinHidden || st.phase === 'closed';
  $('#join-url').textContent = `${location.host}/join`;
  $('#join-code').textContent = st.join_code;
  if ($('#join-qr').dataset.code !== st.join_code) {
    $('#join-qr').src = `/api/qr/${encodeURIComponent(st.join_code)}`;
    $('#join-qr').dataset.code = st.join_code;
  }
}

function renderNotes(st, q) {
  const notes = st.phase === 'lobby' ? [] : q === -1 ? [...st.notes.values()].filter((n) => !n.hidden).sort((a, b) => a.seq - b.seq) : notesFor(st, q);
  const first = seen === null;
  seen ??= new Set();
  // In a town hall or the harvest with themes, the wall shows the themes;
  // otherwise tables.
  const themes = [...st.themes.values()].filter((th) => q === -1 || th.question === q);
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
  const newest = notes.at(-1);
  const boxes = [];
  for (const col of columns) {
    const list = groups.get(col.id) || [];
    // A table with nothing yet takes no room once notes arrive elsewhere.
    if (!byTheme && list.length === 0 && notes.length > 0) continue;
    // A theme holds the online contributions put in it too, marked.
    const online = byTheme && col.id ? themedOnline(st, col.id) : [];
    boxes.push(el('section', { class: byTheme ? 'wall-table wall-theme' : 'wall-table', 'aria-label': col.label, 'data-label': col.label },
      el('h2', {}, el('span', { dir: col.user ? 'auto' : null, text: col.label }), el('span', { class: 'count', text: t('count.number', { n: list.length + online.length }) })),
      el('ul', {}, list.map((n) => {
        const fresh = !first && !seen.has(n.id);
        const cls = ['sticky', fresh && 'arrive', n === newest && 'newest'].filter(Boolean).join(' ');
        return el('li', { class: cls, 'data-note-id': n.id }, el('span', { class: 't', dir: 'auto', text: n.text }));
      }), online.map(onlineSticky))));
  }
  for (const n of notes) seen.add(n.id);
  $('#tables').replaceChildren(...boxes);
  $('#newest-label').textContent = newest ? t('wall.newest', { table: newest.table }) : '';
  $('#newest-text').textContent = newest ? newest.text : '';
  $('#newest').dataset.noteId = newest ? newest.id : '';
  // A new note brings its page into view.
  if (newest && newest.id !== newestShown && !first) page = Infinity;
  newestShown = newest ? newest.id : '';
}

// fit sizes the notes to the room: the largest type at which every note
// fits, down to the floor; at the floor, pages.
function fit() {
  const box = $('#tables');
  // What shows around the notes (the page marker, the pinned note) can
  // change the room they have: lay out again until it holds still.
  for (let tries = 0; tries < 3; tries++) {
    const room = box.clientHeight;
    fitOnce(box);
    if (box.clientHeight === room) break;
  }
}

function fitOnce(box) {
  const root = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  const floor = Math.max(innerHeight / FLOOR_ROWS, root * 1.5); // as --wall-floor in app.css
  const top = Math.max(innerHeight / TOP_ROWS, floor);
  $('#newest').hidden = true;
  box.classList.remove('paged');
  let size = top;
  for (;;) {
    layoutAt(box, size);
    if (!overflows(box) || size <= floor) break;
    size = Math.max(floor, size * STEP);
  }
  if (overflows(box)) {
    // Pages: room is kept for the newest note, pinned in the footer.
    box.classList.add('paged');
    $('#newest').hidden = !$('#newest').dataset.noteId;
    layoutAt(box, floor);
    markContinued(box);
  }
  countPages(box);
  showPage();
}

function layoutAt(box, size) {
  box.style.setProperty('--note-size', `${size}px`);
  const gap = parseFloat(getComputedStyle(box).columnGap) || 0;
  const cols = Math.max(1, Math.floor((box.clientWidth + gap) / (size * MIN_COLUMN_EMS + gap)));
  box.style.columnCount = String(cols);
}

function overflows(box) {
  return box.scrollWidth > box.clientWidth + 1;
}

// markContinued names the table (or theme) again at the top of a column
// where its notes go on from the one before.
function markContinued(box) {
  for (const li of box.querySelectorAll('li.cont')) li.remove();
  for (const section of box.querySelectorAll('section')) {
    let left = null;
    for (const li of section.querySelectorAll('li.sticky')) {
      const x = li.getBoundingClientRect().left;
      if (left !== null && Math.abs(x - left) > 2) {
        li.before(el('li', { class: 'cont', 'aria-hidden': 'true', text: t('wall.continued', { label: section.dataset.label }) }));
      }
      left = li.getBoundingClientRect().left;
    }
  }
}

// columnStarts measures where each column of notes begins, from the start
// edge of the first: pages are whole columns, and the browser's rounding
// of column widths would make a computed offset drift page after page.
let starts = [0];
function measureColumns(box) {
  const rtl = document.documentElement.dir === 'rtl';
  box.scrollLeft = 0;
  const b = box.getBoundingClientRect();
  const xs = [];
  for (const e of box.querySelectorAll('.wall-table > h2, .wall-table li')) {
    const r = e.getBoundingClientRect();
    if (r.width) xs.push(rtl ? b.right - r.right : r.left - b.left);
  }
  xs.sort((a, c) => a - c);
  const width = b.width / Math.max(1, Number(box.style.columnCount) || 1);
  starts = [];
  for (const x of xs) if (!starts.length || x - starts.at(-1) > width / 2) starts.push(x);
  if (!starts.length) starts = [0];
}

function countPages(box) {
  measureColumns(box);
  const cols = Math.max(1, Number(box.style.columnCount) || 1);
  pages = Math.max(1, Math.ceil(starts.length / cols));
}

// showPage scrolls the notes to the page on show. Page Infinity is the one
// that holds the newest note.
function showPage() {
  const box = $('#tables');
  const rtl = document.documentElement.dir === 'rtl';
  const cols = Math.max(1, Number(box.style.columnCount) || 1);
  if (page === Infinity) {
    const newest = box.querySelector('li.newest');
    box.scrollLeft = 0;
    const from = box.getBoundingClientRect();
    const at = newest ? newest.getBoundingClientRect() : from;
    const x = rtl ? from.right - at.right : at.left - from.left;
    const col = starts.findLastIndex((s) => s <= x + 1);
    page = Math.max(0, Math.floor(Math.max(0, col) / cols));
  }
  page = Math.min(page, pages - 1);
  const offset = (starts[page * cols] ?? 0) - starts[0];
  box.scrollLeft = (rtl ? -1 : 1) * offset;
  box.dataset.page = String(page + 1);
  box.dataset.pages = String(pages);
  $('#page').hidden = pages <= 1;
  $('#page').textContent = pages > 1 ? t('wall.page', { page: page + 1, pages }) : '';
  const newest = box.querySelector('li.newest');
  // The pinned copy shows only while the newest note is off this page.
  if (box.classList.contains('paged') && newest) $('#newest').classList.toggle('elsewhere', !onScreen(newest, box));
}

function onScreen(node, box) {
  const r = node.getBoundingClientRect();
  const b = box.getBoundingClientRect();
  return r.right > b.left + 1 && r.left < b.right - 1;
}

// renderExtras draws what the plenary and the harvest add: who speaks,
// the vote on the question on show, the seating move, and the spotlight
// over everything.
function renderExtras(st, q, townHall) {
  const talk = st.phase === 'townhall' || st.phase === 'harvest';
  // The running town hall names who speaks and who is next itself.
  const speakers = talk && !townHall && (st.speaker || st.hands.length);
  $('#speakers').hidden = !speakers;
  if (speakers) {
    const next = st.hands.slice(0, 3).map((id) => nameOf(st, id));
    $('#speakers').textContent = [
      st.speaker ? t('speakers.now', { name: nameOf(st, st.speaker) }) : '',
      next.length ? (st.hands.length > 3 ? t('speakers.nextMore', { names: next.join(t('list.comma')), more: st.hands.length - 3 })
        : t('speakers.next', { names: next.join(t('list.comma')) })) : '',
    ].filter(Boolean).join(t('list.wideDot'));
  }

  // Only the vote on the question the wall shows: never one question's
  // notes beside another's results.
  const v = talk ? voteFor(st, q) : null;
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
      const to = st.next_seats[p.id];
      if (to && to !== p.table) {
        if (!arrivals.has(to)) arrivals.set(to, []);
        arrivals.get(to).push(nameOf(st, p.id));
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
      const notes = th ? notesFor(st, th.question).filter((n) => n.theme === th.id) : [];
      $('#spot-notes').replaceChildren(...notes.map((n) => el('li', { class: 'sticky', dir: 'auto', text: n.text })));
    }
  }
}
