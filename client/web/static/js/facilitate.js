// facilitate.js: the facilitator's tablet. Everything shown comes from the
// café's state on the server, so a reload or a lost connection loses nothing.
//
// Drawing is keyed: each note, person, theme and table keeps its element
// from one draw to the next and only what changed in it is written. A
// button the facilitator is on, an open list or a drag survive the notes
// that keep arriving. Draws are coalesced to one per animation frame, so a
// burst of events (a resume of thousands) costs one draw, not thousands.
//
// The consultation around the café has a panel module each, wired here:
// the town hall meeting and its queue (townhall-panel.js, with the scribe's
// link in scribe-link.js), the online space (online-panel.js) and the
// conclusion (conclusion-panel.js).
import { Announcer } from './announce.js';
import { CafeConnection } from './conn.js';
import { lang, t } from './i18n.js';
import { countsPerQuestion, noteAuthor, notesFor, openVote, lastVote, voteItems } from './state.js';
import { setAttr, setOptions, setText, keyed } from './keyed.js';
import { groupName, nameOf } from './names.js';
import { renderJoinRate, renderPeople, wirePeople } from './people.js';
import { renderConclusion, wireConclusion } from './conclusion-panel.js';
import { renderOnlinePanel, renderOnlineStatus, wireOnline } from './online-panel.js';
import { errorText } from './panel-errors.js';
import { wireScribeLink } from './scribe-link.js';
import { noteTownHallEvent, renderTownHallPanel, wireTownHall } from './townhall-panel.js';
import { $, el, formatClock, load, phaseLabel, remainingMs, renderStatus, save } from './ui.js';

const [cafe, token] = location.hash.slice(1).split('.');
const known = (load('wc.cafes') || []).find((c) => c.cafe === cafe) || {};
let view = 'tables'; // how the notes panel arranges notes: 'tables' or 'themes'
// picked is the question the facilitator chose with the question chips;
// null follows the café (the running round's question). During a round
// the notes panel always follows the round, where moderation happens.
let picked = null;
let themeCounter = 0;
const announcer = new Announcer({ hands: true });
// A hidden tab gets no animation frames: a draw waits at most this long.
const DRAW_WAIT_MS = 200;
const JOIN_HIDDEN = 'wc.joinHidden';

// publicBase is where phones reach the server: the origin of the links the
// server made (its public URL), never this page's own address, which may
// be localhost on the server's laptop.
let publicBase = originOf(known.join_url || known.wall_url || '');

function originOf(u) {
  try { return u ? new URL(u).origin : ''; } catch { return ''; }
}

if (!cafe || !token) {
  document.body.replaceChildren(el('main', {},
    el('h1', { text: t('fac.none.heading') }),
    el('p', {}, t('fac.none.text'), ' ', el('a', { href: '/', text: t('fac.none.create') }))));
} else {
  const conn = new CafeConnection({
    cafe, token,
    onChange: (env) => { noteTownHallEvent(env); scheduleRender(conn); },
    onStatus: (s) => { renderStatus($('#status'), s); renderButtons(conn); renderConclusion(conn); },
    onReject: () => { $('#status').textContent = t('fac.rejected'); $('#status').hidden = false; },
  });
  wire(conn);
  keepFocusInView();
  conn.start();
  // The countdown redraws four times a second from local time, and says
  // on the clock itself when the round is paused or over.
  const tick = () => {
    if (!conn.state) return;
    const clock = $('#clock');
    setText(clock, formatClock(remainingMs(conn.state.timer, conn.now())));
    setAttr(clock, 'data-state', conn.state.phase === 'round' ? conn.state.timer?.state || '' : '');
  };
  setInterval(tick, 250);
  // The join rate falls as the minute passes, with or without events, and
  // the online space closes at its date.
  setInterval(() => {
    if (!conn.state) return;
    renderJoinRate(conn);
    renderOnlineStatus(conn);
  }, 2000);
  if (!publicBase) fetchWallLink(conn);
}

// keepFocusInView makes the page scroll what gets focus (or is scrolled
// to) clear of the sticky header, so the header never covers it.
function keepFocusInView() {
  const bar = $('.fac-bar');
  const fit = () => { document.documentElement.style.scrollPaddingTop = `${bar.offsetHeight + 8}px`; };
  new ResizeObserver(fit).observe(bar);
  fit();
}

