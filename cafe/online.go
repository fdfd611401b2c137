package cafe

import (
	"slices"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
)

// The online space: contributions and comments from anyone on the public
// pages, moderated by the facilitator. It opens when the facilitator says,
// before, during or after the café, and takes posts until its closing date;
// after it, it is read-only. The café's phase does not matter to it: a
// closed café's space stays open until its own date.
//
// Items of the online space and the town hall (contributions, comments,
// remote questions) share one id space, so a flag or a hide names any of
// them with one id.

// Online is the online space. It exists once the facilitator opened it.
type Online struct {
	OpenedAt      int64                    `json:"opened_at"`
	ClosesAt      int64                    `json:"closes_at"`
	Published     bool                     `json:"published,omitempty"`
	Contributions map[string]*Contribution `json:"contributions"`
	Comments      map[string]*Comment      `json:"comments"`
}

// Moderation is what the facilitator and the public have said about an
// item: hidden with a public reason, and how often it was flagged (with the
// flaggers' reasons, which only the facilitator sees).
type Moderation struct {
	Hidden      bool     `json:"hidden,omitempty"`
	Reason      string   `json:"reason,omitempty"`
	Flags       int      `json:"flags,omitempty"`
	FlagReasons []string `json:"flag_reasons,omitempty"`
}

// Post is what every posted item holds: its text and who wrote it, as
// they chose to say (an empty Name is anonymous).
type Post struct {
	ID    string `json:"id"`
	Seq   uint64 `json:"seq"`
	Text  string `json:"text"`
	Name  string `json:"name,omitempty"`
	Group string `json:"group,omitempty"`
	At    int64  `json:"at"`
	Moderation
}

// Contribution is one contribution to a question of the café.
type Contribution struct {
	Post
	Question int    `json:"question"`
	Title    string `json:"title,omitempty"`
	Theme    string `json:"theme,omitempty"`
}

// Comment is a comment under a contribution or a published room note.
type Comment struct {
	Post
	OnID string `json:"on_id"`
}

// OnlineOpen reports whether the space takes posts at now.
func (s *State) OnlineOpen(now time.Time) bool {
	return s.Online != nil && now.UnixMilli() < s.Online.ClosesAt
}

// onlineClosed is the refusal of a post while the space does not take any.
func (d *decider) onlineClosed() error {
	switch {
	case d.s.Online == nil:
		return protocol.Errorf(protocol.CodeWrongPhase, "the online space is not open yet")
	case !d.s.OnlineOpen(d.now):
		return protocol.Errorf(protocol.CodeWrongPhase, "the online space closed on %s",
			time.UnixMilli(d.s.Online.ClosesAt).UTC().Format("2 January 2006, 15:04 UTC"))
	}
	return nil
}

func (d *decider) onlineOpen(o protocol.OnlineOpen) error {
	now := d.now.UnixMilli()
	switch {
	case o.ClosesAt <= now:
		return protocol.Errorf(protocol.CodeInvalid, "the closing date must lie in the future")
	case o.ClosesAt > d.now.AddDate(0, 0, protocol.MaxOnlineOpenDays).UnixMilli():
		return protocol.Errorf(protocol.CodeInvalid, "the closing date may be at most %d days away", protocol.MaxOnlineOpenDays)
	}
	if d.s.Online != nil && d.s.Online.ClosesAt == o.ClosesAt {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvOnlineOpened, o)
	return nil
}

// author cleans the name and checks the group a public post gives.
func (d *decider) author(name, group string) (string, error) {
	name, err := cleanText("name", name, protocol.MaxNameRunes, false, true)
	if err != nil {
		return "", err
	}
	if !d.s.validGroup(group) {
		return "", protocol.Errorf(protocol.CodeInvalid, "unknown stakeholder group %q", group)
	}
	return name, nil
}

