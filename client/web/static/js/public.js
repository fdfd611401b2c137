// public.js: the public pages (/o/CODE, its questions, its town hall) made
// live. The server renders every page whole and its forms work without
// JavaScript; this script only adds to them:
//
//   - forms post with fetch (Accept: application/json, the same endpoints)
//     and show their outcome in place: no page load, and on a refusal the
//     person's text stays where it was;
//   - the page listens on the public WebSocket and, on each event, fetches
//     its own HTML again (its own address, ?page=N included) and brings the changes into the page in place
//     (debounced), keeping focus and anything half typed; a screen reader
//     hears each new item once, from a polite live region, never the whole
//     list again.
//
// The page stays the server's: nothing here draws an item. What changes is
// matched by the elements' ids (id="item-ITEMID" is an item, stable across
// renders), so the script needs to know nothing of the markup beyond that,
// and <body data-cafe="CAFEID"> to open the socket.
//
// It does not use i18n.js: that module picks the device's language and
// takes over the page's lang and language menu, where a public page is in
// the language the server drew it in. Its own few words come from the same
// catalogue, in the page's language.
import { CafeConnection } from './conn.js';

const REFRESH_AFTER_MS = 250; // a burst of events costs one fetch
const ITEM = /^item-/;
const SAID_ONE_BY_ONE = 3; // more new items than this are said as a count

const lang = document.documentElement.lang || 'en';
let messages = {};
const catalogue = fetch(new URL(`../i18n/${lang}.json`, import.meta.url))
  .then((r) => (r.ok ? r.json() : {}))
  .then((m) => { messages = m; }, () => {});
const plurals = new Intl.PluralRules(lang);
const numbers = new Intl.NumberFormat(lang, { useGrouping: false });

// t is the message for key in the page's language, {name} filled from
// params, with the plural form for a count params.n.
function t(key, params = {}) {
  let msg = messages[key];
  if (msg === undefined && typeof params.n === 'number') {
    msg = messages[`${key}.${plurals.select(params.n)}`] ?? messages[`${key}.other`];
  }
  if (msg === undefined) return '';
  return msg.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    const v = params[name];
    return typeof v === 'number' ? numbers.format(v) : String(v);
  });
}

