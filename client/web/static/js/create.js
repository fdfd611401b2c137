// create.js: the facilitator's landing page: create a café, or go back to
// one created on this device.
import { t } from './i18n.js';
import { $, el, load, postJSON, save } from './ui.js';

// The example questions are in the facilitator's language: they become the
// café's own text, which the room sees as typed.
const DEFAULT_QUESTIONS = [t('create.example.q1'), t('create.example.q2'), t('create.example.q3')];
const MAX_QUESTIONS = 12;

let questions = [...DEFAULT_QUESTIONS];

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
    el('textarea', { id: `q${i}`, rows: 2, maxlength: 300, dir: 'auto', oninput: (e) => { questions[i] = e.target.value; } }, q),
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
  const button = $('#create-submit');
  button.disabled = true;
  try {
    const title = $('#title').value.trim();
    const created = await postJSON('/api/cafes', {
      title,
      questions: questions.map((q) => q.trim()).filter((q) => q !== ''),
      tables: Number($('#tables').value),
      seats: Number($('#seats').value),
      round_seconds: Math.round(Number($('#minutes').value) * 60),
    }, key ? { Authorization: `Bearer ${key}` } : {});
    const mine = load('wc.cafes') || [];
    mine.unshift({ cafe: created.cafe, token: created.facilitator_token, wall: created.wall_token, code: created.join_code, title: title || 'World Café' });
    save('wc.cafes', mine.slice(0, 20));
    location.href = `/facilitate#${created.cafe}.${created.facilitator_token}`;
  } catch (ex) {
    err.textContent = ex.message;
    err.hidden = false;
    button.disabled = false;
  }
}

$('#add-question').addEventListener('click', () => {
  questions.push('');
  renderQuestions();
  document.getElementById(`q${questions.length - 1}`).focus();
});
$('#create').addEventListener('submit', submit);
renderQuestions();
renderMine();
// The form shows once its questions are drawn in this device's language.
$('#create').hidden = false;
