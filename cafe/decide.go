package cafe

import (
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
)

// timeUpSlack lets a timer that fires a hair before the deadline (clocks are
// read at different moments) still end the round.
const timeUpSlack = 50 * time.Millisecond

// Decide checks cmd against s at time now and returns the events it causes,
// numbered from s.Seq+1. It never changes s; a rejected command returns a
// *protocol.Error.
//
// The caller folds the events into s with Apply at once, before they are
// durable, so that the next command of the same group commit is decided
// against them; Apply never refuses an event Decide made (the property tests
// hold it to that). Nothing is published or acknowledged before the batch's
// append succeeds; if the append fails, the caller rebuilds s from the store.
func Decide(s *State, cmd Command, now time.Time) (Decision, error) {
	d := decider{s: s, now: now}
	if err := d.decide(cmd); err != nil {
		return Decision{}, err
	}
	return Decision{Events: d.events, Duplicate: d.duplicate}, nil
}

type decider struct {
	s         *State
	now       time.Time
	events    []protocol.Event
	duplicate bool
}

// mustJSON encodes event data: every event type is a plain struct of
// strings, numbers and maps, which cannot fail to encode.
func mustJSON(data any) json.RawMessage {
	b, err := json.Marshal(data)
	if err != nil {
		panic(fmt.Sprintf("cafe: encoding %T: %v", data, err))
	}
	return b
}

func (d *decider) emit(typ string, data any) {
	d.events = append(d.events, protocol.Event{
		Seq:  d.s.Seq + uint64(len(d.events)) + 1,
		At:   d.now.UnixMilli(),
		Type: typ,
		Data: mustJSON(data),
	})
}

// emitPrivate is emit with a private part for the log (protocol.Event.Private).
func (d *decider) emitPrivate(typ string, data any, priv private) {
	d.emit(typ, data)
	if priv != (private{}) {
		d.events[len(d.events)-1].Private = mustJSON(priv)
	}
}

// roles lists who may send each command. System commands are issued by the
// server only.
var roles = map[string][]protocol.Role{
	protocol.CmdCafeCreate:   {System.Role},
	protocol.CmdJoin:         {System.Role},
	protocol.CmdTimeUp:       {System.Role},
	protocol.CmdNotePost:     {protocol.RoleAttendee, protocol.RoleHost},
	protocol.CmdNoteEdit:     {protocol.RoleAttendee, protocol.RoleHost},
	protocol.CmdNoteDelete:   {protocol.RoleAttendee, protocol.RoleHost},
	protocol.CmdNoteHide:     {protocol.RoleFacilitator},
	protocol.CmdNoteUnhide:   {protocol.RoleFacilitator},
	protocol.CmdRoundStart:   {protocol.RoleFacilitator},
	protocol.CmdRoundPause:   {protocol.RoleFacilitator},
	protocol.CmdRoundResume:  {protocol.RoleFacilitator},
	protocol.CmdRoundExtend:  {protocol.RoleFacilitator},
	protocol.CmdRoundEnd:     {protocol.RoleFacilitator},
	protocol.CmdHarvestStart: {protocol.RoleFacilitator},
	protocol.CmdCafeClose:    {protocol.RoleFacilitator},
	protocol.CmdBroadcast:    {protocol.RoleFacilitator},
	protocol.CmdSeatAssign:   {protocol.RoleFacilitator},
	protocol.CmdThemeCreate:  {protocol.RoleFacilitator},
	protocol.CmdThemeRename:  {protocol.RoleFacilitator},
	protocol.CmdThemeMerge:   {protocol.RoleFacilitator},
	protocol.CmdNoteTheme:    {protocol.RoleFacilitator},
	protocol.CmdSpotlight:    {protocol.RoleFacilitator},
	protocol.CmdHandRaise:    {protocol.RoleAttendee, protocol.RoleHost},
	protocol.CmdHandLower:    {protocol.RoleAttendee, protocol.RoleHost},
	protocol.CmdSpeakerNext:  {protocol.RoleFacilitator},
	protocol.CmdVoteOpen:     {protocol.RoleFacilitator},
	protocol.CmdVoteCast:     {protocol.RoleAttendee, protocol.RoleHost},
	protocol.CmdVoteUncast:   {protocol.RoleAttendee, protocol.RoleHost},
	protocol.CmdVoteReveal:   {protocol.RoleFacilitator},
	protocol.CmdVoteClose:    {protocol.RoleFacilitator},

	protocol.CmdParticipantRole:   {protocol.RoleFacilitator},
	protocol.CmdParticipantMute:   {protocol.RoleFacilitator},
	protocol.CmdParticipantRemove: {protocol.RoleFacilitator},
}

