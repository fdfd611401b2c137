// online-panel.js: the online space on the tablet. The facilitator opens it
// until a closing date (and moves that date), shares its public link and
// QR code, moderates what people post there (flagged first; hiding asks
// for the reason everyone will see), puts contributions in the themes of
// the room's notes, and publishes the room's outcome into it.
import { lang, list, t } from './i18n.js';
import { keyed, setAttr, setOptions, setText } from './keyed.js';
import { keepFocus } from './keep-focus.js';
import { errorText, fieldError } from './panel-errors.js';
import { ReasonAsk } from './reason-ask.js';
import { $, el } from './ui.js';

const MOD_SHOWN = 100; // rows drawn at once: flagged and newest first
const DEFAULT_OPEN_DAYS = 14; // the closing date offered the first time
const DAY_MS = 24 * 60 * 60 * 1000;

const rowErrors = new Map(); // item id → the last refusal of its theme
const reasons = new ReasonAsk('online', () => $('#online-mod-h').focus());
const dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short' });

// publicLink is the online space's address: on the public base the server
// gave (never this tablet's own address), or '' when there is none.
function publicLink(st, base) {
  return base && st.public_code ? `${base}/o/${st.public_code}` : '';
}

// toLocalInput writes a time (Unix ms) as a datetime-local input's value,
// in this device's time zone.
function toLocalInput(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

// wireOnline answers the panel's form and buttons; redraw draws the
// tablet at once.
export function wireOnline(conn, redraw) {
  const send = (type, data) => conn.send(type, data);
  $('#online-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = $('#online-closes');
    const errEl = $('#online-closes-error');
    fieldError(input, errEl, '');
    const at = input.value ? new Date(input.value).getTime() : NaN;
    if (Number.isNaN(at)) {
      fieldError(input, errEl, t('fac.online.dateMissing'));
      input.focus();
      return;
    }
    if (at <= conn.now()) {
      fieldError(input, errEl, t('fac.online.datePast'));
      input.focus();
      return;
    }
    try {
      await send('online.open', { closes_at: at });
      redraw();
    } catch (ex) {
      fieldError(input, errEl, errorText(ex));
      input.focus();
    }
  });

  const ask = (open) => {
    $('#online-publish-ask').hidden = !open;
    setAttr($('#online-publish'), 'aria-expanded', String(open));
  };
  $('#online-publish').addEventListener('click', () => {
    ask(true);
    $('#online-publish-confirm').focus();
  });
  $('#online-publish-cancel').addEventListener('click', () => {
    ask(false);
    $('#online-publish').focus();
  });
  $('#online-publish-confirm').addEventListener('click', async () => {
    ask(false);
    const err = $('#online-publish-error');
    err.hidden = true;
    try {
      await send('online.publish');
      redraw();
      $('#online-publish-state').focus();
    } catch (ex) {
      setText(err, errorText(ex));
      err.hidden = false;
      $('#online-publish').focus();
    }
  });

  const list = $('#online-mod');
  reasons.wire(list, send, redraw);
  list.addEventListener('change', async (e) => {
    const sel = e.target.closest('select[data-theme-item]');
    if (!sel) return;
    const id = sel.dataset.themeItem;
    rowErrors.delete(id);
    try {
      await send('online.theme', { item_id: id, theme_id: sel.value });
    } catch (ex) {
      rowErrors.set(id, errorText(ex));
    }
    redraw();
  });
  $('#online-qr').addEventListener('error', () => { $('#online-qr').hidden = true; });
}

export function renderOnlinePanel(conn, base) {
  const st = conn.state;
  renderOnlineStatus(conn);
  syncClosing(st.online, conn.now());
  setText($('#online-open'), t(st.online ? 'fac.online.move' : 'fac.online.open'));

  const link = publicLink(st, base);
  $('#online-link-box').hidden = !link;
  $('#online-nolink').hidden = !!st.public_code;
  if (link) {
    setText($('#online-link'), link);
    setAttr($('#online-link'), 'href', link);
    const qr = `/o/${encodeURIComponent(st.public_code)}/qr.png`;
    if ($('#online-qr').getAttribute('src') !== qr) {
      $('#online-qr').hidden = false;
      $('#online-qr').src = qr;
    }
  }

  renderPublish(st);
  renderModeration(st);
}

// renderOnlineStatus says whether the space is open, and until when. It
// runs on a timer too: the space closes at its date without an event.
export function renderOnlineStatus(conn) {
  const o = conn.state?.online;
  let status = t('fac.online.notOpen');
  if (o) status = t(conn.now() < o.closes_at ? 'fac.online.openUntil' : 'fac.online.closed', { date: dateFormat.format(o.closes_at) });
  setText($('#online-status'), status);
}

// syncClosing shows the closing date the café has, unless the facilitator
// is changing it.
function syncClosing(o, now) {
  const input = $('#online-closes');
  const want = toLocalInput(o ? o.closes_at : Math.ceil((now + DEFAULT_OPEN_DAYS * DAY_MS) / 3600000) * 3600000);
  const synced = input.dataset.synced ?? '';
  if ((input.value === synced || !input.value) && want !== synced) input.value = want;
  input.dataset.synced = want;
}

