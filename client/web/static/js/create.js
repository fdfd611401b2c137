// create.js: the facilitator's landing page: create a café, or go back to
// one created on this device.
import { t } from './i18n.js';
import { $, GROUPS, el, load, save } from './ui.js';

// The example questions are in the facilitator's language: they become the
// café's own text, which the room sees as typed.
const DEFAULT_QUESTIONS = [t('create.example.q1'), t('create.example.q2'), t('create.example.q3')];
const MAX_QUESTIONS = 12;
const MAX_GROUPS = 20;
// The limits the server holds a café to, checked here first so that a
// mistake shows next to its field before anything is sent.
const LIMITS = { tables: [1, 500], seats: [2, 12], minutes: [1, 240] };

let questions = [...DEFAULT_QUESTIONS];
// The stakeholder groups people pick from when they join: the seven
// standard ones (each device shows them in its own language) unless the
// facilitator changes them. A renamed standard group is the café's own.
const STANDARD = Object.entries(GROUPS).map(([id, name]) => ({ id, name, standard: true }));
const groups = STANDARD.map((g) => ({ ...g }));

// The organiser's "create a café" link carries the admin key in its
// fragment (#key=…), which browsers never send to servers. It is kept on
// this device and taken out of the address bar, so it does not end up in a
// bookmark, a screenshot or the history.
function adminKey() {
  const m = /^#key=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (m) {
    save('wc.adminKey', m[1]);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return load('wc.adminKey');
}
const key = adminKey();
// This machine needs no key; any other device does.
const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(location.hostname);
$('#create-key-hint').hidden = Boolean(key) || loopback;

function renderQuestions() {
  const list = $('#questions');
  list.replaceChildren(...questions.map((q, i) => el('li', { class: 'question-row' },
    el('label', { for: `q${i}`, class: 'visually-hidden', text: t('question.n', { question: i + 1 }) }),
    el('textarea', { id: `q${i}`, rows: 2, maxlength: 300, dir: 'auto', 'aria-describedby': `q${i}-error`, oninput: (e) => { questions[i] = e.target.value; } }, q),
    el('p', { id: `q${i}-error`, class: 'field-error', hidden: true }),
    el('div', { class: 'row-buttons' },
      el('button', { type: 'button', class: 'secondary', 'aria-label': t('create.moveUp', { question: i + 1 }), disabled: i === 0, onclick: () => move(i, -1) }, '↑'),
      el('button', { type: 'button', class: 'secondary', 'aria-label': t('create.moveDown', { question: i + 1 }), disabled: i === questions.length - 1, onclick: () => move(i, 1) }, '↓'),
      el('button', { type: 'button', class: 'secondary', 'aria-label': t('create.remove', { question: i + 1 }), disabled: questions.length === 1, onclick: () => remove(i) }, '✕'),
    ),
  )));
  $('#add-question').disabled = questions.length >= MAX_QUESTIONS;
}

function move(i, d) {
  [questions[i], questions[i + d]] = [questions[i + d], questions[i]];
  renderQuestions();
  document.getElementById(`q${i + d}`).focus();
}

function remove(i) {
  questions.splice(i, 1);
  renderQuestions();
}

function renderGroups() {
  $('#groups').replaceChildren(...groups.map((g, i) => el('li', { class: 'group-row' },
    el('label', { for: `g${i}`, class: 'visually-hidden', text: t('create.groups.name', { group: i + 1 }) }),
    el('input', { id: `g${i}`, maxlength: 60, dir: 'auto', value: g.name, 'aria-describedby': `g${i}-error`, oninput: (e) => { g.name = e.target.value; } }),
    el('button', { type: 'button', class: 'secondary', 'aria-label': t('create.groups.remove', { group: i + 1 }), onclick: () => removeGroup(i) }, '✕'),
    el('p', { id: `g${i}-error`, class: 'field-error', hidden: true }))));
  $('#add-group').disabled = groups.length >= MAX_GROUPS;
}

function removeGroup(i) {
  groups.splice(i, 1);
  renderGroups();
  (document.getElementById(`g${Math.min(i, groups.length - 1)}`) || $('#add-group')).focus();
}

// groupsToSend is the café's list of groups, or undefined when it is the
// standard seven, which the server gives a café by default. A group the
// facilitator made or renamed gets an id from its name.
function groupsToSend() {
  const same = groups.length === STANDARD.length &&
    groups.every((g, i) => g.id === STANDARD[i].id && g.name.trim() === STANDARD[i].name);
  if (same) return undefined;
  const used = new Set();
  return groups.map((g, i) => {
    const name = g.name.trim();
    let id = g.standard && name === GROUPS[g.id] ? g.id
      : name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 32);
    if (!id || used.has(id)) id = `group_${i + 1}`;
    used.add(id);
    return { id, name };
  });
}

// Field errors: a message under the field, the field marked invalid and
// described by it. A field is named as the server names it: "title",
// "questions.0" (the first question), "round_seconds", "groups.2".
const FIELDS = { title: 'title', tables: 'tables', seats: 'seats', round_seconds: 'minutes', questions: 'questions', groups: 'groups' };

