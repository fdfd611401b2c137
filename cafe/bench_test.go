package cafe_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// bigRoom is a café in round 1 with n participants (one host per table, the
// rest attendees), the size DESIGN.md says to design for.
func bigRoom(tb testing.TB, n int) *room {
	tb.Helper()
	r := newRoom(tb, protocol.CreateCafe{Tables: 400, Seats: 5})
	for i := range n {
		id := "p" + strconv.Itoa(i)
		r.do(joinCmd(id, protocol.Join{Name: "Person " + id, Group: protocol.Groups[i%len(protocol.Groups)]}))
		if i < r.s.Tables {
			r.do(roleCmd(id, protocol.RoleHost))
		}
	}
	r.do(control(protocol.CmdRoundStart))
	return r
}

// BenchmarkDecideApplyNotePost measures the café's share of a note post, the
// hot path of a live session: Decide then Apply on a café of 2,000 people.
func BenchmarkDecideApplyNotePost(b *testing.B) {
	r := bigRoom(b, 2000)
	authors := make([]cafe.Actor, 0, len(r.s.Participants))
	for _, p := range r.s.People() {
		authors = append(authors, cafe.Actor{Role: p.Role, ParticipantID: p.ID})
	}
	now := r.clock.now
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		cmd := postCmd(authors[i%len(authors)], "note-"+strconv.Itoa(i), "Governments should convene, not control")
		d, err := cafe.Decide(r.s, cmd, now)
		if err != nil || len(d.Events) != 1 {
			b.Fatalf("post %d: %v, %d events", i, err, len(d.Events))
		}
		if err := cafe.Apply(r.s, d.Events[0]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkApplyReplay100k measures recovery without a snapshot: rebuilding
// a café by folding a log of 100,000 note events.
func BenchmarkApplyReplay100k(b *testing.B) {
	const notes = 100_000
	r := bigRoom(b, 200)
	people := r.s.People()
	for i := range notes {
		p := people[i%len(people)]
		r.clock.Advance(time.Millisecond)
		r.do(postCmd(cafe.Actor{Role: p.Role, ParticipantID: p.ID}, fmt.Sprintf("note-%d", i), fmt.Sprintf("Idea number %d about open data", i)))
	}
	log := r.log
	b.ReportAllocs()
	for b.Loop() {
		s := cafe.New(r.s.ID)
		for _, ev := range log {
			if err := cafe.Apply(s, ev); err != nil {
				b.Fatal(err)
			}
		}
		if len(s.Notes) != notes {
			b.Fatalf("rebuilt %d notes, want %d", len(s.Notes), notes)
		}
	}
	b.ReportMetric(float64(len(log))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