// scheduleRender draws once at the next frame however many events come
// before it.
let drawPending = false;
function scheduleRender(conn) {
  if (drawPending) return;
  drawPending = true;
  let frame = 0;
  let timer = 0;
  const draw = () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    if (!drawPending) return;
    drawPending = false;
    render(conn);
  };
  frame = requestAnimationFrame(draw);
  timer = setTimeout(draw, DRAW_WAIT_MS);
}

function showError(err, ex) {
  err.textContent = errorText(ex);
  err.hidden = false;
}

// fetchWallLink mints a wall link for a tablet that has none (it did not
// create the café, or created it before links were kept): the answer also
// carries the public address the join link and the QR code use.
async function fetchWallLink(conn) {
  const err = $('#control-error');
  try {
    const resp = await fetch(`/api/cafes/${cafe}/wall`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    const data = await resp.json();
    if (!resp.ok) throw new Error(data.error?.message || t('error.status', { status: resp.status }));
    known.wall = data.wall_token;
    known.wall_url = data.wall_url;
    publicBase = originOf(data.wall_url) || publicBase;
    const mine = (load('wc.cafes') || []).filter((c) => c.cafe !== cafe);
    mine.unshift({ ...known, cafe, token, code: known.code || conn.state?.join_code || '', title: known.title || conn.state?.title || 'World Café' });
    save('wc.cafes', mine.slice(0, 20));
    err.hidden = true;
  } catch (ex) {
    showError(err, ex);
  }
  if (conn.state) scheduleRender(conn);
}

// showWallCode mints a short code the projector's computer types on the
// wall page (no link to carry over), valid once for a few minutes.
async function showWallCode() {
  const err = $('#control-error');
  try {
    const resp = await fetch(`/api/cafes/${cafe}/wall`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    const data = await resp.json();
    if (!resp.ok) throw new Error(data.error?.message || t('error.status', { status: resp.status }));
    const out = $('#wall-code');
    out.textContent = t('fac.wall.codeShown', { url: `${originOf(data.wall_url) || publicBase}/wall`, code: data.wall_code });
    out.dataset.code = data.wall_code;
    out.hidden = false;
    err.hidden = true;
  } catch (ex) {
    showError(err, ex);
  }
}

function wire(conn) {
  const act = (type, data) => async () => {
    const err = $('#control-error');
    err.hidden = true;
    try {
      await conn.send(type, data);
      return true;
    } catch (ex) {
      showError(err, ex);
      return false;
    }
  };
  $('#btn-start').addEventListener('click', act('round.start'));
  $('#btn-pause').addEventListener('click', act('round.pause'));
  $('#btn-resume').addEventListener('click', act('round.resume'));
  $('#btn-extend1').addEventListener('click', act('round.extend', { minutes: 1 }));
  $('#btn-extend5').addEventListener('click', act('round.extend', { minutes: 5 }));
  // Ending a round cannot be undone (the room moves on): it asks first.
  const endAsk = (open) => {
    $('#end-confirm').hidden = !open;
    $('#btn-end').setAttribute('aria-expanded', String(open));
  };
  $('#btn-end').addEventListener('click', () => {
    const st = conn.state;
    $('#end-ask').textContent = t('fac.end.ask', { round: st?.round || 1 });
    endAsk(true);
    $('#btn-end-confirm').focus();
  });
  $('#btn-end-cancel').addEventListener('click', () => { endAsk(false); $('#btn-end').focus(); });
  $('#end-confirm').addEventListener('keydown', (e) => {
    if (e.key.toLowerCase() === 'escape') { endAsk(false); $('#btn-end').focus(); }
  });
  $('#btn-end-confirm').addEventListener('click', async () => {
    endAsk(false);
    $('#btn-start').focus(); // where the facilitator goes next
    await act('round.end')();
  });
  $('#btn-harvest').addEventListener('click', act('harvest.start'));
  $('#btn-close').addEventListener('click', () => {
    if (confirm(t('fac.close.confirm'))) act('cafe.close')();
  });
  $('#broadcast-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = $('#broadcast').value.trim();
    if (text && await act('broadcast.set', { text })()) $('#broadcast').value = '';
  });
  $('#broadcast-clear').addEventListener('click', async () => {
    $('#broadcast').focus(); // the clear button goes with the line
    await act('broadcast.set', { text: '' })();
  });
  $('#tables').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-note]');
    if (b) act(b.dataset.hidden === 'true' ? 'note.unhide' : 'note.hide', { note_id: b.dataset.note })();
  });
  $('#report-token').value = token;
  $('#report-lang').value = lang; // the report's headings in this tablet's language
  $('#make-wall').addEventListener('click', () => fetchWallLink(conn));
  $('#wall-code-btn').addEventListener('click', showWallCode);
  $('#wall-code-btn').hidden = false; // shown once it works
  $('#report-form').action = `/api/cafes/${cafe}/report`;

  // The join panel shows in every phase; the facilitator may fold it away
  // (kept on this device).
  $('#join-toggle').addEventListener('click', () => {
    save(JOIN_HIDDEN, !load(JOIN_HIDDEN));
    renderJoin(conn);
  });

  // Arranging notes: by table (moderation) or by theme (the town hall).
  const setView = (v) => {
    view = v;
    $('#view-tables').setAttribute('aria-pressed', String(v === 'tables'));
    $('#view-themes').setAttribute('aria-pressed', String(v === 'themes'));
    render(conn);
  };
  $('#view-tables').addEventListener('click', () => setView('tables'));
  $('#view-themes').addEventListener('click', () => setView('themes'));
  // The question chips pick the question the notes, themes and votes are
  // about, outside a round.
  $('#per-question').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-q]');
    if (!b || b.disabled) return;
    picked = Number(b.dataset.q);
    render(conn);
  });
  $('#btn-clear-spotlight').addEventListener('click', act('spotlight.set', {}));
  $('#theme-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const name = $('#theme-name').value.trim();
    if (!name) return;
    const st = conn.state;
    const id = `t${Date.now().toString(36)}${(themeCounter++).toString(36)}`;
    act('theme.create', { theme_id: id, name, question: currentQuestion(st) })();
    $('#theme-name').value = '';
  });
  const themes = $('#themes');
  themes.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action]');
    if (!b) return;
    const { action, id } = b.dataset;
    if (action === 'spot-note') act('spotlight.set', { note_id: id })();
    if (action === 'spot-theme') act('spotlight.set', { theme_id: id })();
    if (action === 'rename') {
      const theme = conn.state.themes.get(id);
      const name = prompt(t('fac.theme.renamePrompt'), theme?.name || '');
      if (name && name.trim()) act('theme.rename', { theme_id: id, name: name.trim() })();
    }
    if (action === 'merge') {
      const into = b.parentElement.querySelector('select[data-merge]')?.value;
      if (into) act('theme.merge', { theme_id: id, into })();
    }
  });
  themes.addEventListener('change', (e) => {
    const sel = e.target.closest('select[data-note-theme]');
    if (sel) act('note.theme', { note_id: sel.dataset.noteTheme, theme_id: sel.value })();
  });
  themes.addEventListener('dragstart', (e) => {
    const li = e.target.closest('li[data-note-id]');
    if (li) e.dataTransfer.setData('text/plain', li.dataset.noteId);
  });
  themes.addEventListener('dragover', (e) => { if (e.target.closest('[data-drop]')) e.preventDefault(); });
  themes.addEventListener('drop', (e) => {
    const zone = e.target.closest('[data-drop]');
    if (!zone) return;
    e.preventDefault();
    const note = e.dataTransfer.getData('text/plain');
    if (note) act('note.theme', { note_id: note, theme_id: zone.dataset.drop })();
  });

  // Town hall: speakers and dot votes.
  $('#btn-next-speaker').addEventListener('click', act('speaker.next'));
  $('#vote-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const [on, q] = $('#vote-scope').value.split(':');
    act('vote.open', {
      vote_id: `v${Date.now().toString(36)}`, question: Number(q), on,
      dots: Number($('#vote-dots').value), stack: $('#vote-stack').checked, live: $('#vote-live').checked,
    })();
  });
  $('#btn-reveal').addEventListener('click', () => { const v = openVote(conn.state); if (v) act('vote.reveal', { vote_id: v.vote_id })(); });
  $('#btn-close-vote').addEventListener('click', () => { const v = openVote(conn.state); if (v) act('vote.close', { vote_id: v.vote_id })(); });

  wirePeople(conn, () => render(conn));
  wireTownHall(conn, cafe, () => render(conn));
  wireScribeLink(cafe, token);
  wireOnline(conn, () => render(conn));
  wireConclusion(conn, cafe);

  // Seating for the coming round: the facilitator may move someone.
  $('#seating-list').addEventListener('change', (e) => {
    const sel = e.target.closest('select[data-seat]');
    if (sel) act('seat.assign', { participant_id: sel.dataset.seat, table: Number(sel.value) })();
  });
}

