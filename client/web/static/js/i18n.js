// i18n.js: every word the views show goes through t(key, params). The
// catalogues are the embedded files of the Go package i18n, served at
// /static/i18n/LANG.json; this module fetches the one for this device's
// language before any view draws (a top-level await), so a view never
// shows a key.
//
// The language is this device's own: chosen from the browser's languages,
// changed with the small menu on every page, kept in localStorage. Each
// device may differ (the wall in French, a phone in Arabic).
//
// Static text in the HTML is marked data-i18n="key" (the element's text)
// or data-i18n-ATTR="key" (placeholder, aria-label, alt, title) and filled
// here at load. User text never goes through t(): it is shown as typed,
// with dir="auto" so it reads in its own direction.

// LANGS names each language in itself, so anyone can find their own.
export const LANGS = {
  en: 'English',
  fr: 'Français',
  es: 'Español',
  ru: 'Русский',
  zh: '中文',
  ar: 'العربية',
};
const RTL = new Set(['ar']);
const STORE = 'worldcafe.lang';

// pickLang is the kept choice if there is one, else the first of the
// browser's languages we have (by primary subtag: fr-CA is fr), else en.
export function pickLang(kept, wanted) {
  if (kept && kept in LANGS) return kept;
  for (const tag of wanted || []) {
    const primary = String(tag).toLowerCase().split(/[-_]/)[0];
    if (primary in LANGS) return primary;
  }
  return 'en';
}

function kept() {
  try { return localStorage.getItem(STORE); } catch { return null; }
}

export const lang = pickLang(kept(), navigator.languages?.length ? navigator.languages : [navigator.language]);

// A page with words of its own says so on <html data-catalogue="AREA">: it
// fetches LANG.AREA.json beside LANG.json, the words every view shares.
const area = document.documentElement.dataset.catalogue;

async function fetchFile(name) {
  try {
    // Beside this module's own URL, so it shares the page's versioned path
    // and comes from the cache on a repeat visit.
    const resp = await fetch(new URL(`../i18n/${name}.json`, import.meta.url));
    if (resp.ok) return await resp.json();
  } catch { /* offline on first load: fall through */ }
  return null;
}

async function fetchCatalogue(l) {
  const [shared, own] = await Promise.all([fetchFile(l), area ? fetchFile(`${l}.${area}`) : {}]);
  return shared && own ? { ...shared, ...own } : null;
}

// A missing catalogue (the server unreachable) leaves the keys' English
// fallback: the page still works, in English.
const messages = (await fetchCatalogue(lang)) || (lang === 'en' ? {} : (await fetchCatalogue('en')) || {});

const plurals = new Intl.PluralRules(lang);
const numbers = new Intl.NumberFormat(lang, { useGrouping: false });
const twoDigits = new Intl.NumberFormat(lang, { minimumIntegerDigits: 2, useGrouping: false });

// num writes a number the way this language does (Arabic-Indic digits in
// Arabic, for one).
export function num(n) { return numbers.format(n); }

// t returns the message for key with {name} filled from params. With a
// count params.n, a key that has plural forms picks the right one
// (key.one, key.few, …). Numbers are written with num().
export function t(key, params = {}) {
  let msg = messages[key];
  if (msg === undefined && typeof params.n === 'number') {
    msg = messages[`${key}.${plurals.select(params.n)}`] ?? messages[`${key}.other`];
  }
  if (msg === undefined) return key;
  return msg.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    const v = params[name];
    return typeof v === 'number' ? num(v) : String(v);
  });
}

// clock writes minutes and seconds, "19:05", in this language's digits.
export function clock(minutes, seconds) {
  return `${numbers.format(minutes)}:${twoDigits.format(seconds)}`;
}

// list joins names the way this language does ("A, B and C").
export function list(items) {
  return new Intl.ListFormat(lang, { type: 'unit', style: 'short' }).format(items);
}

// setLang keeps a new choice on this device and reloads the page in it:
// every view draws from the server's state, so nothing is lost.
export function setLang(l) {
  if (!(l in LANGS)) return;
  try { localStorage.setItem(STORE, l); } catch { /* private mode: this page only */ }
  location.reload();
}

// translate fills the marked static text under root.
export function translate(root = document) {
  for (const e of root.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  for (const attr of ['placeholder', 'aria-label', 'alt', 'title']) {
    const data = `data-i18n-${attr}`;
    for (const e of root.querySelectorAll(`[${data}]`)) e.setAttribute(attr, t(e.getAttribute(data)));
  }
}

// languageMenu is the small menu on every page: each language in its own
// words, the current one selected.
function languageMenu() {
  const nav = document.createElement('nav');
  nav.className = 'lang-menu';
  nav.setAttribute('aria-label', t('lang.menu'));
  const label = document.createElement('label');
  label.htmlFor = 'lang-select';
  label.textContent = t('lang.label');
  const select = document.createElement('select');
  select.id = 'lang-select';
  for (const [code, name] of Object.entries(LANGS)) {
    const o = document.createElement('option');
    o.value = code;
    o.lang = code;
    o.textContent = name;
    o.selected = code === lang;
    select.append(o);
  }
  select.addEventListener('change', () => setLang(select.value));
  nav.append(label, select);
  return nav;
}

document.documentElement.lang = lang;
document.documentElement.dir = RTL.has(lang) ? 'rtl' : 'ltr';
translate();
// The menu leads the page (after the connection banner), except on the
// wall, where it sits small in a corner out of the room's way.
const wall = document.body.classList.contains('page-wall');
const status = document.getElementById('status');
if (wall) document.body.append(languageMenu());
else if (status) status.after(languageMenu());
else document.body.prepend(languageMenu());
