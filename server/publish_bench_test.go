package server

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/bolt"
)

// BenchmarkPublish measures the runner's share of fanning one note out to
// n subscribers: the event is encoded once and its bytes queued n times.
// The queues are drained after each event, as the writers would, so none
// overflows; the socket writes are BenchmarkFanout's (fanout_bench_test.go).
func BenchmarkPublish(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) {
			st, err := bolt.Open(filepath.Join(b.TempDir(), "worldcafe.db"), bolt.Config{})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			srv, err := New(Config{Store: st})
			if err != nil {
				b.Fatal(err)
			}
			r := newRunner(srv, "cafe-1")
			subs := make([]*session, n)
			for i := range subs {
				ctx, cancel := context.WithCancel(context.Background())
				subs[i] = &session{srv: srv, q: newQueue(1 << 20), ctx: ctx, cancel: cancel, grant: grantFor(i)}
				r.subs[subs[i]] = struct{}{}
			}
			data := protocol.EncodeData(protocol.NotePosted{NoteID: "note-0", Author: "0f8fad5b-d9cb-469f-a165-70867728950e",
				Round: 1, Table: 7, Text: "Governments should convene and listen, while other stakeholders lead on the technical details."})
			spare := make([][]frame, n)
			seq := uint64(0)
			b.ReportAllocs()
			for b.Loop() {
				seq++
				r.publish([]protocol.Event{{Seq: seq, At: time.Now().UnixMilli(), Type: protocol.EvNotePosted, Data: data}})
				for i, s := range subs {
					spare[i] = s.q.take(spare[i])
				}
			}
			if len(r.subs) != n {
				b.Fatalf("%d subscribers left of %d", len(r.subs), n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/subscriber")
		})
	}
}

func grantFor(i int) (g store.Grant) {
	g.Role = protocol.RoleAttendee
	if i%100 == 0 {
		g.Role = protocol.RoleWall
	}
	g.ParticipantID = "p" + strconv.Itoa(i)
	return g
}

// BenchmarkEncodeEvent is the per-event cost of the frames a note makes.
func BenchmarkEncodeEvent(b *testing.B) {
	r := &runner{state: cafe.New("cafe-1")}
	ev := protocol.Event{Seq: 123456, At: time.Now().UnixMilli(), Type: protocol.EvNotePosted, Data: protocol.EncodeData(protocol.NotePosted{
		NoteID: "note-0", Author: "0f8fad5b-d9cb-469f-a165-70867728950e", Round: 1, Table: 7,
		Text: "Governments should convene and listen, while other stakeholders lead on the technical details."})}
	b.ReportAllocs()
	for b.Loop() {
		r.encode(ev)
	}
}
