// ui.js: small helpers shared by the views. User text only ever goes
// through textContent: it is never parsed as HTML.

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

export const GROUPS = {
  government: 'Government',
  private_sector: 'Private sector',
  civil_society: 'Civil society',
  technical_community: 'Technical community',
  academia: 'Academia',
  international_organisation: 'International organisation',
  other: 'Other',
};

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
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function phaseLabel(st) {
  const rounds = st.questions.length;
  switch (st.phase) {
    case 'lobby': return 'Waiting to start';
    case 'round':
      if (st.timer.state === 'paused') return `Round ${st.round} of ${rounds} · paused`;
      if (st.timer.state === 'timeup') return `Round ${st.round} of ${rounds} · time is up`;
      return `Round ${st.round} of ${rounds}`;
    case 'townhall': return st.round < rounds ? `Town hall · next: round ${st.round + 1}` : 'Town hall';
    case 'harvest': return 'Harvest';
    case 'closed': return 'Closed';
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
  const text = {
    live: '',
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting…',
    offline: 'You are offline. Your notes will be sent when you are back.',
    rejected: 'This link is no longer valid.',
    stopped: '',
  }[status] ?? '';
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
// server's message.
export async function postJSON(path, body, headers = {}) {
  let resp;
  try {
    resp = await fetch(path, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    throw new Error('Cannot reach the café server. Check the Wi-Fi and try again.');
  }
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new Error(data.error?.message || `The server answered ${resp.status}.`);
  return data;
}