// currentQuestion is the question the notes panel, the themes and a new
// vote are about: the round's while one runs, else the one picked.
function currentQuestion(st) {
  if (st.phase === 'lobby') return 0;
  if (st.phase === 'round' || picked === null || picked >= st.questions.length) return st.question;
  return picked;
}

// FOCUS_NEXT is where focus goes when the control it is on turns off:
// Pause becomes Resume and back, so Enter twice pauses and resumes.
const FOCUS_NEXT = {
  'btn-pause': 'btn-resume', 'btn-resume': 'btn-pause', 'btn-start': 'btn-pause',
  'btn-end': 'btn-start', 'btn-harvest': 'btn-start', 'btn-extend1': 'btn-start', 'btn-extend5': 'btn-start',
};

function renderButtons(conn) {
  const st = conn.state;
  const live = conn.status === 'live' && st;
  const phase = st?.phase;
  const timer = st?.timer?.state;
  const rounds = st?.questions.length ?? 0;
  const focused = document.activeElement;
  const set = (id, enabled) => { $(id).disabled = !(live && enabled); };
  set('#btn-start', (phase === 'lobby' || phase === 'townhall') && st.round < rounds);
  setText($('#btn-start'), st && st.round < rounds ? t('fac.start.n', { round: st.round + 1 }) : t('fac.start'));
  set('#btn-pause', phase === 'round' && timer === 'running');
  set('#btn-resume', phase === 'round' && timer === 'paused');
  set('#btn-extend1', phase === 'round');
  set('#btn-extend5', phase === 'round');
  set('#btn-end', phase === 'round');
  set('#btn-harvest', phase === 'townhall');
  set('#btn-close', phase && phase !== 'closed');
  if (phase !== 'round' && !$('#end-confirm').hidden) {
    $('#end-confirm').hidden = true;
    $('#btn-end').setAttribute('aria-expanded', 'false');
  }
  // A button that turned off under the keyboard hands focus on instead of
  // dropping it to the page.
  if (focused && focused.disabled && focused.closest('.fac-bar')) {
    const seen = new Set([focused.id]);
    let id = FOCUS_NEXT[focused.id];
    while (id && !seen.has(id) && $(`#${id}`).disabled) {
      seen.add(id);
      id = FOCUS_NEXT[id];
    }
    const next = id && !$(`#${id}`).disabled ? $(`#${id}`)
      : [...document.querySelectorAll('.fac-bar .buttons button')].find((b) => !b.disabled && b.id !== 'btn-close');
    next?.focus();
  }
}

