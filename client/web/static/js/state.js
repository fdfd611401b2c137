// state.js: the café as a client sees it. A snapshot is the starting point;
// each event is folded in, mirroring cafe/apply.go on the server.

export function fromSnapshot(s) {
  return {
    ...s,
    notes: new Map((s.notes || []).map((n) => [n.id, n])),
    people: new Map((s.participants || []).map((p) => [p.id, p])),
    next_seats: s.next_seats || null,
  };
}

export function applyEvent(st, env) {
  const d = env.data || {};
  switch (env.type) {
    case 'participant.joined':
      st.people.set(d.participant_id, {
        id: d.participant_id, name: d.name || '', group: d.group || '', role: d.role,
        anonymous: !!d.anonymous, table: d.table,
      });
      if (st.next_seats) st.next_seats[d.participant_id] = d.table;
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
        id: d.note_id, seq: env.seq, author: d.author, round: d.round, question: d.question,
        table: d.table, text: d.text, at: env.at, hidden: false,
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
  }
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
