package cafe

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"

	"github.com/worldcafe/worldcafe/protocol"
)

// The harvest: themes that group notes, the spotlight on the wall, the
// speaker queue of the town hall, and dot votes.

// Theme groups notes of one conversation.
type Theme struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Question int    `json:"question"`
	Seq      uint64 `json:"seq"`
}

// Vote is a dot vote. Ballots are pseudonyms (see ballotOf): the state
// knows how many dots each ballot put where, never whose ballot it is.
type Vote struct {
	protocol.VoteOpen
	Seq      uint64                    `json:"seq"`
	Revealed bool                      `json:"revealed,omitempty"`
	Closed   bool                      `json:"closed,omitempty"`
	Ballots  map[string]map[string]int `json:"ballots"`
}

// Tally is the dots per item.
func (v *Vote) Tally() map[string]int {
	t := map[string]int{}
	for _, b := range v.Ballots {
		for item, n := range b {
			if n > 0 {
				t[item] += n
			}
		}
	}
	return t
}

// Visible reports whether role may see the vote's results now.
func (v *Vote) Visible(role protocol.Role) bool {
	return role == protocol.RoleFacilitator || v.Live || v.Revealed || v.Closed
}

// Voters counts the ballots that hold at least one dot: a voter who took
// every dot back did not vote.
func (v *Vote) Voters() int {
	n := 0
	for _, b := range v.Ballots {
		for _, d := range b {
			if d > 0 {
				n++
				break
			}
		}
	}
	return n
}

// ballotOf is a voter's pseudonym in one vote: a hash of their ballot key
// (which no client ever sees) and the vote id. It is stable, so dot limits
// hold, and unlinkable to the person.
func ballotOf(key, voteID string) string {
	sum := sha256.Sum256([]byte(key + "|" + voteID))
	return hex.EncodeToString(sum[:8])
}

// ballotKey is a's ballot key: the participant's own (Join.Secret), so that
// their ballot follows them across devices and rejoins. A participant who
// joined without one votes with the secret of their token.
func (s *State) ballotKey(a Actor) string {
	if p := s.Participants[a.ParticipantID]; p != nil && p.BallotKey != "" {
		return p.BallotKey
	}
	if a.Secret != "" {
		return a.Secret
	}
	return "participant:" + a.ParticipantID
}

// DotsOf returns the dots a's ballot holds in every vote, for the welcome.
func (s *State) DotsOf(a Actor) map[string]map[string]int {
	var out map[string]map[string]int
	key := s.ballotKey(a)
	for id, v := range s.Votes {
		if b := v.Ballots[ballotOf(key, id)]; len(b) > 0 {
			if out == nil {
				out = map[string]map[string]int{}
			}
			out[id] = positive(b)
		}
	}
	return out
}

// positive copies the entries of m above zero.
func positive(m map[string]int) map[string]int {
	c := make(map[string]int, len(m))
	for k, v := range m {
		if v > 0 {
			c[k] = v
		}
	}
	return c
}

func (d *decider) themePhase() error {
	if d.s.Phase == protocol.PhaseLobby {
		return protocol.Errorf(protocol.CodeWrongPhase, "themes come after the first round has started")
	}
	return nil
}

func (d *decider) themeName(name string) (string, error) {
	return cleanText("theme name", name, protocol.MaxThemeRunes, false, false)
}

func (d *decider) themeCreate(c protocol.ThemeCreate) error {
	if err := d.themePhase(); err != nil {
		return err
	}
	if err := validID("theme_id", c.ThemeID); err != nil {
		return err
	}
	name, err := d.themeName(c.Name)
	if err != nil {
		return err
	}
	if c.Question < 0 || c.Question >= len(d.s.Questions) {
		return protocol.Errorf(protocol.CodeInvalid, "there is no question %d", c.Question+1)
	}
	if t, ok := d.s.Themes[c.ThemeID]; ok {
		if t.Name == name && t.Question == c.Question {
			d.duplicate = true
			return nil
		}
		return protocol.Errorf(protocol.CodeConflict, "theme id %q is already used", c.ThemeID)
	}
	if len(d.s.Themes) >= protocol.MaxThemes {
		return protocol.Errorf(protocol.CodeConflict, "a café has at most %d themes", protocol.MaxThemes)
	}
	d.emit(protocol.EvThemeCreated, protocol.ThemeCreate{ThemeID: c.ThemeID, Name: name, Question: c.Question})
	return nil
}

