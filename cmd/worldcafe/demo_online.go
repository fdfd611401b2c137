package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// The demo's online space (content in demo_online_content.go): opened three
// weeks before the café, written in by visitors before and after it, the
// room's notes published into it the morning after the harvest, its
// contributions sorted into the room's themes, kept open a little longer
// after the town hall, and closed a month after the café.
//
// The space's life is spread over two months around the café and the town
// hall, so it is a timeline: every happening at its own time, played in
// time order between the demo's other steps (demoBuilder.play).

// demoPublic is the actor of what visitors send from the public pages; the
// server issues those commands for them.
var demoPublic = cafe.Actor{Role: protocol.RolePublic}

// demoHappening is one step of a timeline: do runs at at.
type demoHappening struct {
	at time.Time
	do func() error
}

// play runs, in time order, the happenings of *t that come before end (all
// of them when end is zero), and leaves the rest in *t.
func (b *demoBuilder) play(t *[]demoHappening, end time.Time) error {
	slices.SortStableFunc(*t, func(x, y demoHappening) int { return x.at.Compare(y.at) })
	for len(*t) > 0 && (end.IsZero() || (*t)[0].at.Before(end)) {
		h := (*t)[0]
		*t = (*t)[1:]
		if err := b.until(h.at); err != nil {
			return err
		}
		if err := h.do(); err != nil {
			return err
		}
	}
	return nil
}

// itemID is the id the server would have drawn for an item of the online
// space or the town hall; it derives from the café's, like the
// participants', so it is the same on every run.
func (b *demoBuilder) itemID(kind, key string) string {
	return uuid.NewSHA1(uuid.MustParse(b.s.ID), []byte(kind+"/"+key)).String()
}

// onlineTimeline is the online space's life as happenings.
func (b *demoBuilder) onlineTimeline() []demoHappening {
	t := []demoHappening{
		{demoOnlineOpens, func() error {
			return b.do(protocol.CmdOnlineOpen, demoFacilitator, protocol.OnlineOpen{ClosesAt: demoOnlineCloses.UnixMilli()})
		}},
		{demoPublish, func() error { return b.do(protocol.CmdOnlinePublish, demoFacilitator, nil) }},
		{demoExtend, func() error {
			return b.do(protocol.CmdOnlineOpen, demoFacilitator, protocol.OnlineOpen{ClosesAt: demoOnlineClosed.UnixMilli()})
		}},
	}
	for _, c := range demoContributions {
		id := b.itemID("online/contribution", c.Key)
		t = append(t, demoHappening{c.At, func() error {
			return b.do(protocol.CmdOnlineContribute, demoPublic, protocol.OnlineContribute{
				ItemID: id, Question: c.Question, Title: c.Title, Text: c.Text, Name: c.Name, Group: c.Group,
			})
		}})
		for i, cm := range c.Comments {
			t = append(t, b.comment(c.At.Add(cm.After), fmt.Sprintf("%s/%d", c.Key, i+1), func() (string, error) { return id, nil }, cm))
		}
		switch c.Key {
		case demoHiddenKey:
			t = append(t, demoHappening{c.At.Add(demoHiddenAfter), func() error {
				return b.do(protocol.CmdOnlineHide, demoFacilitator, protocol.OnlineHide{ItemID: id, Reason: demoHiddenReason})
			}})
		case demoFlaggedKey:
			t = append(t, demoHappening{demoFlagAt, func() error {
				return b.do(protocol.CmdOnlineFlag, demoPublic, protocol.OnlineFlag{ItemID: id, Reason: demoFlagReason})
			}})
		}
	}
	for i, nc := range demoNoteComments {
		t = append(t, b.comment(nc.At, fmt.Sprintf("note/%d", i+1), func() (string, error) { return b.noteByText(nc.Note) }, nc.demoComment))
	}
	themed := map[string]bool{}
	for _, at := range demoThemings {
		t = append(t, demoHappening{at, func() error { return b.themeContributions(themed) }})
	}
	return t
}

// comment is the happening of an online comment at at, under the item on
// names (a contribution, or a room note found once the café has written it).
func (b *demoBuilder) comment(at time.Time, key string, on func() (string, error), c demoComment) demoHappening {
	return demoHappening{at, func() error {
		onID, err := on()
		if err != nil {
			return err
		}
		return b.do(protocol.CmdOnlineComment, demoPublic, protocol.OnlineComment{
			CommentID: b.itemID("online/comment", key), OnID: onID, Text: c.Text, Name: c.Name, Group: c.Group,
		})
	}}
}

// noteByText is the id of the room's note with this text.
func (b *demoBuilder) noteByText(text string) (string, error) {
	for _, n := range b.s.LiveNotes() {
		if n.Text == text {
			return n.ID, nil
		}
	}
	return "", fmt.Errorf("no note of the room reads %q", text)
}

// themeContributions is one of the facilitator's sittings: every
// contribution posted so far that has a theme and is not in it yet goes
// into its room's theme, a few seconds apart.
func (b *demoBuilder) themeContributions(themed map[string]bool) error {
	for _, c := range demoContributions {
		if c.Theme == "" || themed[c.Key] || !c.At.Before(b.now) {
			continue
		}
		if err := b.do(protocol.CmdOnlineTheme, demoFacilitator, protocol.OnlineTheme{ItemID: b.itemID("online/contribution", c.Key), ThemeID: c.Theme}); err != nil {
			return err
		}
		themed[c.Key] = true
		b.wait(20*time.Second, 0)
	}
	return nil
}
