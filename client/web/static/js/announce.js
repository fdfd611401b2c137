// announce.js: what a screen reader is told, and nothing more. Each page
// has one polite live region, #announce, that hears the moments that matter
// once each: a round starts, pauses, goes on, has one minute left or is
// over; a phase changes; the facilitator broadcasts; a note arrives at my
// table; on the tablet, a hand goes up. The countdown and the character
// counter are not live regions: read every second or every keystroke they
// would drown everything else.
import { t } from './i18n.js';
import { el, phaseLabel } from './ui.js';

const KEPT = 5; // the last few messages stay in the region, for review

// say reads text out once. Each message is a new node: screen readers read
// every node added to a polite region, even one that repeats the last text.
export function say(text) {
  const region = document.getElementById('announce');
  if (!region || !text) return;
  region.append(el('p', { text }));
  while (region.childElementCount > KEPT) region.firstElementChild.remove();
}

// An Announcer compares each picture of the room with the one before and
// says what changed. The phone hears the round, broadcasts and its table's
// notes; the tablet only time up and raised hands (the facilitator pressed
// the other buttons themself).
export class Announcer {
  constructor({ round = false, broadcast = false, hands = false } = {}) {
    this.opts = { round, broadcast, hands };
    this.last = null;
    this.lastMs = null;
  }

  // forget drops the last picture: after a reconnect the room as it is
  // then is the new starting point, not a burst of news.
  forget() { this.last = null; this.lastMs = null; }

  // update takes the café's state, the notes at my table that are not mine,
  // and a function naming a participant.
  update(st, tableNotes = [], name = () => '') {
    const now = {
      phase: st.phase, round: st.round, timer: st.timer?.state || '',
      broadcast: st.broadcast || '',
      notes: new Set(tableNotes.map((n) => n.id)),
      hands: [...(st.hands || [])],
    };
    const was = this.last;
    this.last = now;
    if (!was) return; // the first picture is what the screen shows, not news
    const { round, broadcast, hands } = this.opts;
    const newRound = now.phase === 'round' && (was.phase !== 'round' || was.round !== now.round);
    if (newRound) {
      if (round) say(t('say.started', { round: st.round, rounds: st.questions.length }));
    } else if (now.phase === 'round' && now.timer !== was.timer) {
      if (now.timer === 'timeup') say(t('say.timeup'));
      else if (round && now.timer === 'paused') say(t('say.paused'));
      else if (round && now.timer === 'running' && was.timer === 'paused') say(t('say.resumed'));
    } else if (round && now.phase !== was.phase) {
      say(phaseLabel(st));
    }
    if (broadcast && now.broadcast && now.broadcast !== was.broadcast) say(t('say.broadcast', { text: now.broadcast }));
    const fresh = tableNotes.filter((n) => !was.notes.has(n.id));
    if (!newRound) {
      if (fresh.length > 3) say(t('say.notes', { n: fresh.length }));
      else for (const n of fresh) say(t('say.note', { text: n.text }));
    }
    if (hands) {
      for (const id of now.hands) if (!was.hands.includes(id)) say(t('say.hand', { name: name(id) }));
    }
  }

  // tick takes what the clock shows, to say "1 minute left" once as the
  // round passes the minute, whether the clock runs or was extended.
  tick(st, ms) {
    const running = st?.phase === 'round' && st.timer?.state === 'running' && ms !== null;
    if (running && this.opts.round && this.lastMs !== null && this.lastMs > 60000 && ms <= 60000) say(t('say.minute'));
    this.lastMs = running ? ms : null;
  }
}