// Elements this script adds carry data-js: a refresh leaves them alone.
function added(tag, attrs = {}) {
  const e = document.createElement(tag);
  e.dataset.js = '';
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

// hideVisually keeps e for screen readers only. Set through the CSSOM: the
// pages' CSP allows no style attribute.
function hideVisually(e) {
  Object.assign(e.style, { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clipPath: 'inset(50%)', whiteSpace: 'nowrap' });
}

// ---- What a screen reader hears ----

const KEPT = 5;
let region = null;

function say(text) {
  if (!text) return;
  if (!region) {
    region = added('div', { 'aria-live': 'polite', role: 'status', id: 'public-announce' });
    hideVisually(region);
    document.body.append(region);
  }
  const p = document.createElement('p');
  p.dir = 'auto';
  p.textContent = text;
  region.append(p);
  while (region.childElementCount > KEPT) region.firstElementChild.remove();
}

// itemText is what an item says in one line: its first piece of user text
// (user text always carries dir="auto").
function itemText(item) {
  const own = [...item.querySelectorAll('[dir="auto"]')].find((e) => !e.closest('form') && e.textContent.trim());
  return (own || item).textContent.trim().replace(/\s+/g, ' ').slice(0, 200);
}

// ---- Forms ----

const mine = new Set(); // ids of the items this page posted: no news to their author

// typedIn reports whether the person has changed any field of form.
function typedIn(form) {
  return [...form.elements].some((e) => {
    if (e.tagName === 'SELECT') return [...e.options].some((o) => o.selected !== o.defaultSelected);
    if (e.type === 'checkbox' || e.type === 'radio') return e.checked !== e.defaultChecked;
    return (e.tagName === 'TEXTAREA' || e.tagName === 'INPUT') && e.type !== 'hidden' && e.value !== e.defaultValue;
  });
}

// statusOf is the line under form that tells how its last post went.
function statusOf(form) {
  let s = form.querySelector(':scope > [data-js].form-outcome');
  if (!s) {
    s = added('p', { class: 'form-outcome', role: 'status' });
    form.append(s);
  }
  return s;
}

function showOutcome(form, text, isError) {
  const s = statusOf(form);
  s.textContent = text;
  s.setAttribute('role', isError ? 'alert' : 'status');
  s.classList.toggle('error', isError);
  s.id = s.id || `outcome-${Math.random().toString(36).slice(2, 10)}`;
  return s;
}

// markField points a refused field at the message that says why.
function markField(form, name, outcome) {
  for (const f of form.querySelectorAll('[aria-invalid="true"]')) {
    f.removeAttribute('aria-invalid');
    const ids = (f.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && id !== outcome.id);
    if (ids.length) f.setAttribute('aria-describedby', ids.join(' '));
    else f.removeAttribute('aria-describedby');
  }
  const field = name && form.elements.namedItem(name);
  if (!(field instanceof Element)) return;
  field.setAttribute('aria-invalid', 'true');
  const ids = new Set((field.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
  ids.add(outcome.id);
  field.setAttribute('aria-describedby', [...ids].join(' '));
  field.focus();
}

async function post(form, submitter) {
  if (form.dataset.sending) return;
  form.dataset.sending = '1';
  const buttons = [...form.querySelectorAll('button, input[type="submit"]')];
  for (const b of buttons) b.disabled = true;
  showOutcome(form, t('publive.sending'), false);
  let resp = null;
  let body = null;
  try {
    resp = await fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form, submitter)),
      headers: { Accept: 'application/json', 'Accept-Language': lang },
      credentials: 'same-origin',
    });
    body = await resp.json().catch(() => null);
  } catch {
    resp = null;
  } finally {
    delete form.dataset.sending;
    for (const b of buttons) b.disabled = false;
  }
  await catalogue; // asked for at load: here long since
  if (!resp) {
    markField(form, '', showOutcome(form, t('publive.offline'), true));
    return;
  }
  // A token is spent per form (the page's one token sends each of its
  // forms once) and only by an accepted post: an answer that brings a
  // token means the form's own is spent or was refused, so it takes the
  // new one, else it keeps its own for the next try.
  const token = form.querySelector('input[type="hidden"][name="form_token"]');
  if (token && body?.form_token) token.value = body.form_token;
  if (!resp.ok) {
    const e = body?.error;
    markField(form, e?.field, showOutcome(form, e?.message || t('publive.failed'), true));
    refresh.soon(); // the page may have changed under it: the space closed, say
    return;
  }
  if (body?.item_id) mine.add(`item-${body.item_id}`);
  form.reset(); // as the page the server sends back without JavaScript
  markField(form, '', showOutcome(form, t('publive.sent'), false));
  // Its token is spent: the answer brought the next one, else the refresh.
  if (!body?.form_token) form.dataset.used = '1';
  refresh.now();
}

document.addEventListener('submit', (e) => {
  const form = e.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'post') return;
  e.preventDefault();
  post(form, e.submitter);
});

// ---- Bringing a fresh render into the page ----

// morph makes old look like fresh, keeping every node it can: the focus,
// a half-typed text and a scrolled position live on nodes, and a node kept
// loses none of them.
function morph(old, fresh) {
  if (old.nodeType !== fresh.nodeType || old.nodeName !== fresh.nodeName) {
    old.replaceWith(document.importNode(fresh, true));
    return;
  }
  if (old.nodeType !== Node.ELEMENT_NODE) {
    if (old.nodeValue !== fresh.nodeValue) old.nodeValue = fresh.nodeValue;
    return;
  }
  if (old.tagName === 'FORM') {
    morphForm(old, fresh);
    return;
  }
  syncAttributes(old, fresh);
  morphChildren(old, fresh);
}