function render(conn) {
  const st = conn.state;
  if (!st) return;
  if (st.phase === 'round') picked = null;
  document.title = t('fac.docTitle', { title: st.title });
  setText($('#title'), st.title);
  setText($('#phase'), phaseLabel(st));
  renderButtons(conn);
  if (conn.status === 'live') announcer.update(st, [], (id) => nameOf(st, id));
  else announcer.forget();
  renderJoin(conn);

  // The broadcast showing now, with the way to take it down.
  $('#broadcast-now').hidden = !st.broadcast;
  setText($('#broadcast-text'), st.broadcast || '');

  // Notes: the current (or picked) question, by table, with moderation.
  const q = currentQuestion(st);
  const qText = $('#question');
  if (qText.dataset.q !== String(q)) {
    qText.replaceChildren(t('question.label', { question: q + 1 }), ' ', el('bdi', { text: st.questions[q] }));
    qText.dataset.q = String(q);
  }
  renderChips(st, q);
  $('#tables').hidden = view !== 'tables';
  $('#themes-board').hidden = view !== 'themes';
  $('#btn-clear-spotlight').hidden = !st.spotlight;
  renderThemes(st, q);
  renderTownHall(st);
  renderTownHallPanel(conn, publicBase);
  renderOnlinePanel(conn, publicBase);
  renderConclusion(conn);
  renderSeating(st);
  renderPeople(conn);
  renderJoinRate(conn);
  if (view === 'tables') renderTables(st, q);
}

