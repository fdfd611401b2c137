// consultation-state.js: the fold of the consultation around the café (the
// online space, the town hall, the conclusion) into the client state,
// mirroring the snapshot's JSON (st.online, st.town_hall, st.conclusion) as
// cafe.Apply does on the server. state.js calls it for every event; it
// reports whether the event was one of its own.
//
// A hidden item keeps whatever text this device already has (the
// facilitator needs it to decide on unhiding); every other view shows a
// hidden item as "hidden by the moderator" with its reason, never its text.

export function applyConsultation(st, env) {
  const d = env.data || {};
  switch (env.type) {
    case 'online.opened':
      st.online ??= { opened_at: env.at, contributions: [] };
      st.online.closes_at = d.closes_at;
      return true;
    case 'online.contributed':
      if (!st.online) return true;
      st.online.contributions.push({
        id: d.item_id, seq: env.seq, question: d.question, title: d.title || '', text: d.text,
        name: d.name || '', group: d.group || '', at: env.at, comments: [],
      });
      return true;
    case 'online.commented': {
      if (!st.online) return true;
      const c = { id: d.comment_id, seq: env.seq, on_id: d.on_id, text: d.text, name: d.name || '', group: d.group || '', at: env.at };
      const on = contribution(st, d.on_id);
      if (on) on.comments.push(c);
      else ((st.online.note_comments ??= {})[d.on_id] ??= []).push(c);
      return true;
    }
    case 'online.flagged': {
      const it = findItem(st, d.item_id);
      if (it) {
        it.flags = (it.flags || 0) + 1;
        // Only the facilitator's copy of the event carries the reason.
        if (d.reason) it.flag_reasons = [...(it.flag_reasons || []), d.reason];
      }
      return true;
    }
    case 'online.hidden': {
      const it = findItem(st, d.item_id);
      if (it) Object.assign(it, { hidden: true, reason: d.reason });
      // A hidden question is no longer in the queue.
      unstar(st, { kind: 'question', id: d.item_id });
      return true;
    }
    case 'online.unhidden': {
      const it = findItem(st, d.item_id);
      if (it) {
        Object.assign(it, { hidden: false, reason: '' });
        // A device that never had the text gets it back with the event.
        for (const k of ['title', 'text', 'name', 'group']) if (d[k] !== undefined) it[k] = d[k];
      }
      return true;
    }
    case 'online.themed': {
      const c = contribution(st, d.item_id);
      if (c) c.theme = d.theme_id || '';
      return true;
    }
    case 'online.published':
      if (st.online) st.online.published = true;
      return true;
    case 'theme.merged':
      for (const c of st.online?.contributions || []) if (c.theme === d.theme_id) c.theme = d.into;
      return false; // state.js folds the room's side
    case 'townhall.agenda_set':
      Object.assign(townHall(st), { title: d.title, presenter: d.presenter || '', link: d.link || '' });
      return true;
    case 'townhall.staged': {
      const th = townHall(st);
      th.stage = d.stage;
      th.started_at ||= env.at;
      if (d.stage === 'ended') th.ended_at = env.at;
      return true;
    }
    case 'townhall.asked':
      townHall(st).questions.push({
        id: d.question_id, seq: env.seq, text: d.text, name: d.name || '', group: d.group || '', at: env.at, votes: 0,
      });
      return true;
    case 'townhall.upvoted': {
      const q = remoteQuestion(st, d.question_id);
      if (q) q.votes++;
      return true;
    }
    case 'queue.starred':
      unstar(st, d);
      if (d.starred) townHall(st).starred.push({ kind: d.kind, id: d.id });
      return true;
    case 'queue.taken': {
      const th = townHall(st);
      th.current = { kind: d.kind, id: d.id };
      unstar(st, d);
      // Nobody in the room has the floor while a question is answered.
      st.speaker = d.kind === 'hand' ? d.id : '';
      if (d.kind === 'hand') st.hands = st.hands.filter((id) => id !== d.id);
      return true;
    }
    case 'queue.done': {
      const th = townHall(st);
      unstar(st, d);
      if (d.kind === 'hand') {
        st.hands = st.hands.filter((id) => id !== d.id);
        if (st.speaker === d.id) st.speaker = '';
        th.spoke.push(d.id);
      } else {
        const q = remoteQuestion(st, d.id);
        if (q) q.answered = true;
      }
      if (th.current && sameItem(th.current, d)) th.current = null;
      return true;
    }
    // The room's own hands and speakers (state.js folds them) move the
    // town hall's queue too: a lowered hand loses its star, and the floor
    // given to someone ends the turn of whoever spoke before.
    case 'hand.lowered':
      unstar(st, { kind: 'hand', id: d.participant_id });
      return false;
    case 'speaker.called': {
      const prev = st.speaker;
      const next = d.participant_id || '';
      // Only the town hall's speakers count as having spoken in it, as
      // the server's State.giveFloor has it.
      if (prev && prev !== next && townHallRunning(st)) townHall(st).spoke.push(prev);
      if (next) {
        unstar(st, { kind: 'hand', id: next });
        townHall(st).current = { kind: 'hand', id: next };
      } else if (st.town_hall?.current?.kind === 'hand') {
        st.town_hall.current = null;
      }
      return false;
    }
    case 'finding.added':
      townHall(st).findings.push({ id: d.finding_id, text: d.text, at: env.at });
      return true;
    case 'finding.edited': {
      const f = townHall(st).findings.find((x) => x.id === d.finding_id);
      if (f) f.text = d.text;
      return true;
    }
    case 'finding.deleted': {
      const th = townHall(st);
      th.findings = th.findings.filter((x) => x.id !== d.finding_id);
      return true;
    }
    case 'consultation.concluded':
      st.conclusion = d.text;
      return true;
  }
  return false;
}