// newItem checks the id of a new item and whether it repeats one: same
// reports an exact resend (a duplicate), a different item with the id is
// a conflict. A fresh id returns (false, nil).
func (d *decider) newItem(id string, same func() bool) (repeat bool, err error) {
	if err := validID("item_id", id); err != nil {
		return false, err
	}
	if d.s.item(id) == nil {
		return false, nil
	}
	if same() {
		d.duplicate = true
		return true, nil
	}
	return false, protocol.Errorf(protocol.CodeConflict, "item id %q is already used", id)
}

// itemRoom refuses a new contribution or remote question once the café has
// MaxContributions of them.
func (d *decider) itemRoom() error {
	n := 0
	if d.s.Online != nil {
		n += len(d.s.Online.Contributions)
	}
	if d.s.TownHall != nil {
		n += len(d.s.TownHall.Questions)
	}
	if n >= protocol.MaxContributions {
		return protocol.Errorf(protocol.CodeConflict, "this consultation has reached its limit of %d contributions", protocol.MaxContributions)
	}
	return nil
}

func (d *decider) onlineContribute(c protocol.OnlineContribute) error {
	title, err := cleanText("the title", c.Title, protocol.MaxContributionTitleRunes, false, true)
	if err != nil {
		return err
	}
	text, err := cleanText("the contribution", c.Text, protocol.MaxContributionRunes, true, false)
	if err != nil {
		return err
	}
	name, err := d.author(c.Name, c.Group)
	if err != nil {
		return err
	}
	clean := protocol.OnlineContribute{ItemID: c.ItemID, Question: c.Question, Title: title, Text: text, Name: name, Group: c.Group}
	if repeat, err := d.newItem(c.ItemID, func() bool {
		old := d.s.contribution(c.ItemID)
		return old != nil && old.wire() == clean
	}); repeat || err != nil {
		return err
	}
	if err := d.onlineClosed(); err != nil {
		return err
	}
	if c.Question < 0 || c.Question >= len(d.s.Questions) {
		return protocol.Errorf(protocol.CodeInvalid, "there is no question %d", c.Question+1)
	}
	if err := d.itemRoom(); err != nil {
		return err
	}
	d.emit(protocol.EvOnlineContributed, clean)
	return nil
}

// wire is the contribution as online.contributed carried it.
func (c *Contribution) wire() protocol.OnlineContribute {
	return protocol.OnlineContribute{ItemID: c.ID, Question: c.Question, Title: c.Title, Text: c.Text, Name: c.Name, Group: c.Group}
}

func (d *decider) onlineComment(c protocol.OnlineComment) error {
	text, err := cleanText("the comment", c.Text, protocol.MaxCommentRunes, true, false)
	if err != nil {
		return err
	}
	name, err := d.author(c.Name, c.Group)
	if err != nil {
		return err
	}
	clean := protocol.OnlineComment{CommentID: c.CommentID, OnID: c.OnID, Text: text, Name: name, Group: c.Group}
	if repeat, err := d.newItem(c.CommentID, func() bool {
		old := d.s.comment(c.CommentID)
		return old != nil && old.wire() == clean
	}); repeat || err != nil {
		return err
	}
	if err := d.onlineClosed(); err != nil {
		return err
	}
	if err := d.commentable(c.OnID); err != nil {
		return err
	}
	o := d.s.Online
	if len(o.Comments) >= protocol.MaxComments {
		return protocol.Errorf(protocol.CodeConflict, "the online space has reached its limit of %d comments", protocol.MaxComments)
	}
	if o.commentsOn(c.OnID) >= protocol.MaxCommentsPerItem {
		return protocol.Errorf(protocol.CodeConflict, "this contribution has reached its limit of %d comments", protocol.MaxCommentsPerItem)
	}
	d.emit(protocol.EvOnlineCommented, clean)
	return nil
}

// wire is the comment as online.commented carried it.
func (c *Comment) wire() protocol.OnlineComment {
	return protocol.OnlineComment{CommentID: c.ID, OnID: c.OnID, Text: c.Text, Name: c.Name, Group: c.Group}
}