// renderJoin is the join panel: address, code, QR, the wall link and who
// has joined, in every phase; folded away when the facilitator chose so.
function renderJoin(conn) {
  const st = conn.state;
  if (!st) return;
  const folded = !!load(JOIN_HIDDEN);
  $('#join-body').hidden = folded;
  $('#groups').hidden = folded;
  setAttr($('#join-toggle'), 'aria-expanded', String(!folded));
  setText($('#join-toggle'), t(folded ? 'fac.join.show' : 'fac.join.hide'));
  setText($('#join-url'), publicBase ? `${publicBase}/join` : '');
  setText($('#join-code'), st.join_code);
  if ($('#join-qr').dataset.code !== st.join_code) {
    $('#join-qr').src = `/api/qr/${encodeURIComponent(st.join_code)}`;
    $('#join-qr').dataset.code = st.join_code;
  }
  // Phones use the public address; a tablet opened on another one (the
  // server's laptop at localhost) would mislead the facilitator.
  const warn = $('#origin-warning');
  const elsewhere = publicBase && publicBase !== location.origin;
  warn.hidden = !elsewhere;
  if (elsewhere) setText(warn, t('fac.join.otherOrigin', { public: publicBase, here: location.origin }));
  const wall = known.wall ? `/wall#${cafe}.${known.wall}` : null;
  $('#wall-link').hidden = !wall;
  $('#make-wall').hidden = !!wall;
  if (wall && $('#wall-link').getAttribute('href') !== wall) $('#wall-link').href = wall;

  const people = [...st.people.values()];
  setText($('#people-count'), String(people.length));
  const groups = new Map();
  for (const p of people) groups.set(p.group || '', (groups.get(p.group || '') || 0) + 1);
  keyed($('#groups'), [...groups.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])), ([g]) => g || '-',
    () => el('li', {}, el('span', { dir: 'auto' }), el('strong')),
    (li, [g, n]) => {
      setText(li.children[0], groupName(st, g));
      setText(li.children[1], t('count.number', { n }));
    });
}

// renderChips shows each question's count of notes; outside a round each
// is a button that picks the question (aria-pressed on the one shown).
function renderChips(st, q) {
  const pickable = st.phase !== 'lobby' && st.phase !== 'round';
  keyed($('#per-question'), countsPerQuestion(st).map((n, i) => ({ n, i })), (c) => c.i,
    (c) => el('li', {}, el('button', { type: 'button', class: 'chip', 'data-q': c.i }, el('span'), ' ', el('strong'))),
    (li, c) => {
      const b = li.firstChild;
      setText(b.children[0], t('question.n', { question: c.i + 1 }));
      setText(b.children[1], t('count.number', { n: c.n }));
      setAttr(b, 'aria-pressed', String(c.i === q));
      b.disabled = !pickable && c.i !== q;
    });
}

function renderTables(st, q) {
  const byTable = new Map();
  for (const n of notesFor(st, q, { includeHidden: true })) {
    if (!byTable.has(n.table)) byTable.set(n.table, []);
    byTable.get(n.table).push(n);
  }
  const tables = Array.from({ length: st.tables }, (_, i) => i + 1);
  keyed($('#tables'), tables, (tn) => tn,
    (tn) => el('section', { class: 'table-box', 'aria-label': t('table.n', { table: tn }) },
      el('h3', {}, el('span', { text: t('table.n', { table: tn }) }), ' ', el('span', { class: 'count' })),
      el('ul', { class: 'notes' })),
    (box, tn) => {
      const notes = byTable.get(tn) || [];
      setText(box.querySelector('.count'), t('count.notes', { n: notes.filter((n) => !n.hidden).length }));
      keyed(box.querySelector('ul'), notes, (n) => n.id, makeModeratedNote, (li, n) => updateModeratedNote(st, li, n));
    });
}

