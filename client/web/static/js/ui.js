// ui.js: small helpers shared by the views. User text only ever goes
// through textContent: it is never parsed as HTML. Words go through t().
import { clock, t } from './i18n.js';

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export function $(sel) { return document.querySelector(sel); }

// GROUPS names the stakeholder groups in this device's language.
export const GROUPS = Object.fromEntries(['government', 'private_sector', 'civil_society',
  'technical_community', 'academia', 'international_organisation', 'other'].map((g) => [g, t(`group.${g}.name`)]));

// remainingMs is what the round clock shows now on this device.
export function remainingMs(timer, now) {
  if (!timer) return null;
  switch (timer.state) {
    case 'running': return Math.max(0, timer.deadline - now);
    case 'paused': return timer.remaining_ms || 0;
    case 'timeup': return 0;
    default: return null;
  }
}

export function formatClock(ms) {
  if (ms === null) return '';
  const s = Math.ceil(ms / 1000);
  return clock(Math.floor(s / 60), s % 60);
}

export function phaseLabel(st) {
  const p = { round: st.round, rounds: st.questions.length, next: st.round + 1 };
  switch (st.phase) {
    case 'lobby': return t('phase.lobby');
    case 'round':
      if (st.timer.state === 'paused') return t('phase.round.paused', p);
      if (st.timer.state === 'timeup') return t('phase.round.timeup', p);
      return t('phase.round', p);
    case 'townhall': return st.round < p.rounds ? t('phase.townhall.next', p) : t('phase.townhall');
    case 'harvest': return t('phase.harvest');
    case 'closed': return t('phase.closed');
  }
  return st.phase;
}

// startClock redraws the countdown four times a second from local time:
// no server traffic, and every device agrees within its clock offset.
export function startClock(conn, render) {
  const tick = () => { if (conn.state) render(remainingMs(conn.state.timer, conn.now())); };
  tick();
  return setInterval(tick, 250);
}

// statusBanner shows the connection state in words a first-time user gets.
export function renderStatus(node, status) {
  const text = ['connecting', 'reconnecting', 'offline', 'rejected'].includes(status) ? t(`status.${status}`) : '';
  node.textContent = text;
  node.hidden = text === '';
}

export function load(key) {
  try { return JSON.parse(localStorage.getItem(key)); } catch { return null; }
}

export function save(key, value) {
  localStorage.setItem(key, JSON.stringify(value));
}

// postJSON calls the API (with extra headers, if any); it rejects with the
// server's message, and its error code as the error's code, so a view can
// say it in the device's language.
export async function postJSON(path, body, headers = {}) {
  let resp;
  try {
    resp = await fetch(path, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    throw new Error(t('error.unreachable'));
  }
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw Object.assign(new Error(data.error?.message || t('error.status', { status: resp.status })), { code: data.error?.code });
  return data;
}