function fieldTarget(field) {
  const m = /^(questions|groups)\.(\d+)$/.exec(field || '');
  if (m) {
    const id = `${m[1] === 'questions' ? 'q' : 'g'}${m[2]}`;
    const input = document.getElementById(id);
    if (input) return { input, error: document.getElementById(`${id}-error`) };
    field = m[1];
  }
  const id = FIELDS[field];
  if (!id) return null;
  let input = document.getElementById(id);
  if (id === 'questions') input = $('#q0');
  if (id === 'groups') input = $('#g0') || $('#add-group');
  return { input, error: document.getElementById(`${id}-error`) };
}

function showFieldError(field, message) {
  const target = fieldTarget(field);
  if (!target) return null;
  target.error.textContent = message;
  target.error.hidden = false;
  if (target.input.tagName !== 'BUTTON') target.input.setAttribute('aria-invalid', 'true');
  return target.input;
}

function clearFieldErrors() {
  for (const e of document.querySelectorAll('#create .field-error')) {
    e.hidden = true;
    e.textContent = '';
  }
  for (const e of document.querySelectorAll('#create [aria-invalid]')) e.removeAttribute('aria-invalid');
}

// problems checks the form as the server would: a blank title or
// question, a number out of its range, a blank or repeated group.
function problems() {
  const out = [];
  if (!$('#title').value.trim()) out.push(['title', t('create.error.title')]);
  questions.forEach((q, i) => { if (!q.trim()) out.push([`questions.${i}`, t('create.error.question')]); });
  for (const [id, field] of [['tables', 'tables'], ['seats', 'seats'], ['minutes', 'round_seconds']]) {
    const raw = $(`#${id}`).value.trim();
    const v = Number(raw);
    const [min, max] = LIMITS[id];
    if (raw === '' || !Number.isInteger(v) || v < min || v > max) out.push([field, t(`create.error.${id}`, { min, max })]);
  }
  if (!groups.length) out.push(['groups', t('create.error.groups')]);
  const seen = new Set();
  groups.forEach((g, i) => {
    const name = g.name.trim().toLowerCase();
    if (!name) out.push([`groups.${i}`, t('create.error.group')]);
    else if (seen.has(name)) out.push([`groups.${i}`, t('create.error.groupSame')]);
    seen.add(name);
  });
  return out;
}

function renderMine() {
  const mine = load('wc.cafes') || [];
  $('#mine').hidden = mine.length === 0;
  $('#mine-list').replaceChildren(...mine.map((c) => el('li', {},
    el('a', { href: `/facilitate#${c.cafe}.${c.token}` }, el('bdi', { text: c.title }), ' ', t('create.mineCode', { code: c.code })))));
}

async function submit(e) {
  e.preventDefault();
  const err = $('#create-error');
  err.hidden = true;
  clearFieldErrors();
  const found = problems();
  if (found.length) {
    const inputs = found.map(([field, msg]) => showFieldError(field, msg));
    err.textContent = t('create.error.check');
    err.hidden = false;
    inputs[0]?.focus();
    return;
  }
  const button = $('#create-submit');
  button.disabled = true;
  const title = $('#title').value.trim();
  const body = {
    title,
    questions: questions.map((q) => q.trim()),
    tables: Number($('#tables').value),
    seats: Number($('#seats').value),
    round_seconds: Number($('#minutes').value) * 60,
  };
  const custom = groupsToSend();
  if (custom) body.groups = custom;
  let resp;
  let data = {};
  try {
    resp = await fetch('/api/cafes', {
      method: 'POST',
      headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    data = await resp.json().catch(() => ({}));
  } catch {
    err.textContent = t('error.unreachable');
    err.hidden = false;
    button.disabled = false;
    return;
  }
  if (!resp.ok) {
    // The server names the field it refuses: its words go next to it.
    const message = data.error?.message || t('error.status', { status: resp.status });
    const input = showFieldError(data.error?.field, message);
    err.textContent = input ? t('create.error.check') : message;
    err.hidden = false;
    button.disabled = false;
    input?.focus();
    return;
  }
  const mine = load('wc.cafes') || [];
  mine.unshift({
    cafe: data.cafe, token: data.facilitator_token, wall: data.wall_token, code: data.join_code, title,
    join_url: data.join_url, wall_url: data.wall_url,
  });
  save('wc.cafes', mine.slice(0, 20));
  location.href = `/facilitate#${data.cafe}.${data.facilitator_token}`;
}

$('#add-question').addEventListener('click', () => {
  questions.push('');
  renderQuestions();
  document.getElementById(`q${questions.length - 1}`).focus();
});
$('#add-group').addEventListener('click', () => {
  groups.push({ id: '', name: '', standard: false });
  renderGroups();
  document.getElementById(`g${groups.length - 1}`).focus();
});
$('#create').addEventListener('submit', submit);
renderQuestions();
renderGroups();
renderMine();
// The form shows once its questions are drawn in this device's language.
$('#create').hidden = false;
