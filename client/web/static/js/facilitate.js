// facilitate.js: the facilitator's tablet. Everything shown comes from the
// café's state on the server, so a reload or a lost connection loses nothing.
import { Announcer } from './announce.js';
import { CafeConnection } from './conn.js';
import { lang, t } from './i18n.js';
import { countsPerQuestion, joinsWithin, noteAuthor, notesFor, openVote, lastVote, voteItems } from './state.js';
import { nameOf } from './names.js';
import { $, GROUPS, el, formatClock, load, phaseLabel, renderStatus, save, startClock } from './ui.js';

const [cafe, token] = location.hash.slice(1).split('.');
const known = (load('wc.cafes') || []).find((c) => c.cafe === cafe) || {};
let view = 'tables'; // how the notes panel arranges notes: 'tables' or 'themes'
let themeCounter = 0;
// The people list: who is being asked "remove?", and each person's last
// refusal (such as "table 3 already has a host"), shown beside their row.
let confirming = '';
const rowErrors = new Map();
const PEOPLE_SHOWN = 60; // rows drawn at once; the filter finds the others
// BURST_PER_MIN joins in a minute is more than a room arriving: scripted
// joins, most likely. The tablet says so.
const BURST_PER_MIN = 20;
const announcer = new Announcer({ hands: true });

if (!cafe || !token) {
  document.body.replaceChildren(el('main', {},
    el('h1', { text: t('fac.none.heading') }),
    el('p', {}, t('fac.none.text'), ' ', el('a', { href: '/', text: t('fac.none.create') }))));
} else {
  const conn = new CafeConnection({
    cafe, token,
    onChange: () => render(conn),
    onStatus: (s) => { renderStatus($('#status'), s); renderButtons(conn); },
    onReject: () => { $('#status').textContent = t('fac.rejected'); $('#status').hidden = false; },
  });
  wire(conn);
  conn.start();
  startClock(conn, (ms) => { $('#clock').textContent = formatClock(ms); });
  // The join rate falls as the minute passes, with or without events.
  setInterval(() => { if (conn.state) renderJoinRate(conn); }, 2000);
}

function wire(conn) {
  const act = (type, data) => async () => {
    const err = $('#control-error');
    err.hidden = true;
    try {
      await conn.send(type, data);
    } catch (ex) {
      err.textContent = ex.code === 'offline' ? t('error.notConnected') : ex.message;
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
    if (confirm(t('fac.close.confirm'))) act('cafe.close')();
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
  $('#report-token').value = token;
  $('#report-lang').value = lang; // the report's headings in this tablet's language
  // A tablet that did not create the café has no wall link: mint one.
  $('#make-wall').addEventListener('click', async () => {
    const err = $('#control-error');
    err.hidden = true;
    try {
      const resp = await fetch(`/api/cafes/${cafe}/wall`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
      const data = await resp.json();
      if (!resp.ok) throw new Error(data.error?.message || t('error.status', { status: resp.status }));
      known.wall = data.wall_token;
      const mine = (load('wc.cafes') || []).filter((c) => c.cafe !== cafe);
      mine.unshift({ cafe, token, wall: data.wall_token, code: conn.state?.join_code || '', title: conn.state?.title || 'World Café' });
      save('wc.cafes', mine.slice(0, 20));
      render(conn);
    } catch (ex) {
      err.textContent = ex.message;
      err.hidden = false;
    }
  });
  $('#report-form').action = `/api/cafes/${cafe}/report`;

  // Arranging notes: by table (moderation) or by theme (the town hall).
  const setView = (v) => {
    view = v;
    $('#view-tables').setAttribute('aria-pressed', String(v === 'tables'));
    $('#view-themes').setAttribute('aria-pressed', String(v === 'themes'));
    render(conn);
  };
  $('#view-tables').addEventListener('click', () => setView('tables'));
  $('#view-themes').addEventListener('click', () => setView('themes'));
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

  // People: host, mute, remove. Each answer or refusal shows on the row.
  const personAct = async (pid, type, data) => {
    rowErrors.delete(pid);
    try {
      await conn.send(type, { participant_id: pid, ...data });
    } catch (ex) {
      rowErrors.set(pid, ex.code === 'offline' ? t('error.notConnected') : ex.message);
    }
    render(conn);
  };
  $('#people').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action]');
    if (!b) return;
    const pid = b.closest('li[data-pid]')?.dataset.pid;
    const p = pid && conn.state?.people.get(pid);
    if (!p) return;
    switch (b.dataset.action) {
      case 'role': personAct(pid, 'participant.role', { role: p.role === 'host' ? 'attendee' : 'host' }); break;
      case 'mute': personAct(pid, 'participant.mute', { muted: !p.muted }); break;
      case 'remove': confirming = pid; rowErrors.delete(pid); render(conn); break;
      case 'remove-cancel': confirming = ''; render(conn); break;
      case 'remove-confirm': confirming = ''; personAct(pid, 'participant.remove', {}); break;
    }
  });
  $('#people-filter').addEventListener('input', () => renderPeople(conn));

  // Seating for the coming round: the facilitator may move someone.
  $('#seating-list').addEventListener('change', (e) => {
    const sel = e.target.closest('select[data-seat]');
    if (sel) act('seat.assign', { participant_id: sel.dataset.seat, table: Number(sel.value) })();
  });
}