func (d *decider) decide(cmd Command) error {
	allowed, ok := roles[cmd.Type]
	if !ok {
		return protocol.Errorf(protocol.CodeUnknownType, "unknown command %q", cmd.Type)
	}
	permitted := false
	for _, r := range allowed {
		if r == cmd.Actor.Role {
			permitted = true
		}
	}
	if !permitted {
		return protocol.Errorf(protocol.CodeForbidden, "a %s may not send %s", roleName(cmd.Actor.Role), cmd.Type)
	}
	if cmd.Type == protocol.CmdCafeCreate {
		c, ok := cmd.Data.(Create)
		if !ok {
			return badData(cmd)
		}
		return d.create(c)
	}
	if !d.s.Exists() {
		return protocol.Errorf(protocol.CodeNotFound, "this café does not exist")
	}
	if d.s.Phase == protocol.PhaseClosed {
		return protocol.Errorf(protocol.CodeWrongPhase, "this café is closed")
	}
	if cmd.Actor.Role.Seated() {
		p, ok := d.s.Participants[cmd.Actor.ParticipantID]
		if !ok {
			return protocol.Errorf(protocol.CodeUnauthorized, "unknown participant")
		}
		if p.Removed {
			return errRemoved
		}
	}

	// Dispatch on the command's name, then check that its data has the
	// matching type: data of another command must never sneak through.
	switch cmd.Type {
	case protocol.CmdJoin:
		return withData(cmd, d.join)
	case protocol.CmdNotePost:
		return withData(cmd, func(p protocol.NotePost) error { return d.notePost(cmd.Actor, p) })
	case protocol.CmdNoteEdit:
		return withData(cmd, func(e protocol.NoteEdit) error { return d.noteEdit(cmd.Actor, e) })
	case protocol.CmdNoteDelete:
		return withData(cmd, func(r protocol.NoteRef) error { return d.noteDelete(cmd.Actor, r) })
	case protocol.CmdNoteHide:
		return withData(cmd, func(r protocol.NoteRef) error { return d.noteHide(r, true) })
	case protocol.CmdNoteUnhide:
		return withData(cmd, func(r protocol.NoteRef) error { return d.noteHide(r, false) })
	case protocol.CmdRoundExtend:
		return withData(cmd, d.roundExtend)
	case protocol.CmdBroadcast:
		return withData(cmd, d.broadcast)
	case protocol.CmdSeatAssign:
		return withData(cmd, d.seatAssign)
	case protocol.CmdThemeCreate:
		return withData(cmd, d.themeCreate)
	case protocol.CmdThemeRename:
		return withData(cmd, d.themeRename)
	case protocol.CmdThemeMerge:
		return withData(cmd, d.themeMerge)
	case protocol.CmdNoteTheme:
		return withData(cmd, d.noteTheme)
	case protocol.CmdSpotlight:
		return withData(cmd, d.spotlight)
	case protocol.CmdVoteOpen:
		return withData(cmd, d.voteOpen)
	case protocol.CmdVoteCast:
		return withData(cmd, func(v protocol.VoteDot) error { return d.voteCast(cmd.Actor, v, true) })
	case protocol.CmdVoteUncast:
		return withData(cmd, func(v protocol.VoteDot) error { return d.voteCast(cmd.Actor, v, false) })
	case protocol.CmdVoteReveal:
		return withData(cmd, d.voteReveal)
	case protocol.CmdVoteClose:
		return withData(cmd, d.voteClose)
	case protocol.CmdParticipantRole:
		return withData(cmd, d.setRole)
	case protocol.CmdParticipantMute:
		return withData(cmd, d.mute)
	case protocol.CmdParticipantRemove:
		return withData(cmd, d.remove)
	}
	if cmd.Data != nil {
		return badData(cmd)
	}
	switch cmd.Type {
	case protocol.CmdRoundStart:
		return d.roundStart()
	case protocol.CmdRoundPause:
		return d.roundPause()
	case protocol.CmdRoundResume:
		return d.roundResume()
	case protocol.CmdRoundEnd:
		return d.roundEnd(true)
	case protocol.CmdTimeUp:
		return d.timeUp()
	case protocol.CmdHarvestStart:
		return d.harvestStart()
	case protocol.CmdCafeClose:
		d.emit(protocol.EvCafeClosed, protocol.CafeClosed{})
		return nil
	case protocol.CmdHandRaise:
		return d.handRaise(cmd.Actor)
	case protocol.CmdHandLower:
		return d.handLower(cmd.Actor)
	case protocol.CmdSpeakerNext:
		return d.speakerNext()
	}
	return badData(cmd)
}

