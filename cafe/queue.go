package cafe

import (
	"slices"

	"github.com/worldcafe/worldcafe/protocol"
)

// The queue of the town hall: the room's raised hands (State.Hands) and the
// remote questions that are neither hidden nor answered, in one list. The
// facilitator stars what comes next, takes one item at a time and marks it
// done. speaker.next and the hands keep working as before and keep the
// queue in step: calling the next speaker marks the one before as spoken.

// Queue is the facilitator's hold on the queue; the items themselves are
// State.Hands and the town hall's questions.
type Queue struct {
	// Starred are the items starred to come next, in starring order.
	Starred []protocol.QueueItem `json:"starred,omitempty"`
	// Current is the item happening now; a hand is also State.Speaker.
	Current *protocol.QueueItem `json:"current,omitempty"`
	// Spoke are the participants who had the floor, in order.
	Spoke []string `json:"spoke,omitempty"`
}

// IsZero reports an unused queue, which the state's JSON leaves out.
func (q Queue) IsZero() bool {
	return len(q.Starred) == 0 && q.Current == nil && len(q.Spoke) == 0
}

func (q *Queue) starred(it protocol.QueueItem) bool { return slices.Contains(q.Starred, it) }

func (q *Queue) unstar(it protocol.QueueItem) {
	q.Starred = slices.DeleteFunc(q.Starred, func(x protocol.QueueItem) bool { return x == it })
}

func (q *Queue) isCurrent(it protocol.QueueItem) bool { return q.Current != nil && *q.Current == it }

// queued reports whether it waits in the queue now.
func (s *State) queued(it protocol.QueueItem) bool {
	if it.Kind == protocol.ItemHand {
		return slices.Contains(s.Hands, it.ID)
	}
	q := s.remoteQuestion(it.ID)
	return q != nil && !q.Hidden && !q.Answered
}

func validItem(it protocol.QueueItem) error {
	if it.Kind != protocol.ItemHand && it.Kind != protocol.ItemQuestion {
		return protocol.Errorf(protocol.CodeInvalid, "a queue item is a hand or a question")
	}
	if it.ID == "" {
		return protocol.Errorf(protocol.CodeInvalid, "the queue item names nobody")
	}
	return nil
}

var errNotQueued = protocol.Errorf(protocol.CodeNotFound, "this is not in the queue")

func (d *decider) queueStar(st protocol.QueueStar) error {
	if err := validItem(st.QueueItem); err != nil {
		return err
	}
	if d.s.Queue.starred(st.QueueItem) == st.Starred {
		d.duplicate = true
		return nil
	}
	if st.Starred && !d.s.queued(st.QueueItem) {
		return errNotQueued
	}
	d.emit(protocol.EvQueueStarred, st)
	return nil
}

func (d *decider) queueTake(it protocol.QueueItem) error {
	if err := validItem(it); err != nil {
		return err
	}
	if d.s.Queue.isCurrent(it) {
		d.duplicate = true
		return nil
	}
	if !d.s.queued(it) {
		return errNotQueued
	}
	d.emit(protocol.EvQueueTaken, it)
	return nil
}

func (d *decider) queueDone(it protocol.QueueItem) error {
	if err := validItem(it); err != nil {
		return err
	}
	if it.Kind == protocol.ItemHand {
		switch {
		case d.s.Speaker == it.ID || d.s.Queue.isCurrent(it) || slices.Contains(d.s.Hands, it.ID):
		case slices.Contains(d.s.Queue.Spoke, it.ID):
			d.duplicate = true // a resend: they spoke already
			return nil
		default:
			return errNotQueued
		}
	} else {
		q := d.s.remoteQuestion(it.ID)
		switch {
		case q == nil:
			return protocol.Errorf(protocol.CodeNotFound, "there is no question %q", it.ID)
		case q.Answered:
			d.duplicate = true
			return nil
		}
	}
	d.emit(protocol.EvQueueDone, it)
	return nil
}

// nextHand is who speaker.next gives the floor to: the first starred hand,
// else the first hand raised; "" when no hand is up.
func (s *State) nextHand() string {
	for _, it := range s.Queue.Starred {
		if it.Kind == protocol.ItemHand && slices.Contains(s.Hands, it.ID) {
			return it.ID
		}
	}
	if len(s.Hands) > 0 {
		return s.Hands[0]
	}
	return ""
}

// giveFloor folds speaker.called: the speaker before has spoken, next (if
// anyone) speaks now and is the queue's current item. Only the town hall's
// speakers count as having spoken in it: the café's own plenaries between
// rounds call speakers too, and those are the café's.
func (s *State) giveFloor(next string) {
	if prev := s.Speaker; prev != "" && prev != next && s.TownHall.Running() {
		s.Queue.Spoke = append(s.Queue.Spoke, prev)
	}
	s.Speaker = next
	if next != "" {
		it := protocol.QueueItem{Kind: protocol.ItemHand, ID: next}
		s.lowerHand(next)
		s.Queue.Current = &it
	} else if c := s.Queue.Current; c != nil && c.Kind == protocol.ItemHand {
		s.Queue.Current = nil
	}
}

// lowerHand takes id's hand down, and its star with it.
func (s *State) lowerHand(id string) {
	s.Hands = slices.DeleteFunc(s.Hands, func(h string) bool { return h == id })
	s.Queue.unstar(protocol.QueueItem{Kind: protocol.ItemHand, ID: id})
}

// applyQueue folds the events of this file; ok is false for others.
func applyQueue(s *State, ev protocol.Event) (ok bool, err error) {
	switch ev.Type {
	case protocol.EvQueueStarred:
		st, err := decode[protocol.QueueStar](ev)
		if err != nil {
			return true, err
		}
		s.Queue.unstar(st.QueueItem)
		if st.Starred {
			s.Queue.Starred = append(s.Queue.Starred, st.QueueItem)
		}
	case protocol.EvQueueTaken:
		it, err := decode[protocol.QueueItem](ev)
		if err != nil {
			return true, err
		}
		if it.Kind == protocol.ItemHand {
			s.Speaker = it.ID
			s.lowerHand(it.ID)
		} else {
			// Nobody in the room has the floor while a question is answered.
			s.Speaker = ""
			s.Queue.unstar(it)
		}
		s.Queue.Current = &it
	case protocol.EvQueueDone:
		it, err := decode[protocol.QueueItem](ev)
		if err != nil {
			return true, err
		}
		if it.Kind == protocol.ItemHand {
			s.lowerHand(it.ID)
			if s.Speaker == it.ID {
				s.Speaker = ""
			}
			s.Queue.Spoke = append(s.Queue.Spoke, it.ID)
		} else {
			q := s.remoteQuestion(it.ID)
			if q == nil {
				return true, errNoItem
			}
			q.Answered = true
			s.Queue.unstar(it)
		}
		if s.Queue.isCurrent(it) {
			s.Queue.Current = nil
		}
	default:
		return false, nil
	}
	return true, nil
}