function currentQuestion(st) { return st.phase === 'lobby' ? 0 : st.question; }

function renderButtons(conn) {
  const st = conn.state;
  const live = conn.status === 'live' && st;
  const phase = st?.phase;
  const timer = st?.timer?.state;
  const rounds = st?.questions.length ?? 0;
  const set = (id, enabled) => { $(id).disabled = !(live && enabled); };
  set('#btn-start', (phase === 'lobby' || phase === 'townhall') && st.round < rounds);
  $('#btn-start').textContent = st && st.round < rounds ? t('fac.start.n', { round: st.round + 1 }) : t('fac.start');
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
  document.title = t('fac.docTitle', { title: st.title });
  $('#title').textContent = st.title;
  $('#phase').textContent = phaseLabel(st);
  renderButtons(conn);
  if (conn.status === 'live') announcer.update(st, [], (id) => nameOf(st, id));
  else announcer.forget();

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
  $('#make-wall').hidden = !!wall;
  if (wall) $('#wall-link').href = wall;

  const people = [...st.people.values()];
  $('#people-count').textContent = String(people.length);
  const groups = new Map();
  for (const p of people) groups.set(p.group || '', (groups.get(p.group || '') || 0) + 1);
  $('#groups').replaceChildren(...[...groups.entries()].sort((a, b) => b[1] - a[1]).map(([g, n]) =>
    el('li', {}, el('span', { text: GROUPS[g] || t('group.unstated') }), el('strong', { text: t('count.number', { n }) }))));

  // Notes: the current (or last) question, by table, with moderation.
  const q = st.phase === 'lobby' ? 0 : st.question;
  $('#question').replaceChildren(t('question.label', { question: q + 1 }), ' ', el('bdi', { text: st.questions[q] }));
  $('#per-question').replaceChildren(...countsPerQuestion(st).map((n, i) =>
    el('li', {}, el('span', { text: t('question.n', { question: i + 1 }) }), el('strong', { text: t('count.number', { n }) }))));
  const byTable = new Map();
  for (const n of notesFor(st, q, { includeHidden: true })) {
    if (!byTable.has(n.table)) byTable.set(n.table, []);
    byTable.get(n.table).push(n);
  }
  $('#tables').hidden = view !== 'tables';
  $('#themes-board').hidden = view !== 'themes';
  $('#btn-clear-spotlight').hidden = !st.spotlight;
  renderThemes(st, q);
  renderTownHall(st);
  renderSeating(st);
  renderPeople(conn);
  renderJoinRate(conn);
  if (view !== 'tables') return;
  const tables = [];
  for (let tn = 1; tn <= st.tables; tn++) {
    const notes = byTable.get(tn) || [];
    tables.push(el('section', { class: 'table-box', 'aria-label': t('table.n', { table: tn }) },
      el('h3', {}, `${t('table.n', { table: tn })} `, el('span', { class: 'count', text: t('count.notes', { n: notes.filter((n) => !n.hidden).length }) })),
      el('ul', { class: 'notes' }, notes.map((n) => el('li', { class: n.hidden ? 'note hidden-note' : 'note', 'data-note-id': n.id },
        el('span', { class: 'note-text', dir: 'auto', text: n.text }),
        byline(st, n),
        el('button', { class: 'small-btn', 'data-note': n.id, 'data-hidden': String(n.hidden), 'aria-label': t(n.hidden ? 'fac.note.showAria' : 'fac.note.hideAria', { text: n.text.slice(0, 40) }) }, n.hidden ? t('fac.note.show') : t('fac.note.hide')))))));
  }
  $('#tables').replaceChildren(...tables);
}