// fromSnapshotConsultation gives the consultation's part of a snapshot the
// shape the fold keeps: lists never missing.
export function fromSnapshotConsultation(s) {
  const online = s.online ? { ...s.online, contributions: (s.online.contributions || []).map((c) => ({ ...c, comments: c.comments || [] })) } : null;
  const th = s.town_hall ? { ...s.town_hall, ...townHallLists(s.town_hall) } : null;
  return { online, town_hall: th, conclusion: s.conclusion || '', public_code: s.public_code || '' };
}

// townHallRunning reports whether the town hall has begun and not ended:
// who joins or raises a hand then takes part in it.
export function townHallRunning(st) {
  const th = st.town_hall;
  return !!th && !!th.stage && th.stage !== 'ended';
}

function townHallLists(th) {
  return {
    questions: th.questions || [], starred: th.starred || [], spoke: th.spoke || [], findings: th.findings || [],
    current: th.current || null,
  };
}

function townHall(st) {
  st.town_hall ??= { title: '', presenter: '', link: '', stage: '', ...townHallLists({}) };
  return st.town_hall;
}

function sameItem(a, b) { return a.kind === b.kind && a.id === b.id; }

function unstar(st, item) {
  const th = st.town_hall;
  if (th) th.starred = th.starred.filter((it) => !sameItem(it, item));
}

function contribution(st, id) {
  return st.online?.contributions.find((c) => c.id === id);
}

function remoteQuestion(st, id) {
  return st.town_hall?.questions.find((q) => q.id === id);
}

// findItem finds what online.hide, online.unhide and online.flag name: a
// contribution, a comment (under one, or under a room note) or a remote
// question of the town hall.
function findItem(st, id) {
  const c = contribution(st, id);
  if (c) return c;
  for (const x of st.online?.contributions || []) {
    const cm = x.comments.find((m) => m.id === id);
    if (cm) return cm;
  }
  for (const list of Object.values(st.online?.note_comments || {})) {
    const cm = list.find((m) => m.id === id);
    if (cm) return cm;
  }
  return remoteQuestion(st, id);
}