// withData calls f with cmd's data if it has f's type.
func withData[T any](cmd Command, f func(T) error) error {
	data, ok := cmd.Data.(T)
	if !ok {
		return badData(cmd)
	}
	return f(data)
}

func badData(cmd Command) error {
	return protocol.Errorf(protocol.CodeInvalid, "%s does not take this data", cmd.Type)
}

func roleName(r protocol.Role) string {
	if r == "" {
		return "client without a role"
	}
	return string(r)
}

func (d *decider) create(c Create) error {
	if d.s.Exists() {
		return protocol.Errorf(protocol.CodeConflict, "this café already exists")
	}
	r := c.Request
	title, err := cleanText("title", defaultString(r.Title, protocol.DefaultTitle), protocol.MaxTitleRunes, false, false)
	if err != nil {
		return err
	}
	questions := r.Questions
	if len(questions) == 0 {
		questions = protocol.DefaultQuestions
	}
	if len(questions) > protocol.MaxQuestions {
		return protocol.Errorf(protocol.CodeInvalid, "a café has at most %d questions", protocol.MaxQuestions)
	}
	clean := make([]string, len(questions))
	for i, q := range questions {
		if clean[i], err = cleanText(fmt.Sprintf("question %d", i+1), q, protocol.MaxQuestionRunes, false, false); err != nil {
			return err
		}
	}
	tables := defaultInt(r.Tables, protocol.DefaultTables)
	if tables < 1 || tables > protocol.MaxTables {
		return protocol.Errorf(protocol.CodeInvalid, "tables must be between 1 and %d", protocol.MaxTables)
	}
	seats := defaultInt(r.Seats, protocol.DefaultSeats)
	if seats < protocol.MinSeats || seats > protocol.MaxSeats {
		return protocol.Errorf(protocol.CodeInvalid, "seats per table must be between %d and %d", protocol.MinSeats, protocol.MaxSeats)
	}
	secs := defaultInt(r.RoundSeconds, protocol.DefaultRoundSeconds)
	if secs < protocol.MinRoundSeconds || secs > protocol.MaxRoundSeconds {
		return protocol.Errorf(protocol.CodeInvalid, "round length must be between %d seconds and %d hours",
			protocol.MinRoundSeconds, protocol.MaxRoundSeconds/3600)
	}
	if c.JoinCode == "" {
		return protocol.Errorf(protocol.CodeInvalid, "join code is missing")
	}
	d.emit(protocol.EvCafeCreated, protocol.CafeCreated{
		Cafe: d.s.ID, Title: title, Questions: clean, Tables: tables, Seats: seats,
		RoundSeconds: secs, AutoAdvance: r.AutoAdvance, JoinCode: c.JoinCode,
	})
	return nil
}

func defaultString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func defaultInt(n, def int) int {
	if n == 0 {
		return def
	}
	return n
}

// seatOf returns where p sits for the current or coming round.
func (d *decider) seatOf(p *Participant) int {
	if t, ok := d.s.NextSeats[p.ID]; ok {
		return t
	}
	return p.Table
}

func (d *decider) occupancy() (people []int, hosts []int) {
	people = make([]int, d.s.Tables+1)
	hosts = make([]int, d.s.Tables+1)
	for _, p := range d.s.Participants {
		if p.Removed {
			continue
		}
		t := d.seatOf(p)
		if t < 1 || t > d.s.Tables {
			continue
		}
		people[t]++
		if p.Role == protocol.RoleHost {
			hosts[t]++
		}
	}
	return people, hosts
}