// commentable checks that a comment may go under id: a contribution that
// is not hidden, or a published room note that is neither hidden nor
// deleted.
func (d *decider) commentable(id string) error {
	if c := d.s.contribution(id); c != nil {
		if c.Hidden {
			return protocol.Errorf(protocol.CodeForbidden, "this contribution was hidden by the moderator and takes no comments")
		}
		return nil
	}
	if d.s.comment(id) != nil {
		return protocol.Errorf(protocol.CodeInvalid, "replies go under a contribution, not under another comment")
	}
	if d.s.remoteQuestion(id) != nil {
		return protocol.Errorf(protocol.CodeInvalid, "replies go under a contribution, not under a town hall question")
	}
	if n, ok := d.s.Notes[id]; ok && !n.Deleted && d.s.Online.Published {
		if n.Hidden {
			return protocol.Errorf(protocol.CodeForbidden, "this note was hidden by the moderator and takes no comments")
		}
		return nil
	}
	return protocol.Errorf(protocol.CodeNotFound, "there is no contribution %q", id)
}

// commentsOn counts the comments under one item.
func (o *Online) commentsOn(id string) int {
	n := 0
	for _, c := range o.Comments {
		if c.OnID == id {
			n++
		}
	}
	return n
}

func (d *decider) onlineFlag(f protocol.OnlineFlag) error {
	reason, err := cleanText("the reason", f.Reason, protocol.MaxReasonRunes, false, true)
	if err != nil {
		return err
	}
	m := d.s.item(f.ItemID)
	if m == nil {
		return protocol.Errorf(protocol.CodeNotFound, "there is nothing %q to flag", f.ItemID)
	}
	// An item is flagged where it was posted, while that place takes posts:
	// a remote question while the town hall runs, the rest while the
	// online space is open.
	if d.s.remoteQuestion(f.ItemID) != nil {
		if !d.s.TownHall.Running() {
			return protocol.Errorf(protocol.CodeWrongPhase, "the town hall has ended; its questions take no more reports")
		}
	} else if !d.s.OnlineOpen(d.now) {
		return protocol.Errorf(protocol.CodeWrongPhase, "the online space is closed; it takes no more reports")
	}
	if m.Flags >= protocol.MaxFlagsPerItem {
		// Enough people have said so: more flags would tell nothing new.
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvOnlineFlagged, protocol.OnlineFlag{ItemID: f.ItemID, Reason: reason})
	return nil
}

func (d *decider) onlineHide(h protocol.OnlineHide) error {
	m := d.s.item(h.ItemID)
	if m == nil {
		return protocol.Errorf(protocol.CodeNotFound, "there is nothing %q to hide", h.ItemID)
	}
	reason, err := cleanText("the reason", h.Reason, protocol.MaxReasonRunes, false, false)
	if err != nil {
		return err
	}
	if m.Hidden && m.Reason == reason {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvOnlineHidden, protocol.OnlineHide{ItemID: h.ItemID, Reason: reason})
	return nil
}

func (d *decider) onlineUnhide(r protocol.ItemRef) error {
	m := d.s.item(r.ItemID)
	if m == nil {
		return protocol.Errorf(protocol.CodeNotFound, "there is nothing %q to show again", r.ItemID)
	}
	if !m.Hidden {
		d.duplicate = true
		return nil
	}
	ev := protocol.OnlineUnhidden{ItemID: r.ItemID}
	if p := d.s.post(r.ItemID); p != nil {
		ev.Text, ev.Name, ev.Group = p.Text, p.Name, p.Group
	}
	if c := d.s.contribution(r.ItemID); c != nil {
		ev.Title = c.Title
	}
	d.emit(protocol.EvOnlineUnhidden, ev)
	return nil
}

func (d *decider) onlineTheme(t protocol.OnlineTheme) error {
	c := d.s.contribution(t.ItemID)
	if c == nil {
		return protocol.Errorf(protocol.CodeNotFound, "there is no contribution %q", t.ItemID)
	}
	if t.ThemeID != "" {
		th, err := d.theme(t.ThemeID)
		if err != nil {
			return err
		}
		if th.Question != c.Question {
			return protocol.Errorf(protocol.CodeInvalid, "this contribution answers another question than the theme")
		}
	}
	if c.Theme == t.ThemeID {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvOnlineThemed, t)
	return nil
}

