package cafe

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/worldcafe/worldcafe/protocol"
)

// The town hall: a presentation, then the floor open, with remote
// participants who ask questions in writing and upvote each other's. It has
// its own stages beside the café's phases, so it may happen between rounds,
// after the harvest or after the café closed. The queue that mixes the
// room's hands and the remote questions is in queue.go, the findings in
// findings.go.

// TownHall is the town hall. It exists once the facilitator set its agenda
// or a stage, or the scribe wrote a finding.
type TownHall struct {
	protocol.TownHallAgenda
	Stage     string                     `json:"stage,omitempty"`
	StartedAt int64                      `json:"started_at,omitempty"`
	EndedAt   int64                      `json:"ended_at,omitempty"`
	Questions map[string]*RemoteQuestion `json:"questions"`
	Findings  map[string]*Finding        `json:"findings"`
}

// RemoteQuestion is a remote participant's question or comment. Voters
// are the pseudonyms of the browsers that upvoted it (TownHallUpvote.Voter):
// kept for one vote per browser, never shown.
type RemoteQuestion struct {
	Post
	Voters   map[string]bool `json:"voters,omitempty"`
	Answered bool            `json:"answered,omitempty"`
}

// Running reports whether the town hall is at its presentation or with the
// floor open: when it takes questions, and when people in the room count as
// taking part in it. A nil town hall is not running.
func (t *TownHall) Running() bool {
	return t != nil && (t.Stage == protocol.StagePresentation || t.Stage == protocol.StageFloor)
}

// townHall is the town hall, made on its first event.
func (s *State) townHall() *TownHall {
	if s.TownHall == nil {
		s.TownHall = &TownHall{Questions: map[string]*RemoteQuestion{}, Findings: map[string]*Finding{}}
	}
	return s.TownHall
}

func (s *State) remoteQuestion(id string) *RemoteQuestion {
	if s.TownHall == nil {
		return nil
	}
	return s.TownHall.Questions[id]
}

// QuestionList returns the remote questions in arrival order.
func (s *State) QuestionList() []*RemoteQuestion {
	if s.TownHall == nil {
		return nil
	}
	return bySeq(s.TownHall.Questions, func(q *RemoteQuestion) uint64 { return q.Seq })
}

func (d *decider) townHallAgenda(a protocol.TownHallAgenda) error {
	title, err := cleanText("the title", a.Title, protocol.MaxTitleRunes, false, false)
	if err != nil {
		return inField("title", err)
	}
	presenter, err := cleanText("the presenter", a.Presenter, protocol.MaxPresenterRunes, false, true)
	if err != nil {
		return inField("presenter", err)
	}
	link, err := cleanLink(a.Link)
	if err != nil {
		return inField("link", err)
	}
	clean := protocol.TownHallAgenda{Title: title, Presenter: presenter, Link: link}
	if t := d.s.TownHall; t != nil && t.TownHallAgenda == clean {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvTownHallAgendaSet, clean)
	return nil
}

// cleanLink checks the link of a presentation: empty, or a plain http or
// https address with a host, no credentials, and nothing that could hide
// what it points to (spaces, control characters).
func cleanLink(link string) (string, error) {
	link = strings.TrimSpace(link)
	if link == "" {
		return "", nil
	}
	if len(link) > protocol.MaxLinkBytes {
		return "", protocol.Errorf(protocol.CodeInvalid, "the link is longer than %d characters", protocol.MaxLinkBytes)
	}
	bad := protocol.Errorf(protocol.CodeInvalid, "the link must be a web address starting with http:// or https://")
	if strings.IndexFunc(link, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	}) >= 0 || !utf8.ValidString(link) {
		return "", bad
	}
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Opaque != "" {
		return "", bad
	}
	return link, nil
}

func (d *decider) townHallStage(st protocol.TownHallStage) error {
	switch st.Stage {
	case protocol.StagePresentation, protocol.StageFloor, protocol.StageEnded:
	default:
		return protocol.Errorf(protocol.CodeInvalid, "the town hall's stage is presentation, floor or ended")
	}
	if t := d.s.TownHall; t != nil && t.Stage == st.Stage {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvTownHallStaged, st)
	return nil
}

func (d *decider) townHallAsk(q protocol.TownHallAsk) error {
	text, err := cleanText("the question", q.Text, protocol.MaxQuestionAsk, true, false)
	if err != nil {
		return err
	}
	name, err := d.author(q.Name, q.Group)
	if err != nil {
		return err
	}
	clean := protocol.TownHallAsk{QuestionID: q.QuestionID, Text: text, Name: name, Group: q.Group}
	if repeat, err := d.newItem(q.QuestionID, func() bool {
		old := d.s.remoteQuestion(q.QuestionID)
		return old != nil && old.wire() == clean
	}); repeat || err != nil {
		return err
	}
	if !d.s.TownHall.Running() {
		return errNotAsking
	}
	if err := d.itemRoom(); err != nil {
		return err
	}
	d.emit(protocol.EvTownHallAsked, clean)
	return nil
}