function renderThemes(st, q) {
  if (view !== 'themes') return;
  const themes = [...st.themes.values()].filter((t) => t.question === q);
  const notes = notesFor(st, q);
  const options = (selected) => [el('option', { value: '', text: t('fac.theme.none'), selected: !selected }),
    ...themes.map((th) => el('option', { value: th.id, text: th.name, selected: selected === th.id }))];
  const noteItem = (n) => el('li', { class: 'note', draggable: 'true', 'data-note-id': n.id },
    el('span', { class: 'note-text', dir: 'auto', text: n.text }),
    el('label', { class: 'visually-hidden', for: `nt-${n.id}`, text: t('fac.theme.ofNote') }),
    el('select', { id: `nt-${n.id}`, 'data-note-theme': n.id }, options(n.theme || '')),
    el('button', { class: 'small-btn', 'data-action': 'spot-note', 'data-id': n.id, 'aria-label': t('fac.spot.noteAria', { text: n.text.slice(0, 40) }) }, t('fac.spot')));
  const boxes = themes.map((th) => {
    const mine = notes.filter((n) => n.theme === th.id);
    const others = themes.filter((o) => o.id !== th.id);
    return el('section', { class: 'theme-box', 'data-drop': th.id, 'aria-label': t('fac.theme.aria', { name: th.name }) },
      el('h3', {}, el('bdi', { text: th.name }), el('span', { class: 'count', text: t('count.notes', { n: mine.length }) })),
      el('div', { class: 'inline' },
        el('button', { class: 'small-btn', 'data-action': 'rename', 'data-id': th.id }, t('fac.theme.rename')),
        el('button', { class: 'small-btn', 'data-action': 'spot-theme', 'data-id': th.id }, t('fac.spot')),
        others.length ? [
          el('label', { class: 'visually-hidden', for: `merge-${th.id}`, text: t('fac.theme.mergeLabel', { name: th.name }) }),
          el('select', { id: `merge-${th.id}`, 'data-merge': th.id }, others.map((o) => el('option', { value: o.id, text: o.name }))),
          el('button', { class: 'small-btn', 'data-action': 'merge', 'data-id': th.id }, t('fac.theme.merge')),
        ] : null),
      el('ul', { class: 'notes' }, mine.map(noteItem)));
  });
  const loose = notes.filter((n) => !n.theme || !st.themes.has(n.theme));
  boxes.push(el('section', { class: 'theme-box loose', 'data-drop': '', 'aria-label': t('theme.loose') },
    el('h3', {}, t('theme.loose'), el('span', { class: 'count', text: t('count.notes', { n: loose.length }) })),
    el('ul', { class: 'notes' }, loose.map(noteItem))));
  $('#themes').replaceChildren(...boxes);
}

