package main

import (
	"fmt"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// The demo's town hall (content in demo_townhall_content.go), two weeks
// after the café at a conference: the facilitator sets the agenda and
// starts the presentation; about thirty people in the room join the café
// from their phones; remote participants send questions from the town
// hall's public page and upvote each other's. Then the floor opens: hands
// go up, the facilitator stars what comes next and gives the floor to one
// hand or one remote question at a time, while the scribe writes the key
// findings. At the end the facilitator ends the town hall.
//
// Like the online space, it is a timeline of happenings at fixed times:
// remote questions and upvotes arrive while the room speaks.

// demoScribe is the actor of the scribe's commands.
var demoScribe = cafe.Actor{Role: protocol.RoleScribe}

// Moments of the town hall, from the doors opening.
var (
	demoPresentationAt = demoTownHallDay.Add(5 * time.Minute)
	demoFloorAt        = demoPresentationAt.Add(demoPresentation)
)

// demoTakenAt is when the facilitator gives the floor to demoFloor[k]; it is
// done a little before the next.
func demoTakenAt(k int) time.Time {
	return demoFloorAt.Add(3*time.Minute + time.Duration(k)*demoRemark)
}

func demoDoneAt(k int) time.Time {
	return demoTakenAt(k).Add(demoRemark - 30*time.Second)
}

// townHallMeeting plays the town hall, whose people join the café after everyone
// who was in it: first is the number of the first of them.
func (b *demoBuilder) townHallMeeting(first int) error {
	if err := b.until(demoTownHallDay); err != nil {
		return err
	}
	t := []demoHappening{
		{demoTownHallDay, func() error {
			return b.do(protocol.CmdTownHallAgenda, demoFacilitator, protocol.TownHallAgenda{
				Title: demoAgendaTitle, Presenter: demoAgendaPresenter, Link: demoAgendaLink,
			})
		}},
		{demoPresentationAt, func() error { return b.stage(protocol.StagePresentation) }},
		{demoFloorAt, func() error { return b.stage(protocol.StageFloor) }},
	}
	// People arrive while the presentation starts, half a minute or so
	// apart; joining during the town hall marks them as its participants.
	at := demoPresentationAt
	for i, p := range demoTownHallPeople {
		at = at.Add(20*time.Second + time.Duration(b.rng.Int64N(int64(20*time.Second))))
		t = append(t, demoHappening{at, func() error { _, err := b.join(first+i, p); return err }})
	}
	questions := map[string]demoRemoteQuestion{}
	for _, q := range demoRemoteQuestions {
		questions[q.Key] = q
	}
	hands := 0
	for k, f := range demoFloor {
		item, err := b.floorItem(f.Item, questions)
		if err != nil {
			return err
		}
		if q, ok := questions[f.Item]; ok {
			t = append(t, b.remoteQuestion(q, demoTakenAt(k))...)
		} else {
			// Hands go up as the floor opens, one after another.
			t = append(t, demoHappening{demoFloorAt.Add(time.Duration(10+20*hands) * time.Second), func() error {
				a, err := b.person(f.Item)
				if err != nil {
					return err
				}
				return b.do(protocol.CmdHandRaise, a, nil)
			}})
			hands++
		}
		if f.Starred {
			t = append(t, demoHappening{demoTakenAt(0).Add(-30 * time.Second), func() error {
				return b.do(protocol.CmdQueueStar, demoFacilitator, protocol.QueueStar{QueueItem: item(), Starred: true})
			}})
		}
		t = append(t,
			demoHappening{demoTakenAt(k), func() error { return b.do(protocol.CmdQueueTake, demoFacilitator, item()) }},
			demoHappening{demoDoneAt(k), func() error { return b.do(protocol.CmdQueueDone, demoFacilitator, item()) }},
		)
	}
	end := demoDoneAt(len(demoFloor) - 1)
	for i, f := range demoFindings {
		at := end.Add(time.Minute)
		if f.After >= 0 {
			at = demoDoneAt(f.After).Add(15 * time.Second)
		}
		id := b.itemID("townhall/finding", fmt.Sprint(i+1))
		t = append(t, demoHappening{at, func() error {
			return b.do(protocol.CmdFindingAdd, demoScribe, protocol.Finding{FindingID: id, Text: f.Text})
		}})
		if f.Edit != "" {
			t = append(t, demoHappening{end.Add(2 * time.Minute), func() error {
				return b.do(protocol.CmdFindingEdit, demoScribe, protocol.Finding{FindingID: id, Text: f.Edit})
			}})
		}
	}
	t = append(t, demoHappening{end.Add(4 * time.Minute), func() error { return b.stage(protocol.StageEnded) }})
	return b.play(&t, time.Time{})
}

func (b *demoBuilder) stage(stage string) error {
	return b.do(protocol.CmdTownHallStage, demoFacilitator, protocol.TownHallStage{Stage: stage})
}

// floorItem names a remark of demoFloor in the town hall's queue: a remote
// question by its key, or a hand by its person's name (whose id is known
// once they have joined).
func (b *demoBuilder) floorItem(name string, questions map[string]demoRemoteQuestion) (func() protocol.QueueItem, error) {
	if _, ok := questions[name]; ok {
		id := b.itemID("townhall/question", name)
		return func() protocol.QueueItem { return protocol.QueueItem{Kind: protocol.ItemQuestion, ID: id} }, nil
	}
	for _, p := range demoTownHallPeople {
		if p.Name == name {
			return func() protocol.QueueItem { return protocol.QueueItem{Kind: protocol.ItemHand, ID: b.ids[name]} }, nil
		}
	}
	return nil, fmt.Errorf("the floor names %q, who is neither a remote question nor in the town hall", name)
}

// remoteQuestion is a remote question's arrival and its upvotes, spread
// between its arrival and a minute before it is taken.
func (b *demoBuilder) remoteQuestion(q demoRemoteQuestion, taken time.Time) []demoHappening {
	id := b.itemID("townhall/question", q.Key)
	asked := demoTownHallDay.Add(q.At)
	t := []demoHappening{{asked, func() error {
		return b.do(protocol.CmdTownHallAsk, demoPublic, protocol.TownHallAsk{QuestionID: id, Text: q.Text, Name: q.Name, Group: q.Group})
	}}}
	gap := taken.Add(-time.Minute).Sub(asked) / time.Duration(q.Votes+1)
	for v := range q.Votes {
		// Voter is the server's pseudonym of a remote participant's
		// browser; the same people upvote several questions.
		voter := b.itemID("townhall/voter", fmt.Sprint(v+1))
		t = append(t, demoHappening{asked.Add(time.Duration(v+1) * gap), func() error {
			return b.do(protocol.CmdTownHallUpvote, demoPublic, protocol.TownHallUpvote{QuestionID: id, Voter: voter})
		}})
	}
	return t
}