// syncAttributes gives old fresh's attributes, but for what the person
// chose: a <details> they opened or closed stays so.
function syncAttributes(old, fresh) {
  const theirs = (name) => name === 'open' && old.tagName === 'DETAILS';
  for (const a of [...old.attributes]) {
    if (!fresh.hasAttribute(a.name) && !theirs(a.name)) old.removeAttribute(a.name);
  }
  for (const a of fresh.attributes) {
    if (old.getAttribute(a.name) !== a.value && !theirs(a.name)) old.setAttribute(a.name, a.value);
  }
}

// inUse reports whether the person is at form: sending it, typing in it,
// in it, or reading why it was refused.
function inUse(form) {
  return Boolean(form.dataset.sending) || typedIn(form) || form.contains(document.activeElement) ||
    Boolean(form.querySelector(':scope > [data-js][role="alert"]'));
}

// morphForm keeps what the person did in a form. Its token stays the one
// the page came with (a token drawn a moment ago would be refused as too
// quick) unless a post spent it; a form in use keeps everything else.
function morphForm(old, fresh) {
  const used = old.dataset.used === '1';
  const hidden = used ? null : new Map([...old.querySelectorAll('input[type="hidden"]')].map((i) => [i.name, i.value]));
  if (inUse(old)) {
    if (used) copyHidden(old, fresh);
    delete old.dataset.used;
    return;
  }
  syncAttributes(old, fresh);
  morphChildren(old, fresh);
  if (hidden) {
    for (const i of old.querySelectorAll('input[type="hidden"]')) {
      if (hidden.has(i.name)) i.value = hidden.get(i.name);
    }
  }
}

function copyHidden(old, fresh) {
  for (const i of fresh.querySelectorAll('input[type="hidden"]')) {
    const mine = old.querySelector(`input[type="hidden"][name="${CSS.escape(i.name)}"]`);
    if (mine) mine.value = i.value;
  }
}

// morphChildren matches children by id where they have one (items keep
// their node when others arrive before them), else by position among the
// children of the same kind. What this script added stays.
function morphChildren(old, fresh) {
  const kept = [...old.childNodes].filter((n) => !(n.nodeType === Node.ELEMENT_NODE && 'js' in n.dataset));
  const byId = new Map();
  for (const n of kept) if (n.nodeType === Node.ELEMENT_NODE && n.id) byId.set(n.id, n);
  const loose = kept.filter((n) => !(n.nodeType === Node.ELEMENT_NODE && n.id));
  const used = new Set();
  const free = (test) => loose.find((c) => !used.has(c) && test(c));
  let before = old.firstChild;
  for (const f of [...fresh.childNodes]) {
    let n = null;
    if (f.nodeType === Node.ELEMENT_NODE && f.id) {
      n = byId.get(f.id) || null;
    } else {
      // The same kind of element in the same role first, so that a part
      // that went (the form of a space now closed) does not turn into
      // the part after it.
      n = free((c) => c.nodeName === f.nodeName && sameRole(c, f)) || free((c) => c.nodeName === f.nodeName) || null;
    }
    if (n) {
      used.add(n);
      if (n !== before) old.insertBefore(n, before);
      before = n.nextSibling;
      if (!n.isEqualNode(f)) morph(n, f);
    } else {
      const made = document.importNode(f, true);
      old.insertBefore(made, before);
      before = made.nextSibling;
    }
  }
  // A part that went keeps its place if a form in it is in use: the
  // person's text outlives the page's change, and they read why.
  for (const n of kept) if (!used.has(n) && !holdsWork(n)) n.remove();
}

function sameRole(a, b) {
  return a.nodeType !== Node.ELEMENT_NODE ||
    (a.getAttribute('class') === b.getAttribute('class') && a.getAttribute('aria-labelledby') === b.getAttribute('aria-labelledby'));
}