function renderTownHall(st) {
  const on = st.phase === 'townhall' || st.phase === 'harvest';
  $('#townhall').hidden = !on;
  if (!on) return;
  $('#speaker-now').textContent = st.speaker ? t('fac.speaker.now', { name: nameOf(st, st.speaker) }) : t('fac.speaker.none');
  $('#hands').replaceChildren(...st.hands.map((id) => el('li', { dir: 'auto', text: nameOf(st, id) })));
  $('#btn-next-speaker').textContent = st.hands.length ? t('fac.speaker.callName', { name: nameOf(st, st.hands[0]) }) : t('fac.speaker.noHands');
  $('#btn-next-speaker').disabled = !st.hands.length && !st.speaker;
  if (!st.hands.length && st.speaker) $('#btn-next-speaker').textContent = t('fac.speaker.thank');

  const scope = $('#vote-scope');
  const q = currentQuestion(st);
  const wanted = [`notes:${q}`, `themes:${q}`, 'notes:-1'];
  if (scope.dataset.q !== String(q)) {
    scope.replaceChildren(
      el('option', { value: wanted[0], text: t('fac.vote.onNotes', { question: q + 1 }) }),
      el('option', { value: wanted[1], text: t('fac.vote.onThemes', { question: q + 1 }) }),
      el('option', { value: wanted[2], text: t('fac.vote.onAll') }));
    scope.dataset.q = String(q);
  }
  const open = openVote(st);
  const shown = open || lastVote(st);
  $('#vote-form').hidden = !!open;
  $('#vote-active').hidden = !shown;
  if (!shown) return;
  $('#vote-status').textContent = open
    ? t(shown.live ? 'fac.vote.openLive' : shown.revealed ? 'fac.vote.openRevealed' : 'fac.vote.openHidden', { n: shown.dots })
    : t('fac.vote.last');
  const tally = shown.tally || {};
  const items = voteItems(st, shown).map((it) => ({ ...it, dots: tally[it.id] || 0 })).sort((a, b) => b.dots - a.dots);
  $('#vote-results').replaceChildren(...items.filter((it) => it.dots > 0).slice(0, 10).map((it) =>
    el('li', {}, el('strong', { text: t('count.dots', { n: it.dots }) }), ' ', el('span', { dir: 'auto', text: it.label }))));
  $('#btn-reveal').hidden = !open || open.live || open.revealed;
  $('#btn-close-vote').hidden = !open;
}

function renderSeating(st) {
  const show = st.phase === 'townhall' && st.next_seats && st.round < st.questions.length;
  $('#seating').hidden = !show;
  if (!show || view !== 'tables') return;
  if (st.people.size > 150) {
    // A select per person stops being usable (and fast) in a big room.
    $('#seating-list').replaceChildren(el('p', { class: 'hint', text: t('fac.seating.many', { n: st.people.size }) }));
    return;
  }
  const rows = [...st.people.values()].sort((a, b) => (st.next_seats[a.id] ?? a.table) - (st.next_seats[b.id] ?? b.table));
  const tables = Array.from({ length: st.tables }, (_, i) => i + 1);
  $('#seating-list').replaceChildren(...rows.map((p) => {
    const seat = st.next_seats[p.id] ?? p.table;
    return el('div', { class: 'seat-row' },
      el('label', { for: `seat-${p.id}`, dir: 'auto', text: p.role === 'host' ? t('fac.seating.host', { name: p.anonymous ? t('name.anonymous') : nameOf(st, p.id) }) : p.anonymous ? t('name.anonymous') : nameOf(st, p.id) }),
      el('select', { id: `seat-${p.id}`, 'data-seat': p.id }, tables.map((tn) => el('option', { value: tn, text: t('table.n', { table: tn }), selected: tn === seat }))));
  }));
}

// byline says who wrote a note: their name, or that it is anonymous. An
// anonymous note names nobody and no group, on this screen too.
function byline(st, n) {
  const name = noteAuthor(st, n);
  if (name) return el('span', { class: 'author', dir: 'auto', text: name });
  return n.anonymous ? el('span', { class: 'author anon', text: t('name.anonymous') }) : null;
}

