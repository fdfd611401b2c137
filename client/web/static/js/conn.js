// conn.js: one WebSocket to the café, kept alive. It says hello with the
// token and the last position seen, folds the snapshot and events into a
// state, reconnects with exponential backoff and jitter, resumes from where
// it was, and measures the clock offset so every device shows the same
// countdown without the server sending ticks.
import { applyEvent, fromSnapshot } from './state.js';

const PING_EVERY_MS = 20000;
const PING_TIMEOUT_MS = 8000;
const MAX_BACKOFF_MS = 15000;
// Close codes after which reconnecting with the same token is pointless.
const FINAL_CODES = new Set([4001, 4004]);

export class CafeConnection {
  constructor({ cafe, token, onChange, onStatus, onReject, onLive }) {
    Object.assign(this, { cafe, token, onChange, onStatus, onReject, onLive });
    this.state = null;
    this.welcome = null;
    this.epoch = 0;
    this.seq = 0;
    this.offset = 0; // server clock − local clock, ms
    this.samples = [];
    this.pending = new Map();
    this.nextId = 1;
    this.attempt = 0;
    this.status = 'connecting';
    this.ws = null;
    this.retryTimer = 0;
    this.pingTimer = 0;
    this.stopped = false;
  }

  start() {
    window.addEventListener('online', () => this.reconnectNow());
    window.addEventListener('offline', () => {
      // The browser knows the network is gone: stop waiting for a timeout.
      this.setStatus('offline');
      if (this.ws) this.ws.close();
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && this.status !== 'live') this.reconnectNow();
    });
    this.connect();
  }

  now() { return Date.now() + this.offset; }

  connect() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    if (!navigator.onLine) { this.setStatus('offline'); return; }
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/ws`);
    this.ws = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ v: 1, type: 'hello', data: { token: this.token, cafe: this.cafe, epoch: this.epoch, seq: this.seq } }));
    };
    ws.onmessage = (m) => {
      if (ws !== this.ws) return;
      let env;
      try { env = JSON.parse(m.data); } catch { return; }
      this.onFrame(env);
    };
    ws.onclose = (e) => { if (ws === this.ws) this.onClose(e); };
  }

  reconnectNow() {
    if (this.stopped || this.status === 'live' || this.status === 'rejected') return;
    if (this.ws && this.ws.readyState <= 1) return; // connecting or open already
    this.attempt = 0;
    this.connect();
  }

  onFrame(env) {
    switch (env.type) {
      case 'welcome':
        this.welcome = env.data;
        this.epoch = env.data.epoch;
        this.addSample(env.data.server_time, Date.now(), Date.now());
        if (env.data.resumed) this.goLive();
        return;
      case 'snapshot':
        this.state = fromSnapshot(env.data);
        this.epoch = env.epoch;
        this.seq = env.seq;
        this.goLive();
        this.onChange?.(null);
        return;
      case 'ack': case 'error': case 'pong': {
        const p = this.pending.get(env.id);
        if (p) {
          this.pending.delete(env.id);
          if (env.type === 'error') p.reject(Object.assign(new Error(env.error.message), { code: env.error.code, field: env.error.field || '' }));
          else p.resolve(env);
        }
        return;
      }
    }
    if (!env.seq || !this.state) return;
    if (env.seq <= this.seq) return; // already have it
    if (env.seq !== this.seq + 1) {
      // A gap should never happen; if it does, start over from a snapshot.
      this.seq = 0;
      this.epoch = 0;
      this.ws.close();
      return;
    }
    applyEvent(this.state, env);
    this.seq = env.seq;
    this.onChange?.(env);
  }

  // stop closes the connection for good: nothing reconnects afterwards.
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.setStatus('stopped');
    if (this.ws && this.ws.readyState <= 1) this.ws.close(1000, 'done');
  }

  goLive() {
    this.attempt = 0;
    this.setStatus('live');
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => this.ping(), PING_EVERY_MS);
    // A few quick pings right away give a good clock offset.
    this.ping();
    setTimeout(() => this.ping(), 1000);
    setTimeout(() => this.ping(), 2500);
    this.onLive?.();
  }

  onClose(e) {
    clearInterval(this.pingTimer);
    for (const p of this.pending.values()) p.reject(Object.assign(new Error('connection lost'), { code: 'offline' }));
    this.pending.clear();
    if (this.stopped) return;
    if (FINAL_CODES.has(e.code)) {
      this.setStatus('rejected');
      this.stopped = true;
      this.onReject?.(e.code, e.reason);
      return;
    }
    if (!navigator.onLine) { this.setStatus('offline'); return; }
    this.setStatus('reconnecting');
    // Exponential backoff with full jitter, so a room of phones does not
    // reconnect in lockstep. A slow-consumer drop resumes at once.
    const base = e.code === 4002 ? 100 : Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt);
    this.attempt++;
    this.retryTimer = setTimeout(() => this.connect(), base / 2 + Math.random() * base / 2);
  }

  setStatus(s) {
    if (this.status === s) return;
    this.status = s;
    this.onStatus?.(s);
  }

  // send resolves with the ack or rejects with an Error whose code is the
  // server's error code ('offline' when not connected).
  send(type, data) {
    return new Promise((resolve, reject) => {
      if (this.status !== 'live' || !this.ws || this.ws.readyState !== 1) {
        reject(Object.assign(new Error('not connected'), { code: 'offline' }));
        return;
      }
      const id = 'c' + this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ v: 1, type, id, data: data ?? undefined }));
    });
  }

  ping() {
    const sent = Date.now();
    const ws = this.ws;
    const timeout = setTimeout(() => {
      // No pong: the link is dead even if the socket does not know it yet.
      if (ws === this.ws && ws.readyState === 1) ws.close();
    }, PING_TIMEOUT_MS);
    this.send('ping', { client_time: sent }).then((env) => {
      clearTimeout(timeout);
      this.addSample(env.data.server_time, sent, Date.now());
    }, () => clearTimeout(timeout));
  }

  // addSample keeps the offsets of recent pings and uses the one with the
  // shortest round trip: the least disturbed by the network.
  addSample(serverTime, sent, received) {
    const rtt = received - sent;
    this.samples.push({ rtt, offset: serverTime - (sent + received) / 2 });
    if (this.samples.length > 8) this.samples.shift();
    const best = this.samples.reduce((a, b) => (b.rtt < a.rtt ? b : a));
    this.offset = best.offset;
  }
}

// newId makes a client-side id for a note. crypto.randomUUID needs a secure
// context, which a café on a LAN address over http is not.
export function newId() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