// newcomerTable is where a traveller who joins now sits. In the lobby it is
// the emptiest table, which keeps tables balanced as people arrive. During a
// round (for that round) and in a town hall (for the coming round, in the
// planned seating) it is SeatLate's choice among the emptiest tables: where
// the newcomer has met nobody and their stakeholder group has the fewest
// people. Tables have no capacity here (as in PlanRound): balance is the
// rule. Deterministic: ties go to the lowest table number.
func (d *decider) newcomerTable(id, group string) int {
	if d.s.Phase != protocol.PhaseRound && d.s.Phase != protocol.PhaseTownHall {
		return d.emptiestTable()
	}
	// The rounds before the one being sat in: during a round, those before
	// it; in a town hall, every round played.
	played := d.s.Round
	if d.s.Phase == protocol.PhaseRound {
		played--
	}
	people := d.s.People()
	in := PlanInput{Tables: make([]int, d.s.Tables), People: make([]PlanPerson, 0, len(people))}
	for t := range in.Tables {
		in.Tables[t] = len(people) + 1
	}
	for r := 1; r <= played; r++ {
		in.History = append(in.History, d.s.Seatings[r])
	}
	seats := make(map[string]int, len(people))
	for _, p := range people {
		in.People = append(in.People, PlanPerson{ID: p.ID, Group: p.Group, Host: p.Role == protocol.RoleHost, Present: true})
		seats[p.ID] = d.seatOf(p)
	}
	if t := SeatLate(in, seats, PlanPerson{ID: id, Group: group, Present: true}); t >= 1 {
		return t
	}
	return d.emptiestTable() // cannot happen: no table is ever full here
}

// emptiestTable is where a newcomer sits in the lobby: the table with fewest
// people, the lowest number on a tie.
func (d *decider) emptiestTable() int {
	people, _ := d.occupancy()
	best := 1
	for t := 2; t <= d.s.Tables; t++ {
		if people[t] < people[best] {
			best = t
		}
	}
	return best
}

func (d *decider) notePost(a Actor, p protocol.NotePost) error {
	if err := validID("note_id", p.NoteID); err != nil {
		return err
	}
	text, err := cleanText("note", p.Text, protocol.MaxNoteRunes, true, false)
	if err != nil {
		return err
	}
	if n, ok := d.s.Notes[p.NoteID]; ok {
		// A resend of a note whose ack was lost is acknowledged again and
		// changes nothing; anything else reusing the id is a conflict.
		if n.Author == a.ParticipantID && !n.Deleted && (n.Text == text || n.EditedAt != 0) {
			d.duplicate = true
			return nil
		}
		return protocol.Errorf(protocol.CodeConflict, "note id %q is already used", p.NoteID)
	}
	if d.s.Phase != protocol.PhaseRound {
		return protocol.Errorf(protocol.CodeWrongPhase, "notes can be posted only during a round")
	}
	author := d.s.Participants[a.ParticipantID]
	if author.Muted {
		return errMuted
	}
	ev := protocol.NotePosted{
		NoteID: p.NoteID, Author: author.ID, Round: d.s.Round, Question: d.s.question(),
		Table: author.Table, Text: text,
	}
	var priv private
	if author.Anonymous {
		// Nobody receives a handle on an anonymous author, the facilitator
		// neither: the log keeps it privately, for edit rights and removal.
		ev.Author, ev.Anonymous, priv.Author = "", true, author.ID
	}
	d.emitPrivate(protocol.EvNotePosted, ev, priv)
	return nil
}

// ownNote finds a live note written by a.
func (d *decider) ownNote(a Actor, id string) (*Note, error) {
	if err := validID("note_id", id); err != nil {
		return nil, err
	}
	n, ok := d.s.Notes[id]
	if !ok || n.Deleted {
		return nil, protocol.Errorf(protocol.CodeNotFound, "no note %q", id)
	}
	if n.Author != a.ParticipantID {
		return nil, protocol.Errorf(protocol.CodeForbidden, "you can change only your own notes")
	}
	if d.s.Phase == protocol.PhaseHarvest {
		return nil, protocol.Errorf(protocol.CodeWrongPhase, "notes cannot change during the harvest")
	}
	return n, nil
}

