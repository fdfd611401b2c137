// state.js: the café as a client sees it. A snapshot is the starting point;
// each event is folded in, mirroring cafe/apply.go on the server.
//
// Anonymity: a note by an anonymous participant arrives with no author and
// with anonymous set, on every screen. Nothing here links it to a person;
// only the author's own phone knows it is theirs (from welcome.my_notes and
// its outbox), and it keeps that knowledge outside this state.
//
// The consultation around the café (online space, town hall, conclusion)
// is folded by consultation-state.js, in the snapshot's own shape.
import { applyConsultation, fromSnapshotConsultation, townHallRunning } from './consultation-state.js';

// JOIN_WINDOW_MS is how far back the tablet counts joins ("12 joined in the
// last minute"); older join times are dropped as new ones come.
export const JOIN_WINDOW_MS = 60_000;

export function fromSnapshot(s) {
  return {
    ...s,
    notes: new Map((s.notes || []).map((n) => [n.id, { ...n, anonymous: !!n.anonymous }])),
    // Removed participants are kept on the server for the log only.
    people: new Map((s.participants || []).filter((p) => !p.removed).map((p) => [p.id, { ...p, muted: !!p.muted }])),
    removed: new Set((s.participants || []).filter((p) => p.removed).map((p) => p.id)),
    // Join times seen live (a snapshot carries none): what the tablet's
    // join rate is counted from.
    joins: [],
    next_seats: s.next_seats || null,
    themes: new Map((s.themes || []).map((t) => [t.id, t])),
    votes: new Map((s.votes || []).map((v) => [v.vote_id, { ...v, tally: v.tally || null, dots_placed: 0 }])),
    hands: s.hands || [],
    speaker: s.speaker || '',
    spotlight: s.spotlight || null,
    ...fromSnapshotConsultation(s),
  };
}

export function applyEvent(st, env) {
  const d = env.data || {};
  if (applyConsultation(st, env)) return;
  switch (env.type) {
    case 'participant.joined':
      st.people.set(d.participant_id, {
        id: d.participant_id, name: d.name || '', group: d.group || '', role: d.role,
        anonymous: !!d.anonymous, table: d.table, muted: false, town_hall: townHallRunning(st),
      });
      if (st.next_seats) st.next_seats[d.participant_id] = d.table;
      st.joins = [...st.joins.filter((at) => at > env.at - JOIN_WINDOW_MS), env.at];
      break;
    case 'participant.rejoined':
      // The same person on the same device: no new participant, no new
      // ballot. Nothing a screen shows changes.
      break;
    case 'participant.role_set': {
      const p = st.people.get(d.participant_id);
      if (p) {
        p.role = d.role;
        if (d.table) p.table = d.table;
      }
      break;
    }
    case 'participant.muted': {
      const p = st.people.get(d.participant_id);
      if (p) p.muted = !!d.muted;
      break;
    }
    case 'participant.removed':
      removeParticipant(st, d.participant_id);
      break;
    case 'round.started':
      st.phase = 'round';
      st.round = d.round;
      st.question = d.question;
      st.timer = { state: 'running', deadline: d.deadline, duration_ms: d.duration_ms };
      if (st.next_seats) {
        for (const [id, t] of Object.entries(st.next_seats)) {
          const p = st.people.get(id);
          if (p) p.table = t;
        }
      }
      st.next_seats = null;
      break;
    case 'round.paused':
      st.timer = { ...st.timer, state: 'paused', deadline: 0, remaining_ms: d.remaining_ms };
      break;
    case 'round.resumed':
      st.timer = { ...st.timer, state: 'running', deadline: d.deadline, remaining_ms: 0 };
      break;
    case 'round.extended':
      st.timer = { ...st.timer, duration_ms: (st.timer.duration_ms || 0) + d.added_ms };
      if (d.deadline) {
        Object.assign(st.timer, { state: 'running', deadline: d.deadline, remaining_ms: 0 });
      } else {
        st.timer.remaining_ms = d.remaining_ms;
      }
      break;
    case 'round.timeup':
      st.timer = { state: 'timeup', duration_ms: st.timer.duration_ms };
      break;
    case 'round.ended':
      st.phase = 'townhall';
      st.timer = { state: 'idle' };
      break;
    case 'seating.planned':
      st.next_seats = d.seats;
      break;
    case 'note.posted':
      st.notes.set(d.note_id, {
        id: d.note_id, seq: env.seq, author: d.author, anonymous: !!d.anonymous, round: d.round,
        question: d.question, table: d.table, text: d.text, at: env.at, hidden: false,
      });
      break;
    case 'note.edited': {
      const n = st.notes.get(d.note_id);
      if (n) { n.text = d.text; n.edited_at = env.at; }
      break;
    }
    case 'note.deleted':
      st.notes.delete(d.note_id);
      break;
    case 'note.hidden': {
      const n = st.notes.get(d.note_id);
      if (n) n.hidden = true;
      break;
    }
    case 'note.unhidden': {
      const n = st.notes.get(d.note_id);
      if (n) { n.hidden = false; n.text = d.text; }
      break;
    }
    case 'broadcast.set':
      st.broadcast = d.text;
      break;
    case 'harvest.started':
      st.phase = 'harvest';
      st.next_seats = null;
      break;
    case 'cafe.closed':
      st.phase = 'closed';
      st.timer = { state: 'idle' };
      break;
    case 'seat.assigned': {
      if (st.next_seats) st.next_seats[d.participant_id] = d.table;
      else {
        const p = st.people.get(d.participant_id);
        if (p) p.table = d.table;
      }
      break;
    }
    case 'theme.created':
      st.themes.set(d.theme_id, { id: d.theme_id, name: d.name, question: d.question });
      break;
    case 'theme.renamed': {
      const t = st.themes.get(d.theme_id);
      if (t) t.name = d.name;
      break;
    }
    case 'theme.merged':
      for (const n of st.notes.values()) if (n.theme === d.theme_id) n.theme = d.into;
      st.themes.delete(d.theme_id);
      if (st.spotlight?.theme_id === d.theme_id) st.spotlight = { theme_id: d.into };
      break;
    case 'note.themed': {
      const n = st.notes.get(d.note_id);
      if (n) n.theme = d.theme_id;
      break;
    }
    case 'spotlight.set':
      st.spotlight = d.note_id || d.theme_id ? d : null;
      break;
    case 'hand.raised': {
      st.hands = [...st.hands, d.participant_id];
      const p = st.people.get(d.participant_id);
      if (p && townHallRunning(st)) p.town_hall = true;
      break;
    }
    case 'hand.lowered':
      st.hands = st.hands.filter((id) => id !== d.participant_id);
      break;
    case 'speaker.called':
      st.speaker = d.participant_id;
      st.hands = st.hands.filter((id) => id !== d.participant_id);
      break;
    case 'vote.opened':
      st.votes.set(d.vote_id, { ...d, question: d.question ?? 0, tally: d.live ? {} : null, revealed: false, closed: false, voters: 0, dots_placed: 0 });
      break;
    case 'vote.cast': case 'vote.uncast': {
      const v = st.votes.get(d.vote_id);
      if (!v) break;
      const step = env.type === 'vote.cast' ? 1 : -1;
      v.dots_placed += step;
      // Only a client allowed to see results receives item_id.
      if (d.item_id) {
        v.tally ??= {};
        v.tally[d.item_id] = Math.max(0, (v.tally[d.item_id] || 0) + step);
      }
      break;
    }
    case 'vote.revealed': case 'vote.closed': {
      const v = st.votes.get(d.vote_id);
      if (!v) break;
      v.tally = d.tally || {};
      v.revealed = true;
      if (env.type === 'vote.closed') v.closed = true;
      break;
    }
  }
  // A hidden or deleted note leaves the spotlight.
  if ((env.type === 'note.hidden' || env.type === 'note.deleted') && st.spotlight?.note_id === d.note_id) st.spotlight = null;
}