// personLabel is how the tablet names a person in its list. An anonymous
// person shows neither name nor group.
function personLabel(p) {
  if (p.anonymous) return t('name.anonymous');
  return p.name || t('name.none');
}

function renderPeople(conn) {
  const st = conn.state;
  const show = st.phase !== 'closed';
  $('#people-panel').hidden = !show;
  if (!show) return;
  const filter = $('#people-filter').value.trim().toLowerCase();
  let people = [...st.people.values()];
  if (filter) {
    people = people.filter((p) => personLabel(p).toLowerCase().includes(filter) || String(p.table) === filter.replace(/^table\s*/, ''));
  }
  people.sort((a, b) => a.table - b.table || (b.role === 'host') - (a.role === 'host') || personLabel(a).localeCompare(personLabel(b)));
  const shown = people.slice(0, PEOPLE_SHOWN);
  $('#people-more').hidden = shown.length === people.length;
  $('#people-more').textContent = t('fac.people.more', { shown: shown.length, total: people.length });
  if (!people.length) {
    $('#people').replaceChildren(el('li', { class: 'empty', text: filter ? t('fac.people.noMatch') : t('fac.people.nobody') }));
    return;
  }
  $('#people').replaceChildren(...shown.map((p) => {
    const label = personLabel(p);
    const host = p.role === 'host';
    const facts = [t('table.n', { table: p.table }), host ? t('fac.person.host') : '', p.muted ? t('fac.person.muted') : '',
      !p.anonymous && p.group ? GROUPS[p.group] || '' : ''].filter(Boolean).join(t('list.dot'));
    const err = rowErrors.get(p.id);
    return el('li', { class: p.muted ? 'person muted' : 'person', 'data-pid': p.id, 'data-role': p.role, 'data-muted': String(!!p.muted) },
      el('span', { class: 'person-name', dir: 'auto', text: label }),
      el('span', { class: 'person-facts', text: facts }),
      el('span', { class: 'person-actions' },
        el('button', { type: 'button', class: 'small-btn', 'data-action': 'role', 'aria-pressed': String(host),
          'aria-label': t(host ? 'fac.person.unhostAria' : 'fac.person.hostAria', { name: label, table: p.table }) }, host ? t('fac.person.unhost') : t('fac.person.makeHost')),
        el('button', { type: 'button', class: 'small-btn', 'data-action': 'mute', 'aria-pressed': String(!!p.muted),
          'aria-label': t(p.muted ? 'fac.person.unmuteAria' : 'fac.person.muteAria', { name: label }) }, p.muted ? t('fac.person.unmute') : t('fac.person.mute')),
        el('button', { type: 'button', class: 'small-btn danger', 'data-action': 'remove', 'aria-label': t('fac.person.removeAria', { name: label }) }, t('fac.person.remove'))),
      err ? el('p', { class: 'error row-error', role: 'alert', text: err }) : null,
      confirming === p.id ? el('div', { class: 'confirm', role: 'alertdialog', 'aria-label': t('fac.person.removeAsk', { name: label }) },
        el('p', { text: t('fac.person.removeConfirm', { name: label }) }),
        el('button', { type: 'button', class: 'small-btn danger', 'data-action': 'remove-confirm' }, t('fac.person.removeForGood')),
        el('button', { type: 'button', class: 'small-btn secondary', 'data-action': 'remove-cancel' }, t('action.cancel'))) : null);
  }));
}

// renderJoinRate says how many joined in the last minute, and marks a burst:
// scripted joins stand out from a room arriving.
function renderJoinRate(conn) {
  const n = joinsWithin(conn.state, conn.now());
  const burst = n > BURST_PER_MIN;
  const line = $('#join-rate');
  line.textContent = n === 0 ? t('fac.joins.none') : t(burst ? 'fac.joins.burst' : 'fac.joins', { n });
  line.dataset.burst = String(burst);
  line.dataset.count = String(n);
}