func (d *decider) onlinePublish() error {
	switch {
	case d.s.Online == nil:
		return protocol.Errorf(protocol.CodeWrongPhase, "open the online space before publishing the room's notes")
	case d.s.Phase != protocol.PhaseHarvest && d.s.Phase != protocol.PhaseClosed:
		return protocol.Errorf(protocol.CodeWrongPhase, "the room's notes are published after the conversations, from the harvest on")
	case d.s.Online.Published:
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvOnlinePublished, protocol.OnlinePublished{})
	return nil
}

// item is the moderation of the contribution, comment or remote question
// with id, or nil when there is none.
func (s *State) item(id string) *Moderation {
	if p := s.post(id); p != nil {
		return &p.Moderation
	}
	return nil
}

// post is the contribution, comment or remote question id, or nil.
func (s *State) post(id string) *Post {
	if c := s.contribution(id); c != nil {
		return &c.Post
	}
	if c := s.comment(id); c != nil {
		return &c.Post
	}
	if q := s.remoteQuestion(id); q != nil {
		return &q.Post
	}
	return nil
}

func (s *State) contribution(id string) *Contribution {
	if s.Online == nil {
		return nil
	}
	return s.Online.Contributions[id]
}

func (s *State) comment(id string) *Comment {
	if s.Online == nil {
		return nil
	}
	return s.Online.Comments[id]
}

// ContributionList returns the contributions in posting order.
func (s *State) ContributionList() []*Contribution {
	if s.Online == nil {
		return nil
	}
	return bySeq(s.Online.Contributions, func(c *Contribution) uint64 { return c.Seq })
}

// CommentList returns the comments in posting order.
func (s *State) CommentList() []*Comment {
	if s.Online == nil {
		return nil
	}
	return bySeq(s.Online.Comments, func(c *Comment) uint64 { return c.Seq })
}

// bySeq returns the values of m ordered by their seq.
func bySeq[T any](m map[string]T, seq func(T) uint64) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b T) int { return cmpUint(seq(a), seq(b)) })
	return out
}

// applyOnline folds the events of this file; ok is false for others.
func applyOnline(s *State, ev protocol.Event) (ok bool, err error) {
	switch ev.Type {
	case protocol.EvOnlineOpened:
		o, err := decode[protocol.OnlineOpen](ev)
		if err != nil {
			return true, err
		}
		if s.Online == nil {
			s.Online = &Online{OpenedAt: ev.At, Contributions: map[string]*Contribution{}, Comments: map[string]*Comment{}}
		}
		s.Online.ClosesAt = o.ClosesAt
	case protocol.EvOnlineContributed:
		c, err := decode[protocol.OnlineContribute](ev)
		if err != nil {
			return true, err
		}
		if s.Online == nil {
			return true, errNoSpace
		}
		s.Online.Contributions[c.ItemID] = &Contribution{
			Post:     Post{ID: c.ItemID, Seq: ev.Seq, Text: c.Text, Name: c.Name, Group: c.Group, At: ev.At},
			Question: c.Question, Title: c.Title,
		}
	case protocol.EvOnlineCommented:
		c, err := decode[protocol.OnlineComment](ev)
		if err != nil {
			return true, err
		}
		if s.Online == nil {
			return true, errNoSpace
		}
		s.Online.Comments[c.CommentID] = &Comment{
			Post: Post{ID: c.CommentID, Seq: ev.Seq, Text: c.Text, Name: c.Name, Group: c.Group, At: ev.At},
			OnID: c.OnID,
		}
	case protocol.EvOnlineFlagged:
		f, err := decode[protocol.OnlineFlag](ev)
		if err != nil {
			return true, err
		}
		m := s.item(f.ItemID)
		if m == nil {
			return true, errNoItem
		}
		m.Flags++
		if f.Reason != "" {
			m.FlagReasons = append(m.FlagReasons, f.Reason)
		}
	case protocol.EvOnlineHidden:
		h, err := decode[protocol.OnlineHide](ev)
		if err != nil {
			return true, err
		}
		m := s.item(h.ItemID)
		if m == nil {
			return true, errNoItem
		}
		m.Hidden, m.Reason = true, h.Reason
		// A hidden question is no longer in the queue.
		s.Queue.unstar(protocol.QueueItem{Kind: protocol.ItemQuestion, ID: h.ItemID})
	case protocol.EvOnlineUnhidden:
		r, err := decode[protocol.ItemRef](ev)
		if err != nil {
			return true, err
		}
		m := s.item(r.ItemID)
		if m == nil {
			return true, errNoItem
		}
		m.Hidden, m.Reason = false, ""
	case protocol.EvOnlineThemed:
		t, err := decode[protocol.OnlineTheme](ev)
		if err != nil {
			return true, err
		}
		c := s.contribution(t.ItemID)
		if c == nil {
			return true, errNoItem
		}
		c.Theme = t.ThemeID
	case protocol.EvOnlinePublished:
		if s.Online == nil {
			return true, errNoSpace
		}
		s.Online.Published = true
	default:
		return false, nil
	}
	return true, nil
}