func (d *decider) theme(id string) (*Theme, error) {
	t, ok := d.s.Themes[id]
	if !ok {
		return nil, protocol.Errorf(protocol.CodeNotFound, "no theme %q", id)
	}
	return t, nil
}

func (d *decider) themeRename(r protocol.ThemeRename) error {
	t, err := d.theme(r.ThemeID)
	if err != nil {
		return err
	}
	name, err := d.themeName(r.Name)
	if err != nil {
		return err
	}
	if name == t.Name {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvThemeRenamed, protocol.ThemeRename{ThemeID: t.ID, Name: name})
	return nil
}

func (d *decider) themeMerge(m protocol.ThemeMerge) error {
	from, err := d.theme(m.ThemeID)
	if err != nil {
		return err
	}
	into, err := d.theme(m.Into)
	if err != nil {
		return err
	}
	if from.ID == into.ID {
		return protocol.Errorf(protocol.CodeInvalid, "a theme cannot be merged into itself")
	}
	if from.Question != into.Question {
		return protocol.Errorf(protocol.CodeInvalid, "themes of different questions cannot be merged")
	}
	if v := d.openVote(); v != nil && v.On == protocol.VoteOnThemes {
		return protocol.Errorf(protocol.CodeWrongPhase, "themes cannot be merged while people vote on them")
	}
	d.emit(protocol.EvThemeMerged, m)
	return nil
}

func (d *decider) noteTheme(nt protocol.NoteTheme) error {
	if err := d.themePhase(); err != nil {
		return err
	}
	n, ok := d.s.Notes[nt.NoteID]
	if !ok || n.Deleted {
		return protocol.Errorf(protocol.CodeNotFound, "no note %q", nt.NoteID)
	}
	if nt.ThemeID != "" {
		t, err := d.theme(nt.ThemeID)
		if err != nil {
			return err
		}
		if t.Question != n.Question {
			return protocol.Errorf(protocol.CodeInvalid, "this note answers another question than the theme")
		}
	}
	if n.Theme == nt.ThemeID {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvNoteThemed, nt)
	return nil
}

func (d *decider) spotlight(sp protocol.Spotlight) error {
	switch {
	case sp.NoteID != "" && sp.ThemeID != "":
		return protocol.Errorf(protocol.CodeInvalid, "spotlight one note or one theme, not both")
	case sp.NoteID != "":
		n, ok := d.s.Notes[sp.NoteID]
		if !ok || n.Deleted || n.Hidden {
			return protocol.Errorf(protocol.CodeNotFound, "no note %q to show", sp.NoteID)
		}
	case sp.ThemeID != "":
		if _, err := d.theme(sp.ThemeID); err != nil {
			return err
		}
	}
	cur := protocol.Spotlight{}
	if d.s.Spotlight != nil {
		cur = *d.s.Spotlight
	}
	if cur == sp {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvSpotlightSet, sp)
	return nil
}

func (d *decider) handRaise(a Actor) error {
	if slices.Contains(d.s.Hands, a.ParticipantID) || d.s.Speaker == a.ParticipantID {
		d.duplicate = true
		return nil
	}
	if d.s.Participants[a.ParticipantID].Muted {
		return errMuted
	}
	d.emit(protocol.EvHandRaised, protocol.Hand{ParticipantID: a.ParticipantID})
	return nil
}

func (d *decider) handLower(a Actor) error {
	if !slices.Contains(d.s.Hands, a.ParticipantID) {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvHandLowered, protocol.Hand{ParticipantID: a.ParticipantID})
	return nil
}

// speakerNext gives the floor to the first starred hand, else the first
// hand raised (queue.go): the speaker before has spoken.
func (d *decider) speakerNext() error {
	next := d.s.nextHand()
	if next == "" && d.s.Speaker == "" {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvSpeakerCalled, protocol.SpeakerCalled{ParticipantID: next})
	return nil
}

// openVote is the vote people can cast dots in now, if any.
func (d *decider) openVote() *Vote {
	for _, v := range d.s.Votes {
		if !v.Closed {
			return v
		}
	}
	return nil
}