function makeModeratedNote(n) {
  return el('li', { 'data-note-id': n.id },
    el('span', { class: 'note-text', dir: 'auto' }),
    el('span', { class: 'author', dir: 'auto' }),
    el('button', { type: 'button', class: 'small-btn', 'data-note': n.id }));
}

function updateModeratedNote(st, li, n) {
  const [text, author, button] = li.children;
  setAttr(li, 'class', n.hidden ? 'note hidden-note' : 'note');
  setText(text, n.text);
  setByline(st, author, n);
  setAttr(button, 'data-hidden', String(n.hidden));
  setAttr(button, 'aria-label', t(n.hidden ? 'fac.note.showAria' : 'fac.note.hideAria', { text: n.text.slice(0, 40) }));
  setText(button, n.hidden ? t('fac.note.show') : t('fac.note.hide'));
}

// setByline says who wrote a note: their name, or that it is anonymous. An
// anonymous note names nobody and no group, on this screen too.
function setByline(st, span, n) {
  const name = noteAuthor(st, n);
  const text = name || (n.anonymous ? t('name.anonymous') : '');
  setText(span, text);
  setAttr(span, 'class', name ? 'author' : 'author anon');
  span.hidden = !text;
}

function renderThemes(st, q) {
  if (view !== 'themes') return;
  const themes = [...st.themes.values()].filter((th) => th.question === q);
  const notes = notesFor(st, q);
  const themeOptions = [['', t('fac.theme.none')], ...themes.map((th) => [th.id, th.name])];
  const noteItem = (n) => el('li', { class: 'note', draggable: 'true', 'data-note-id': n.id },
    el('span', { class: 'note-text', dir: 'auto' }),
    el('label', { class: 'visually-hidden', for: `nt-${n.id}`, text: t('fac.theme.ofNote') }),
    el('select', { id: `nt-${n.id}`, 'data-note-theme': n.id }),
    el('button', { type: 'button', class: 'small-btn', 'data-action': 'spot-note', 'data-id': n.id }, t('fac.spot')));
  const updateNote = (li, n) => {
    const [text, , sel, spot] = li.children;
    setText(text, n.text);
    setOptions(sel, themeOptions, st.themes.has(n.theme) ? n.theme : '');
    setAttr(spot, 'aria-label', t('fac.spot.noteAria', { text: n.text.slice(0, 40) }));
  };
  const loose = notes.filter((n) => !n.theme || !st.themes.has(n.theme));
  const boxes = [...themes.map((th) => ({ th, mine: notes.filter((n) => n.theme === th.id) })), { th: null, mine: loose }];
  keyed($('#themes'), boxes, (b) => (b.th ? `theme-${b.th.id}` : 'loose'),
    (b) => {
      if (!b.th) {
        return el('section', { class: 'theme-box loose', 'data-drop': '', 'aria-label': t('theme.loose') },
          el('h3', {}, el('span', { text: t('theme.loose') }), el('span', { class: 'count' })),
          el('ul', { class: 'notes' }));
      }
      const id = b.th.id;
      return el('section', { class: 'theme-box', 'data-drop': id },
        el('h3', {}, el('bdi', { dir: 'auto' }), el('span', { class: 'count' })),
        el('div', { class: 'inline theme-actions' },
          el('button', { type: 'button', class: 'small-btn', 'data-action': 'rename', 'data-id': id }, t('fac.theme.rename')),
          el('button', { type: 'button', class: 'small-btn', 'data-action': 'spot-theme', 'data-id': id }, t('fac.spot')),
          el('span', { class: 'merge' },
            el('label', { class: 'visually-hidden', for: `merge-${id}` }),
            el('select', { id: `merge-${id}`, 'data-merge': id }),
            el('button', { type: 'button', class: 'small-btn', 'data-action': 'merge', 'data-id': id }, t('fac.theme.merge')))),
        el('ul', { class: 'notes' }));
    },
    (box, b) => {
      setText(box.querySelector('h3 .count'), t('count.notes', { n: b.mine.length }));
      if (b.th) {
        setAttr(box, 'aria-label', t('fac.theme.aria', { name: b.th.name }));
        setText(box.querySelector('h3 bdi'), b.th.name);
        const others = themes.filter((o) => o.id !== b.th.id);
        const merge = box.querySelector('.merge');
        merge.hidden = !others.length;
        setText(merge.querySelector('label'), t('fac.theme.mergeLabel', { name: b.th.name }));
        setOptions(merge.querySelector('select'), others.map((o) => [o.id, o.name]));
      }
      keyed(box.querySelector('ul'), b.mine, (n) => n.id, noteItem, updateNote);
    });
}