var (
	errNoSpace = protocol.Errorf(protocol.CodeNotFound, "the online space was never opened")
	errNoItem  = protocol.Errorf(protocol.CodeNotFound, "no such item")
)

// NotesPublished reports whether the room's notes are in the online space.
func (s *State) NotesPublished() bool { return s.Online != nil && s.Online.Published }

// shown is what role sees of a post: a hidden one keeps its words and its
// author only for the facilitator.
func (p *Post) shown(role protocol.Role) (text, name, group string) {
	if p.Hidden && role != protocol.RoleFacilitator {
		return "", "", ""
	}
	return p.Text, p.Name, p.Group
}

// flags is what role sees of an item's flags: the facilitator's only.
func (m *Moderation) flags(role protocol.Role) (int, []string) {
	if role != protocol.RoleFacilitator {
		return 0, nil
	}
	return m.Flags, slices.Clone(m.FlagReasons)
}

// onlineView is the online space as role sees it; nil until it is opened.
// Comments under room notes are listed while their note is in the view.
func (s *State) onlineView(role protocol.Role) *protocol.Online {
	o := s.Online
	if o == nil {
		return nil
	}
	v := &protocol.Online{OpenedAt: o.OpenedAt, ClosesAt: o.ClosesAt, Published: o.Published, Contributions: []protocol.Contribution{}}
	under := map[string][]protocol.Comment{}
	for _, c := range s.CommentList() {
		pc := protocol.Comment{ID: c.ID, Seq: c.Seq, OnID: c.OnID, At: c.At, Hidden: c.Hidden, Reason: c.Reason}
		pc.Text, pc.Name, pc.Group = c.shown(role)
		pc.Flags, pc.FlagReasons = c.flags(role)
		under[c.OnID] = append(under[c.OnID], pc)
	}
	for _, c := range s.ContributionList() {
		pc := protocol.Contribution{
			ID: c.ID, Seq: c.Seq, Question: c.Question, At: c.At, Theme: c.Theme,
			Hidden: c.Hidden, Reason: c.Reason, Comments: []protocol.Comment{},
		}
		pc.Text, pc.Name, pc.Group = c.shown(role)
		if !c.Hidden || role == protocol.RoleFacilitator {
			pc.Title = c.Title
		}
		pc.Flags, pc.FlagReasons = c.flags(role)
		if cs := under[c.ID]; cs != nil {
			pc.Comments = cs
		}
		v.Contributions = append(v.Contributions, pc)
	}
	for id, cs := range under {
		n, ok := s.Notes[id]
		if !ok || n.Deleted || (n.Hidden && role == protocol.RolePublic) {
			continue
		}
		if v.NoteComments == nil {
			v.NoteComments = map[string][]protocol.Comment{}
		}
		v.NoteComments[id] = cs
	}
	return v
}
