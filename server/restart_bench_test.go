package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
	"github.com/worldcafe/worldcafe/store"
	"github.com/worldcafe/worldcafe/store/bolt"
)

// BenchmarkRestart100k measures a restart of a server whose café holds
// 100,000 notes: open the data file, server.New and Start (which loads the
// café: newest snapshot plus the tail, and the resume window), then a wall
// connects. start-ms is until Start returns (the server is ready), welcome-ms
// until the wall has its welcome, snapshot-ms until it has the café's
// snapshot (some 20 MB of JSON). Two files: one as the runner leaves it,
// with a snapshot and the longest tail it allows (SnapshotEvery − 1 events),
// and one with no snapshot at all, where the whole log is replayed.
func BenchmarkRestart100k(b *testing.B) {
	const notes, tail = 100_000, 9_999
	dir := b.TempDir()
	withSnap, noSnap := filepath.Join(dir, "snapshot.db"), filepath.Join(dir, "log-only.db")
	cafeID, wallToken := buildBigCafe(b, withSnap, noSnap, notes, tail)

	for _, bc := range []struct{ name, path string }{
		{"snapshot and a 9999-event tail", withSnap},
		{"whole log", noSnap},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var start, welcome, snapshot time.Duration
			for b.Loop() {
				s, w, sn := restartOnce(b, bc.path, cafeID, wallToken, notes)
				start, welcome, snapshot = start+s, welcome+w, snapshot+sn
			}
			n := float64(b.N)
			b.ReportMetric(float64(start.Milliseconds())/n, "start-ms")
			b.ReportMetric(float64(welcome.Milliseconds())/n, "welcome-ms")
			b.ReportMetric(float64(snapshot.Milliseconds())/n, "snapshot-ms")
		})
	}
}

// restartOnce starts a server on path, connects a wall and stops it all.
func restartOnce(b *testing.B, path, cafeID, wallToken string, notes int) (start, welcome, snapshot time.Duration) {
	ctx := context.Background()
	t0 := time.Now()
	st, err := bolt.Open(path, bolt.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	srv, err := server.New(server.Config{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		b.Fatal(err)
	}
	start = time.Since(t0)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	c, err := client.Dial(ctx, "ws"+strings.TrimPrefix(hs.URL, "http")+"/ws", cafeID, wallToken, client.Options{Buffer: 4})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Kill()
	welcome = time.Since(t0)
	env := <-c.Events()
	snapshot = time.Since(t0)
	var view struct {
		Notes []json.RawMessage `json:"notes"`
	}
	if env.Type != protocol.TypeSnapshot || json.Unmarshal(env.Data, &view) != nil || len(view.Notes) != notes {
		b.Fatalf("got a %q frame with %d notes, want a snapshot with %d", env.Type, len(view.Notes), notes)
	}
	return start, welcome, snapshot
}

// buildBigCafe writes a café of 200 people in a running round with notes
// notes to two data files: withSnap has a snapshot tail events before the
// end, noSnap none. It returns the café's id and a wall token.
func buildBigCafe(b *testing.B, withSnap, noSnap string, notes, tail int) (cafeID, wallToken string) {
	b.Helper()
	ctx := context.Background()
	// The café, its people and its tokens come from a real server.
	st, err := bolt.Open(withSnap, bolt.Config{})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(server.Config{Store: st, IPRequestRate: -1})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		b.Fatal(err)
	}
	created, err := srv.CreateCafe(ctx, protocol.CreateCafe{Title: "Restart", Tables: 40, RoundSeconds: protocol.MaxRoundSeconds})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 200 {
		if _, err := srv.Join(ctx, protocol.Join{Code: created.JoinCode, Name: fmt.Sprintf("Person %d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	hs := httptest.NewServer(srv)
	fac, err := client.Dial(ctx, "ws"+strings.TrimPrefix(hs.URL, "http")+"/ws", created.Cafe, created.FacilitatorToken, client.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := fac.Send(ctx, protocol.CmdRoundStart, nil); err != nil {
		b.Fatal(err)
	}
	fac.Kill()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	srv.Shutdown(sctx)
	cancel()
	hs.Close()

	// The notes are decided by the domain, as the runner would, and
	// appended in batches.
	state, _, err := store.Rebuild(ctx, st, created.Cafe)
	if err != nil {
		b.Fatal(err)
	}
	prefix, err := st.Events(ctx, created.Cafe, 0, int(state.Seq))
	if err != nil {
		b.Fatal(err)
	}
	people := state.People()
	now := time.Now()
	var events []protocol.Event
	var snap []byte
	var snapSeq uint64
	for i := range notes {
		p := people[i%len(people)]
		cmd := cafe.Command{Type: protocol.CmdNotePost, Actor: cafe.Actor{Role: p.Role, ParticipantID: p.ID},
			Data: protocol.NotePost{NoteID: fmt.Sprintf("note-%06d", i), Text: fmt.Sprintf("Idea %d: governments should convene and listen, while other stakeholders lead on the details.", i)}}
		d, err := cafe.Decide(state, cmd, now.Add(time.Duration(i)*time.Millisecond))
		if err != nil {
			b.Fatal(err)
		}
		for _, ev := range d.Events {
			if err := cafe.Apply(state, ev); err != nil {
				b.Fatal(err)
			}
		}
		events = append(events, d.Events...)
		if i == notes-tail-1 {
			if snap, err = json.Marshal(state); err != nil {
				b.Fatal(err)
			}
			snapSeq = state.Seq
		}
	}
	appendAll := func(s store.Store) {
		for len(events) > 0 {
			n := min(len(events), 1000)
			if err := s.Append(ctx, created.Cafe, events[:n], time.Time{}); err != nil {
				b.Fatal(err)
			}
			events = events[n:]
		}
	}
	all := events
	appendAll(st)
	if err := st.SaveSnapshot(ctx, created.Cafe, snapSeq, snap); err != nil {
		b.Fatal(err)
	}
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}

	// The same café without a snapshot: its grants and the whole log.
	st2, err := bolt.Open(noSnap, bolt.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer st2.Close()
	if err := st2.PutGrant(ctx, tokenHash(created.WallToken), store.Grant{Cafe: created.Cafe, Role: protocol.RoleWall}); err != nil {
		b.Fatal(err)
	}
	events = append(prefix, all...)
	appendAll(st2)
	return created.Cafe, created.WallToken
}

// tokenHash is the key the server stores a token's grant under.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