func (d *decider) noteEdit(a Actor, e protocol.NoteEdit) error {
	n, err := d.ownNote(a, e.NoteID)
	if err != nil {
		return err
	}
	if d.s.Participants[a.ParticipantID].Muted {
		return errMuted
	}
	text, err := cleanText("note", e.Text, protocol.MaxNoteRunes, true, false)
	if err != nil {
		return err
	}
	if text == n.Text {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvNoteEdited, protocol.NoteEdited{NoteID: n.ID, Text: text})
	return nil
}

func (d *decider) noteDelete(a Actor, r protocol.NoteRef) error {
	if n, ok := d.s.Notes[r.NoteID]; ok && n.Deleted && n.Author == a.ParticipantID {
		d.duplicate = true // a resent delete
		return nil
	}
	n, err := d.ownNote(a, r.NoteID)
	if err != nil {
		return err
	}
	d.emit(protocol.EvNoteDeleted, protocol.NoteDeleted{NoteID: n.ID})
	return nil
}

func (d *decider) noteHide(r protocol.NoteRef, hide bool) error {
	if err := validID("note_id", r.NoteID); err != nil {
		return err
	}
	n, ok := d.s.Notes[r.NoteID]
	if !ok || n.Deleted {
		return protocol.Errorf(protocol.CodeNotFound, "no note %q", r.NoteID)
	}
	if n.Hidden == hide {
		d.duplicate = true
		return nil
	}
	if hide {
		d.emit(protocol.EvNoteHidden, protocol.NoteHidden{NoteID: n.ID})
	} else {
		d.emit(protocol.EvNoteUnhidden, protocol.NoteUnhidden{NoteID: n.ID, Text: n.Text})
	}
	return nil
}

func (d *decider) roundStart() error {
	next := d.s.Round + 1
	switch {
	case d.s.Phase != protocol.PhaseLobby && d.s.Phase != protocol.PhaseTownHall:
		return protocol.Errorf(protocol.CodeWrongPhase, "a round can start only from the lobby or a town hall")
	case next > d.s.Rounds():
		return protocol.Errorf(protocol.CodeWrongPhase, "all %d rounds have been played; start the harvest", d.s.Rounds())
	}
	dur := time.Duration(d.s.RoundSeconds) * time.Second
	d.emit(protocol.EvRoundStarted, protocol.RoundStarted{
		Round: next, Question: next - 1,
		Deadline:   d.now.Add(dur).UnixMilli(),
		DurationMS: dur.Milliseconds(),
	})
	return nil
}

func (d *decider) inRound() error {
	if d.s.Phase != protocol.PhaseRound {
		return protocol.Errorf(protocol.CodeWrongPhase, "no round is on")
	}
	return nil
}

func (d *decider) roundPause() error {
	if err := d.inRound(); err != nil {
		return err
	}
	if d.s.Timer.State != protocol.TimerRunning {
		return protocol.Errorf(protocol.CodeWrongPhase, "the clock is not running")
	}
	d.emit(protocol.EvRoundPaused, protocol.RoundPaused{Round: d.s.Round, RemainingMS: d.remaining()})
	return nil
}

// remaining is what is left of the running round, never negative.
func (d *decider) remaining() int64 {
	return max(0, d.s.Timer.Deadline-d.now.UnixMilli())
}

func (d *decider) roundResume() error {
	if err := d.inRound(); err != nil {
		return err
	}
	if d.s.Timer.State != protocol.TimerPaused {
		return protocol.Errorf(protocol.CodeWrongPhase, "the clock is not paused")
	}
	d.emit(protocol.EvRoundResumed, protocol.RoundResumed{
		Round: d.s.Round, Deadline: d.now.UnixMilli() + d.s.Timer.RemainingMS,
	})
	return nil
}

func (d *decider) roundExtend(e protocol.RoundExtend) error {
	if err := d.inRound(); err != nil {
		return err
	}
	if e.Minutes < 1 || e.Minutes > protocol.MaxExtendMinutes {
		return protocol.Errorf(protocol.CodeInvalid, "extend by 1 to %d minutes", protocol.MaxExtendMinutes)
	}
	add := (time.Duration(e.Minutes) * time.Minute).Milliseconds()
	ev := protocol.RoundExtended{Round: d.s.Round, AddedMS: add}
	switch d.s.Timer.State {
	case protocol.TimerRunning:
		ev.Deadline = d.s.Timer.Deadline + add
	case protocol.TimerPaused:
		ev.RemainingMS = d.s.Timer.RemainingMS + add
	default: // time was up: the clock runs again from now
		ev.Deadline = d.now.UnixMilli() + add
	}
	d.emit(protocol.EvRoundExtended, ev)
	return nil
}