// removeParticipant folds participant.removed. The server sends it last,
// after the note.hidden, vote.uncast, hand.lowered and speaker.called events
// that take back what the person put in the room (an anonymous note has no
// author to find it by here, a dot no voter); what is left is that the
// person leaves every list and count. Hiding their named notes and freeing
// their hand again changes nothing then, and keeps the fold right alone.
function removeParticipant(st, id) {
  st.people.delete(id);
  st.removed.add(id);
  if (st.next_seats) delete st.next_seats[id];
  st.hands = st.hands.filter((h) => h !== id);
  if (st.speaker === id) st.speaker = '';
  for (const n of st.notes.values()) {
    if (n.author === id) n.hidden = true;
    if (n.author === id && st.spotlight?.note_id === n.id) st.spotlight = null;
  }
}

// openVote is the vote people can put dots in now, if any.
export function openVote(st) {
  for (const v of st.votes.values()) if (!v.closed) return v;
  return null;
}

// lastVote is the most recent vote (open or closed).
export function lastVote(st) {
  let last = null;
  for (const v of st.votes.values()) last = v;
  return last;
}

// voteItems lists what a vote is about: notes or themes in its scope.
export function voteItems(st, v) {
  if (v.on === 'themes') {
    return [...st.themes.values()].filter((t) => v.question === -1 || t.question === v.question)
      .map((t) => ({ id: t.id, label: t.name }));
  }
  return [...st.notes.values()].filter((n) => !n.hidden && (v.question === -1 || n.question === v.question))
    .sort((a, b) => a.seq - b.seq).map((n) => ({ id: n.id, label: n.text }));
}

// displayName is how a person is named: words.you on their own device (self
// is that device's participant id), words.someone for an anonymous or
// unnamed person. The words are the view's, in its language (ui.js nameOf).
export function displayName(st, id, self, words) {
  if (self && id === self) return words.you;
  const p = st.people.get(id);
  if (!p) return words.someone;
  return p.anonymous || !p.name ? words.someone : p.name;
}

// noteAuthor is the name a note is shown with, or '' when it has none to
// show: an anonymous note never has one, whoever looks.
export function noteAuthor(st, n) {
  if (n.anonymous || !n.author) return '';
  const p = st.people.get(n.author);
  return p && !p.anonymous && p.name ? p.name : '';
}

// joinsWithin counts the joins seen in the last JOIN_WINDOW_MS before now
// (server time).
export function joinsWithin(st, now) {
  return st.joins.filter((at) => at > now - JOIN_WINDOW_MS && at <= now + 5_000).length;
}

// notesFor returns the visible notes of a question in posting order.
export function notesFor(st, question, { includeHidden = false } = {}) {
  const out = [];
  for (const n of st.notes.values()) {
    if (n.question === question && (includeHidden || !n.hidden)) out.push(n);
  }
  return out.sort((a, b) => a.seq - b.seq);
}

// countsPerQuestion counts the visible notes of each question.
export function countsPerQuestion(st) {
  const counts = st.questions.map(() => 0);
  for (const n of st.notes.values()) {
    if (!n.hidden && n.question < counts.length) counts[n.question]++;
  }
  return counts;
}