func (d *decider) voteOpen(o protocol.VoteOpen) error {
	if d.s.Phase != protocol.PhaseTownHall && d.s.Phase != protocol.PhaseHarvest {
		return protocol.Errorf(protocol.CodeWrongPhase, "votes happen in a town hall or the harvest")
	}
	if err := validID("vote_id", o.VoteID); err != nil {
		return err
	}
	if _, ok := d.s.Votes[o.VoteID]; ok {
		return protocol.Errorf(protocol.CodeConflict, "vote id %q is already used", o.VoteID)
	}
	switch {
	case d.openVote() != nil:
		return protocol.Errorf(protocol.CodeConflict, "another vote is open; close it first")
	case len(d.s.Votes) >= protocol.MaxVotes:
		return protocol.Errorf(protocol.CodeConflict, "a café has at most %d votes", protocol.MaxVotes)
	case o.Question < -1 || o.Question >= len(d.s.Questions):
		return protocol.Errorf(protocol.CodeInvalid, "there is no question %d", o.Question+1)
	case o.On != protocol.VoteOnNotes && o.On != protocol.VoteOnThemes:
		return protocol.Errorf(protocol.CodeInvalid, "a vote is on notes or on themes")
	case o.Dots < 1 || o.Dots > protocol.MaxDots:
		return protocol.Errorf(protocol.CodeInvalid, "each person has 1 to %d dots", protocol.MaxDots)
	}
	d.emit(protocol.EvVoteOpened, o)
	return nil
}

func (d *decider) vote(id string) (*Vote, error) {
	v, ok := d.s.Votes[id]
	if !ok {
		return nil, protocol.Errorf(protocol.CodeNotFound, "no vote %q", id)
	}
	return v, nil
}

// inScope reports whether item can get dots in v.
func (d *decider) inScope(v *Vote, item string) bool {
	if v.On == protocol.VoteOnThemes {
		t, ok := d.s.Themes[item]
		return ok && (v.Question == -1 || t.Question == v.Question)
	}
	n, ok := d.s.Notes[item]
	return ok && !n.Deleted && !n.Hidden && (v.Question == -1 || n.Question == v.Question)
}

func (d *decider) voteCast(a Actor, dot protocol.VoteDot, add bool) error {
	v, err := d.vote(dot.VoteID)
	if err != nil {
		return err
	}
	if v.Closed {
		return protocol.Errorf(protocol.CodeWrongPhase, "this vote is closed")
	}
	ballot := ballotOf(d.s.ballotKey(a), v.VoteID)
	mine := v.Ballots[ballot]
	if !add {
		if mine[dot.ItemID] <= 0 {
			return protocol.Errorf(protocol.CodeConflict, "you have no dot on that")
		}
		d.emit(protocol.EvVoteUncast, protocol.VoteCast{VoteID: v.VoteID, ItemID: dot.ItemID, Ballot: ballot})
		return nil
	}
	if !d.inScope(v, dot.ItemID) {
		return protocol.Errorf(protocol.CodeNotFound, "that is not something this vote is about")
	}
	used := 0
	for _, n := range mine {
		used += n
	}
	if used >= v.Dots {
		return protocol.Errorf(protocol.CodeConflict, "you have used all your %d dots; take one back to move it", v.Dots)
	}
	if !v.Stack && mine[dot.ItemID] > 0 {
		return protocol.Errorf(protocol.CodeConflict, "one dot per item in this vote")
	}
	d.emit(protocol.EvVoteCast, protocol.VoteCast{VoteID: v.VoteID, ItemID: dot.ItemID, Ballot: ballot})
	return nil
}

func (d *decider) voteReveal(r protocol.VoteRef) error {
	v, err := d.vote(r.VoteID)
	if err != nil {
		return err
	}
	if v.Revealed || v.Live || v.Closed {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvVoteRevealed, protocol.VoteResult{VoteID: v.VoteID, Tally: v.Tally()})
	return nil
}

func (d *decider) voteClose(r protocol.VoteRef) error {
	v, err := d.vote(r.VoteID)
	if err != nil {
		return err
	}
	if v.Closed {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvVoteClosed, protocol.VoteResult{VoteID: v.VoteID, Tally: v.Tally()})
	return nil
}

