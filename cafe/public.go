package cafe

import (
	"strings"

	"github.com/worldcafe/worldcafe/protocol"
)

// What the public pages receive live: the events of the online space, the
// town hall and its queue, the findings and the conclusion, and of the room
// only what the public view (State.View(protocol.RolePublic)) shows: the
// café's phase and clock, its groups, themes, the opening and results of
// votes, and, once the room's notes are published, the changes to them.
// Never a participant id, a voter, a join code or the text of a hidden item.

// redactPosts is Redact for the online space and the town hall: flag
// reasons are the facilitator's, and a post hidden since it went out is
// sent without its words to whoever receives it now (a resume, a replay).
// Those who received it live have it already, as with notes.
func redactPosts(s *State, ev protocol.Event) (protocol.Event, bool) {
	switch ev.Type {
	case protocol.EvOnlineFlagged:
		f, err := decode[protocol.OnlineFlag](ev)
		if err != nil || f.Reason == "" {
			return ev, false
		}
		ev.Data = mustJSON(protocol.OnlineFlag{ItemID: f.ItemID})
		return ev, true
	case protocol.EvOnlineContributed:
		c, err := decode[protocol.OnlineContribute](ev)
		if err != nil || !s.hidden(c.ItemID) {
			return ev, false
		}
		ev.Data = mustJSON(protocol.OnlineContribute{ItemID: c.ItemID, Question: c.Question})
		return ev, true
	case protocol.EvOnlineCommented:
		c, err := decode[protocol.OnlineComment](ev)
		if err != nil || !s.hidden(c.CommentID) {
			return ev, false
		}
		ev.Data = mustJSON(protocol.OnlineComment{CommentID: c.CommentID, OnID: c.OnID})
		return ev, true
	case protocol.EvTownHallAsked:
		q, err := decode[protocol.TownHallAsk](ev)
		if err != nil || !s.hidden(q.QuestionID) {
			return ev, false
		}
		ev.Data = mustJSON(protocol.TownHallAsk{QuestionID: q.QuestionID})
		return ev, true
	case protocol.EvOnlineUnhidden:
		u, err := decode[protocol.OnlineUnhidden](ev)
		if err != nil || !s.hidden(u.ItemID) {
			return ev, false
		}
		// Shown again once, hidden again since: the words stay back.
		ev.Data = mustJSON(protocol.OnlineUnhidden{ItemID: u.ItemID})
		return ev, true
	}
	return ev, false
}

// hidden reports whether the item with id is hidden now.
func (s *State) hidden(id string) bool {
	m := s.item(id)
	return m != nil && m.Hidden
}

// ForPublic returns ev as the public audience may receive it, and false when
// it gets nothing of it. s is the state after ev was applied, as for Redact.
func ForPublic(s *State, ev protocol.Event) (protocol.Event, bool) {
	ev, _ = Redact(s, ev)
	ev.Private = nil
	switch ev.Type {
	case protocol.EvQueueStarred:
		st, err := decode[protocol.QueueStar](ev)
		if err != nil {
			return ev, false
		}
		st.QueueItem = publicItem(st.QueueItem)
		ev.Data = mustJSON(st)
		return ev, true
	case protocol.EvQueueTaken, protocol.EvQueueDone:
		it, err := decode[protocol.QueueItem](ev)
		if err != nil {
			return ev, false
		}
		ev.Data = mustJSON(publicItem(it))
		return ev, true
	case protocol.EvRoundStarted, protocol.EvRoundPaused, protocol.EvRoundResumed, protocol.EvRoundExtended,
		protocol.EvRoundTimeUp, protocol.EvRoundEnded, protocol.EvHarvestStarted, protocol.EvCafeClosed,
		protocol.EvGroupsSet, protocol.EvThemeCreated, protocol.EvThemeRenamed, protocol.EvThemeMerged,
		protocol.EvVoteOpened, protocol.EvVoteRevealed, protocol.EvVoteClosed, protocol.EvConcluded:
		return ev, true
	case protocol.EvOnlineFlagged:
		// A report to the moderator is the moderator's: the public pages
		// show no flags.
		return ev, false
	case protocol.EvSpeakerCalled:
		// Who has the floor changed (the town hall page shows that a hand
		// speaks): the public learns that, never who.
		ev.Data = mustJSON(protocol.SpeakerCalled{})
		return ev, true
	case protocol.EvNoteHidden, protocol.EvNoteDeleted, protocol.EvNoteThemed:
		return ev, s.NotesPublished()
	case protocol.EvNoteUnhidden:
		// It carries the note's text: only while the note is shown.
		r, err := decode[protocol.NoteRef](ev)
		if err != nil {
			return ev, false
		}
		n := s.Notes[r.NoteID]
		return ev, s.NotesPublished() && n != nil && !n.Hidden && !n.Deleted
	}
	for _, prefix := range []string{"online.", "townhall.", "finding."} {
		if strings.HasPrefix(ev.Type, prefix) {
			return ev, true
		}
	}
	return ev, false
}

// publicItem is a queue item as the public sees it: a hand names nobody.
func publicItem(it protocol.QueueItem) protocol.QueueItem {
	if it.Kind == protocol.ItemHand {
		it.ID = ""
	}
	return it
}