// maxVoterBytes bounds the server's pseudonym of a voter (a hash in text).
const maxVoterBytes = 128

var errNotAsking = protocol.Errorf(protocol.CodeWrongPhase, "the town hall is not taking questions now")

// wire is the question as townhall.asked carried it.
func (q *RemoteQuestion) wire() protocol.TownHallAsk {
	return protocol.TownHallAsk{QuestionID: q.ID, Text: q.Text, Name: q.Name, Group: q.Group}
}

func (d *decider) townHallUpvote(u protocol.TownHallUpvote) error {
	if u.Voter == "" || len(u.Voter) > maxVoterBytes {
		return protocol.Errorf(protocol.CodeInvalid, "an upvote needs its voter")
	}
	q := d.s.remoteQuestion(u.QuestionID)
	switch {
	case q == nil:
		return protocol.Errorf(protocol.CodeNotFound, "there is no question %q", u.QuestionID)
	case q.Voters[u.Voter]:
		d.duplicate = true
		return nil
	case !d.s.TownHall.Running():
		return protocol.Errorf(protocol.CodeWrongPhase, "the town hall is not taking upvotes now")
	case q.Hidden:
		return protocol.Errorf(protocol.CodeForbidden, "this question was hidden by the moderator")
	}
	d.emitPrivate(protocol.EvTownHallUpvoted, protocol.TownHallUpvote{QuestionID: q.ID}, private{Voter: u.Voter})
	return nil
}

// applyTownHall folds the events of this file; ok is false for others.
func applyTownHall(s *State, ev protocol.Event) (ok bool, err error) {
	switch ev.Type {
	case protocol.EvTownHallAgendaSet:
		a, err := decode[protocol.TownHallAgenda](ev)
		if err != nil {
			return true, err
		}
		s.townHall().TownHallAgenda = a
	case protocol.EvTownHallStaged:
		st, err := decode[protocol.TownHallStage](ev)
		if err != nil {
			return true, err
		}
		t := s.townHall()
		t.Stage = st.Stage
		if t.StartedAt == 0 {
			t.StartedAt = ev.At
		}
		if st.Stage == protocol.StageEnded {
			t.EndedAt = ev.At
		}
	case protocol.EvTownHallAsked:
		q, err := decode[protocol.TownHallAsk](ev)
		if err != nil {
			return true, err
		}
		s.townHall().Questions[q.QuestionID] = &RemoteQuestion{
			Post: Post{ID: q.QuestionID, Seq: ev.Seq, Text: q.Text, Name: q.Name, Group: q.Group, At: ev.At},
		}
	case protocol.EvTownHallUpvoted:
		u, err := decode[protocol.TownHallUpvote](ev)
		if err != nil {
			return true, err
		}
		priv, err := decodePrivate(ev)
		if err != nil {
			return true, err
		}
		q := s.remoteQuestion(u.QuestionID)
		if q == nil || priv.Voter == "" {
			return true, errNoItem
		}
		if q.Voters == nil {
			q.Voters = map[string]bool{}
		}
		q.Voters[priv.Voter] = true
	default:
		return false, nil
	}
	return true, nil
}

// townHallView is the town hall and its queue as role sees them; nil until
// either was used. The public sees the queue's hands without their ids and
// nobody in Spoke.
func (s *State) townHallView(role protocol.Role) *protocol.TownHall {
	if s.TownHall == nil && s.Queue.IsZero() {
		return nil
	}
	public := role == protocol.RolePublic
	t := s.TownHall
	if t == nil {
		t = &TownHall{}
	}
	v := &protocol.TownHall{
		TownHallAgenda: t.TownHallAgenda, Stage: t.Stage, StartedAt: t.StartedAt, EndedAt: t.EndedAt,
		Questions: []protocol.RemoteQuestion{}, Starred: []protocol.QueueItem{}, Spoke: []string{},
		Findings: []protocol.FindingRecord{},
	}
	for _, q := range s.QuestionList() {
		pq := protocol.RemoteQuestion{
			ID: q.ID, Seq: q.Seq, At: q.At, Votes: len(q.Voters), Answered: q.Answered,
			Hidden: q.Hidden, Reason: q.Reason,
		}
		pq.Text, pq.Name, pq.Group = q.shown(role)
		pq.Flags, pq.FlagReasons = q.flags(role)
		v.Questions = append(v.Questions, pq)
	}
	anonymous := func(it protocol.QueueItem) protocol.QueueItem {
		if public && it.Kind == protocol.ItemHand {
			it.ID = ""
		}
		return it
	}
	for _, it := range s.Queue.Starred {
		v.Starred = append(v.Starred, anonymous(it))
	}
	if c := s.Queue.Current; c != nil {
		it := anonymous(*c)
		v.Current = &it
	}
	if !public {
		v.Spoke = append(v.Spoke, s.Queue.Spoke...)
	}
	for _, f := range s.FindingList() {
		v.Findings = append(v.Findings, protocol.FindingRecord{ID: f.ID, Text: f.Text, At: f.At})
	}
	return v
}