// renderTownHall is the plenary between rounds: its speakers and dot votes.
// While a town hall meeting is at a stage, its own queue (townhall-panel.js)
// takes the raised hands, so the speakers list steps aside.
function renderTownHall(st) {
  const on = st.phase === 'townhall' || st.phase === 'harvest';
  $('#townhall').hidden = !on;
  if (!on) return;
  const stage = st.town_hall?.stage;
  $('#speakers-box').hidden = stage === 'presentation' || stage === 'floor';
  setText($('#speaker-now'), st.speaker ? t('fac.speaker.now', { name: nameOf(st, st.speaker) }) : t('fac.speaker.none'));
  keyed($('#hands'), st.hands, (id) => id, () => el('li', { dir: 'auto' }), (li, id) => setText(li, nameOf(st, id)));
  let next = st.hands.length ? t('fac.speaker.callName', { name: nameOf(st, st.hands[0]) }) : t('fac.speaker.noHands');
  if (!st.hands.length && st.speaker) next = t('fac.speaker.thank');
  setText($('#btn-next-speaker'), next);
  $('#btn-next-speaker').disabled = !st.hands.length && !st.speaker;

  const q = currentQuestion(st);
  setOptions($('#vote-scope'), [
    [`notes:${q}`, t('fac.vote.onNotes', { question: q + 1 })],
    [`themes:${q}`, t('fac.vote.onThemes', { question: q + 1 })],
    ['notes:-1', t('fac.vote.onAll')]]);
  const open = openVote(st);
  const shown = open || lastVote(st);
  $('#vote-form').hidden = !!open;
  $('#vote-active').hidden = !shown;
  if (!shown) return;
  setText($('#vote-status'), open
    ? t(shown.live ? 'fac.vote.openLive' : shown.revealed ? 'fac.vote.openRevealed' : 'fac.vote.openHidden', { n: shown.dots })
    : t('fac.vote.last'));
  const tally = shown.tally || {};
  const items = voteItems(st, shown).map((it) => ({ ...it, dots: tally[it.id] || 0 })).sort((a, b) => b.dots - a.dots);
  keyed($('#vote-results'), items.filter((it) => it.dots > 0).slice(0, 10), (it) => it.id,
    () => el('li', {}, el('strong'), ' ', el('span', { dir: 'auto' })),
    (li, it) => {
      setText(li.children[0], t('count.dots', { n: it.dots }));
      setText(li.children[1], it.label);
    });
  $('#btn-reveal').hidden = !open || open.live || open.revealed;
  $('#btn-close-vote').hidden = !open;
}

function renderSeating(st) {
  const show = st.phase === 'townhall' && st.next_seats && st.round < st.questions.length;
  $('#seating').hidden = !show;
  if (!show || view !== 'tables') return;
  const list = $('#seating-list');
  if (st.people.size > 150) {
    // A select per person stops being usable (and fast) in a big room.
    list.replaceChildren(el('p', { class: 'hint', text: t('fac.seating.many', { n: st.people.size }) }));
    return;
  }
  const rows = [...st.people.values()].sort((a, b) => (st.next_seats[a.id] ?? a.table) - (st.next_seats[b.id] ?? b.table));
  const tables = Array.from({ length: st.tables }, (_, i) => [String(i + 1), t('table.n', { table: i + 1 })]);
  keyed(list, rows, (p) => p.id,
    (p) => el('div', { class: 'seat-row' }, el('label', { for: `seat-${p.id}`, dir: 'auto' }), el('select', { id: `seat-${p.id}`, 'data-seat': p.id })),
    (row, p) => {
      const name = p.anonymous ? t('name.anonymous') : nameOf(st, p.id);
      setText(row.children[0], p.role === 'host' ? t('fac.seating.host', { name }) : name);
      setOptions(row.children[1], tables, st.next_seats[p.id] ?? p.table);
    });
}