func (d *decider) timeUp() error {
	deadline, ok := d.s.Deadline()
	if !ok || d.now.Add(timeUpSlack).Before(deadline) {
		// The timer that sent this was overtaken by a pause or an extension.
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvRoundTimeUp, protocol.RoundTimeUp{Round: d.s.Round})
	if d.s.AutoAdvance {
		d.endRound(false)
	}
	return nil
}

func (d *decider) roundEnd(early bool) error {
	if err := d.inRound(); err != nil {
		return err
	}
	d.endRound(early && d.s.Timer.State != protocol.TimerTimeUp)
	return nil
}

// endRound closes the round and, if another follows, plans its seating so
// phones can show "move to table N" during the town hall.
func (d *decider) endRound(early bool) {
	d.emit(protocol.EvRoundEnded, protocol.RoundEnded{Round: d.s.Round, Early: early})
	if next := d.s.Round + 1; next <= d.s.Rounds() {
		if seats := PlanRound(d.s, next); len(seats) > 0 {
			d.emit(protocol.EvSeatingPlanned, protocol.SeatingPlanned{Round: next, Seats: seats})
		}
	}
}

// seatAssign is the facilitator's override of the rotation: p sits at a
// table in the coming round. In the lobby that is their table now; in a
// town hall it is their planned seat, and the other travellers' seats are
// planned again around every override of that round (hosts stay), so that
// balance and repeat avoidance adapt, moving as few people as that allows
// (replanRound). Nobody moves during a running round: people are
// mid-conversation, and their notes carry their table.
func (d *decider) seatAssign(a protocol.SeatAssign) error {
	switch d.s.Phase {
	case protocol.PhaseLobby, protocol.PhaseTownHall:
	case protocol.PhaseRound:
		return protocol.Errorf(protocol.CodeWrongPhase, "nobody is moved during a running round; assign seats in the town hall")
	default:
		return protocol.Errorf(protocol.CodeWrongPhase, "the conversations are over; there are no more seats to assign")
	}
	next := d.s.Round + 1
	if next > d.s.Rounds() {
		return protocol.Errorf(protocol.CodeWrongPhase, "no round follows this town hall; there are no more seats to assign")
	}
	p, err := d.person(a.ParticipantID)
	if err != nil {
		return err
	}
	if a.Table < 1 || a.Table > d.s.Tables {
		return protocol.Errorf(protocol.CodeInvalid, "table must be between 1 and %d", d.s.Tables)
	}
	overrides := d.s.Overrides[next]
	if t, ok := overrides[p.ID]; ok && t == a.Table && d.seatOf(p) == a.Table {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvSeatAssigned, protocol.SeatAssigned{ParticipantID: p.ID, Table: a.Table, Round: next})
	if d.s.Phase != protocol.PhaseTownHall {
		return nil
	}
	fixed := maps.Clone(overrides)
	if fixed == nil {
		fixed = map[string]int{}
	}
	fixed[p.ID] = a.Table
	planned := maps.Clone(d.s.NextSeats) // as seat.assigned leaves it
	if planned == nil {
		planned = map[string]int{}
	}
	planned[p.ID] = a.Table
	if seats := replanRound(d.s, next, fixed, planned); len(seats) > 0 && !maps.Equal(seats, planned) {
		d.emit(protocol.EvSeatingPlanned, protocol.SeatingPlanned{Round: next, Seats: seats})
	}
	return nil
}

func (d *decider) harvestStart() error {
	if d.s.Phase != protocol.PhaseTownHall {
		return protocol.Errorf(protocol.CodeWrongPhase, "the harvest starts from a town hall; end the round first")
	}
	d.emit(protocol.EvHarvestStarted, protocol.HarvestStarted{})
	return nil
}

func (d *decider) broadcast(b protocol.Broadcast) error {
	text, err := cleanText("broadcast", b.Text, protocol.MaxBroadcastRunes, false, true)
	if err != nil {
		return err
	}
	if text == d.s.Broadcast {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvBroadcastSet, protocol.BroadcastSet{Text: text})
	return nil
}