// applyHarvest folds the harvest events; ok is false for other types.
func applyHarvest(s *State, ev protocol.Event) (ok bool, err error) {
	switch ev.Type {
	case protocol.EvThemeCreated:
		c, err := decode[protocol.ThemeCreate](ev)
		if err != nil {
			return true, err
		}
		if s.Themes == nil {
			s.Themes = map[string]*Theme{}
		}
		s.Themes[c.ThemeID] = &Theme{ID: c.ThemeID, Name: c.Name, Question: c.Question, Seq: ev.Seq}
	case protocol.EvThemeRenamed:
		r, err := decode[protocol.ThemeRename](ev)
		if err != nil {
			return true, err
		}
		if t := s.Themes[r.ThemeID]; t != nil {
			t.Name = r.Name
		}
	case protocol.EvThemeMerged:
		m, err := decode[protocol.ThemeMerge](ev)
		if err != nil {
			return true, err
		}
		for _, n := range s.Notes {
			if n.Theme == m.ThemeID {
				n.Theme = m.Into
			}
		}
		for _, c := range s.ContributionList() {
			if c.Theme == m.ThemeID {
				c.Theme = m.Into
			}
		}
		delete(s.Themes, m.ThemeID)
		if s.Spotlight != nil && s.Spotlight.ThemeID == m.ThemeID {
			s.Spotlight.ThemeID = m.Into
		}
	case protocol.EvNoteThemed:
		nt, err := decode[protocol.NoteTheme](ev)
		if err != nil {
			return true, err
		}
		n, err := s.note(nt.NoteID)
		if err != nil {
			return true, err
		}
		n.Theme = nt.ThemeID
	case protocol.EvSpotlightSet:
		sp, err := decode[protocol.Spotlight](ev)
		if err != nil {
			return true, err
		}
		s.Spotlight = nil
		if sp.NoteID != "" || sp.ThemeID != "" {
			s.Spotlight = &sp
		}
	case protocol.EvHandRaised:
		h, err := decode[protocol.Hand](ev)
		if err != nil {
			return true, err
		}
		s.Hands = append(s.Hands, h.ParticipantID)
		if p := s.Participants[h.ParticipantID]; p != nil && s.TownHall.Running() {
			p.TownHall = true
		}
	case protocol.EvHandLowered:
		h, err := decode[protocol.Hand](ev)
		if err != nil {
			return true, err
		}
		s.lowerHand(h.ParticipantID)
	case protocol.EvSpeakerCalled:
		c, err := decode[protocol.SpeakerCalled](ev)
		if err != nil {
			return true, err
		}
		s.giveFloor(c.ParticipantID)
	case protocol.EvVoteOpened:
		o, err := decode[protocol.VoteOpen](ev)
		if err != nil {
			return true, err
		}
		if s.Votes == nil {
			s.Votes = map[string]*Vote{}
		}
		s.Votes[o.VoteID] = &Vote{VoteOpen: o, Seq: ev.Seq, Ballots: map[string]map[string]int{}}
	case protocol.EvVoteCast, protocol.EvVoteUncast:
		c, err := decode[protocol.VoteCast](ev)
		if err != nil {
			return true, err
		}
		v := s.Votes[c.VoteID]
		if v == nil {
			return true, errNoVote
		}
		b := v.Ballots[c.Ballot]
		if b == nil {
			b = map[string]int{}
			v.Ballots[c.Ballot] = b
		}
		if ev.Type == protocol.EvVoteCast {
			b[c.ItemID]++
		} else if b[c.ItemID]--; b[c.ItemID] <= 0 {
			delete(b, c.ItemID)
		}
	case protocol.EvVoteRevealed, protocol.EvVoteClosed:
		r, err := decode[protocol.VoteResult](ev)
		if err != nil {
			return true, err
		}
		v := s.Votes[r.VoteID]
		if v == nil {
			return true, errNoVote
		}
		v.Revealed = true
		if ev.Type == protocol.EvVoteClosed {
			v.Closed = true
		}
	default:
		return false, nil
	}
	return true, nil
}

var errNoVote = protocol.Errorf(protocol.CodeNotFound, "no such vote")

// Redact returns the form of ev that roles other than the facilitator
// receive, and whether it differs (for notes: redactNote; for the online
// space and the town hall: redactPosts). The log keeps the full event; the fan-out
// encodes each form once. s is the state after ev was applied.
func Redact(s *State, ev protocol.Event) (protocol.Event, bool) {
	switch ev.Type {
	case protocol.EvVoteCast, protocol.EvVoteUncast:
		c, err := decode[protocol.VoteCast](ev)
		if err != nil {
			return ev, false
		}
		if v := s.Votes[c.VoteID]; v != nil && !v.Visible(protocol.RoleAttendee) {
			// Someone voted, nothing more: hidden results stay hidden.
			ev.Data = mustJSON(protocol.VoteCast{VoteID: c.VoteID})
			return ev, true
		}
	case protocol.EvNotePosted, protocol.EvNoteEdited, protocol.EvNoteUnhidden:
		return redactNote(s, ev)
	default:
		return redactPosts(s, ev)
	}
	return ev, false
}