function renderPublish(st) {
  const o = st.online;
  const phaseOK = st.phase === 'harvest' || st.phase === 'closed';
  let state = t('fac.online.publish.when');
  if (!o) state = t('fac.online.publish.needsSpace');
  else if (o.published) state = t('fac.online.published');
  setText($('#online-publish-state'), state);
  const can = !!o && !o.published && phaseOK;
  $('#online-publish').disabled = !can;
  $('#online-publish').hidden = !!o?.published;
  if (!can && !$('#online-publish-ask').hidden) {
    $('#online-publish-ask').hidden = true;
    setAttr($('#online-publish'), 'aria-expanded', 'false');
  }
}

// moderationItems lists everything people posted outside the room:
// contributions, the comments under them and under the room's notes, and
// the town hall's remote questions; flagged first (most flags first),
// then newest first.
function moderationItems(st) {
  const out = [];
  for (const c of st.online?.contributions || []) {
    out.push({ ...c, kind: 'contribution' });
    for (const m of c.comments || []) out.push({ ...m, kind: 'comment' });
  }
  for (const list of Object.values(st.online?.note_comments || {})) {
    for (const m of list) out.push({ ...m, kind: 'noteComment' });
  }
  for (const q of st.town_hall?.questions || []) out.push({ ...q, kind: 'question' });
  return out.sort((a, b) => (b.flags || 0) - (a.flags || 0) || b.at - a.at || b.seq - a.seq);
}

function renderModeration(st) {
  const items = moderationItems(st);
  const flagged = items.filter((it) => it.flags > 0).length;
  setText($('#online-mod-count'), items.length ? t('fac.online.count', { n: items.length }) + (flagged ? t('list.dot') + t('fac.online.flagged', { n: flagged }) : '') : '');
  $('#online-mod-empty').hidden = items.length > 0;
  const shown = items.slice(0, MOD_SHOWN);
  $('#online-mod-more').hidden = shown.length === items.length;
  setText($('#online-mod-more'), t('fac.online.more', { shown: shown.length, total: items.length }));
  keepFocus($('#online-mod'), () => keyed($('#online-mod'), shown, (it) => it.id, makeRow, (li, it) => updateRow(st, li, it)));
}

function makeRow(it) {
  const [hide, unhide] = reasons.buttons(it.id);
  const themed = it.kind === 'contribution';
  return el('li', { class: 'mod-item', 'data-item-id': it.id, 'data-kind': it.kind },
    el('p', { class: 'mod-head' }, el('span', { class: 'mod-kind' }), el('span', { class: 'mod-flags' })),
    el('p', { class: 'mod-text' }, el('strong', { class: 'mod-title', dir: 'auto' }), el('span', { class: 'mod-body', dir: 'auto' })),
    el('p', { class: 'mod-by', dir: 'auto' }),
    el('p', { class: 'mod-hidden', dir: 'auto' }),
    el('p', { class: 'mod-flag-reasons', dir: 'auto' }),
    el('div', { class: 'mod-actions' }, hide, unhide,
      themed ? el('span', { class: 'mod-theme' },
        el('label', { class: 'visually-hidden', for: `mt-${it.id}`, text: t('fac.online.themeOf') }),
        el('select', { id: `mt-${it.id}`, 'data-theme-item': it.id })) : null),
    el('p', { class: 'error row-error', role: 'alert', hidden: true }),
    reasons.form(it.id));
}

function updateRow(st, li, it) {
  const [head, text, by, hiddenLine, flagReasons, actions, error, form] = li.children;
  const [kind, flags] = head.children;
  const [title, body] = text.children;
  const [hide, unhide, themeBox] = actions.children;
  setAttr(li, 'data-hidden', String(!!it.hidden));
  setAttr(li, 'data-flags', String(it.flags || 0));
  setText(kind, it.kind === 'contribution' ? t('fac.online.kind.contribution', { question: it.question + 1 }) : t(`fac.online.kind.${it.kind}`));
  flags.hidden = !it.flags;
  setText(flags, it.flags ? t('fac.online.flags', { n: it.flags }) : '');
  title.hidden = !it.title;
  setText(title, it.title || '');
  setText(body, it.text);
  setText(by, it.name || t('name.anonymous'));
  hiddenLine.hidden = !it.hidden;
  setText(hiddenLine, it.hidden ? t('fac.online.hiddenReason', { reason: it.reason || '' }) : '');
  // What the flaggers said, for the facilitator only (the view gives it
  // to no one else).
  const said = (it.flag_reasons || []).filter(Boolean);
  flagReasons.hidden = !said.length;
  setText(flagReasons, said.length ? t('fac.online.flagReasons', { reasons: list(said) }) : '');
  const short = (it.title || it.text).slice(0, 60);
  reasons.update(hide, unhide, form, it, short);
  if (themeBox) {
    const themes = [...st.themes.values()].filter((th) => th.question === it.question);
    themeBox.hidden = !themes.length;
    setOptions(themeBox.querySelector('select'), [['', t('fac.theme.none')], ...themes.map((th) => [th.id, th.name])],
      themes.some((th) => th.id === it.theme) ? it.theme : '');
  }
  const msg = rowErrors.get(it.id) || '';
  setText(error, msg);
  error.hidden = !msg;
}