function holdsWork(n) {
  if (n.nodeType !== Node.ELEMENT_NODE) return false;
  return (n.tagName === 'FORM' && inUse(n)) || [...n.querySelectorAll('form')].some(inUse);
}

function itemIds(root) {
  return new Set([...root.querySelectorAll('[id]')].map((e) => e.id).filter((id) => ITEM.test(id)));
}

// apply brings the fresh render of the page into it and says what is new.
function apply(html) {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  if (!doc.body || doc.body.dataset.cafe !== document.body.dataset.cafe) return;
  const focused = document.activeElement;
  const caret = typeof focused?.selectionStart === 'number' ? [focused.selectionStart, focused.selectionEnd] : null;
  const had = itemIds(document.body);
  syncAttributes(document.body, doc.body);
  morphChildren(document.body, doc.body);
  // A node moved (an item that others arrived before) loses the focus.
  if (focused && focused !== document.activeElement && document.contains(focused)) {
    focused.focus({ preventScroll: true });
    if (caret) focused.setSelectionRange(...caret);
  }
  // News is said on a list's first page only, where new items arrive: on
  // a later page an item "new" to it is one that older pages pushed down.
  const first = !document.body.dataset.pageN;
  const fresh = first ? [...itemIds(document.body)].filter((id) => !had.has(id) && !mine.has(id)) : [];
  if (fresh.length > SAID_ONE_BY_ONE) {
    say(t('publive.news', { n: fresh.length }));
  } else {
    for (const id of fresh) say(t('publive.new', { text: itemText(document.getElementById(id)) }));
  }
  if (document.title !== doc.title) document.title = doc.title;
}

// refresh fetches the page again: soon() after a burst of events settles,
// now() at once; one fetch at a time, and one more if asked meanwhile.
const refresh = {
  timer: 0,
  busy: false,
  again: false,
  soon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.now(), REFRESH_AFTER_MS);
  },
  async now() {
    clearTimeout(this.timer);
    if (this.busy) { this.again = true; return; }
    this.busy = true;
    try {
      const resp = await fetch(location.href, { headers: { Accept: 'text/html' }, credentials: 'same-origin', cache: 'no-store' });
      if (resp.ok) {
        await catalogue;
        apply(await resp.text());
      }
    } catch { /* offline: the socket's reconnect brings a refresh */ } finally {
      this.busy = false;
    }
    if (this.again) {
      this.again = false;
      this.now();
    }
  },
};

// ---- The public WebSocket ----

// PublicConnection is the café connection without a state to fold: a
// public page gets only some of the café's events (its seq has gaps by
// design) and always a snapshot on (re)connecting, never a resume. Every
// event, and every snapshot after the first, means the page may have
// changed. Reconnecting, backoff and pings are the café views' own.
class PublicConnection extends CafeConnection {
  onFrame(env) {
    switch (env.type) {
      case 'welcome':
        this.welcome = env.data;
        this.addSample(env.data.server_time, Date.now(), Date.now());
        return;
      case 'snapshot':
        this.seq = env.seq;
        this.goLive();
        this.onChange?.(env);
        return;
      case 'ack': case 'error': case 'pong':
        super.onFrame(env);
        return;
    }
    if (env.seq) {
      this.seq = env.seq;
      this.onChange?.(env);
    }
  }
}

const cafe = document.body.dataset.cafe;
if (cafe) {
  // The page was drawn at data-seq: the first snapshot needs a refresh
  // only if the café moved on since; later ones (after a drop) always do.
  let drawnAt = Number(document.body.dataset.seq || 0);
  const conn = new PublicConnection({
    cafe,
    token: 'public',
    onChange: (env) => {
      if (env.type === 'snapshot' && drawnAt && env.seq <= drawnAt) {
        drawnAt = 0;
        return;
      }
      drawnAt = 0;
      refresh.soon();
    },
  });
  conn.start();
}
