package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// wallClock is a clock the test moves by hand.
type wallClock struct{ now atomic.Int64 }

func (c *wallClock) Now() time.Time          { return time.Unix(0, c.now.Load()) }
func (c *wallClock) advance(d time.Duration) { c.now.Add(int64(d)) }

func mintWallLink(t *testing.T, ts *testServer, cafeID, token string) server.WallLink {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, ts.HTTP.URL+"/api/cafes/"+cafeID+"/wall", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("minting a wall link: %d", resp.StatusCode)
	}
	var link server.WallLink
	if err := json.NewDecoder(resp.Body).Decode(&link); err != nil {
		t.Fatal(err)
	}
	return link
}

// exchange posts a wall code and returns the status and the decoded answer
// (an opened wall, or the error's message).
func exchange(t *testing.T, ts *testServer, code string) (int, server.WallCodeOpened, string) {
	t.Helper()
	body, _ := json.Marshal(server.WallCodeExchange{Code: code})
	resp, err := http.Post(ts.HTTP.URL+"/api/wall-code", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw struct {
		server.WallCodeOpened
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		t.Fatalf("decoding the answer (%d): %v", resp.StatusCode, err)
	}
	return resp.StatusCode, raw.WallCodeOpened, raw.Error.Message
}

func TestAWallCodeOpensTheWallOnceAndOnlyForAFewMinutes(t *testing.T) {
	clock := &wallClock{}
	clock.now.Store(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC).UnixNano())
	ts := MustServer(t, server.Config{Now: clock.Now})
	c := ts.MustCafe(t, protocol.CreateCafe{})

	t.Run("the wall link carries a short code that expires", func(t *testing.T) {
		link := mintWallLink(t, ts, c.Cafe, c.FacilitatorToken)
		if len(link.WallCode) != server.JoinCodeLength {
			t.Fatalf("the wall code is %q, want %d characters", link.WallCode, server.JoinCodeLength)
		}
		if want := clock.Now().Add(server.WallCodeTTL); !link.WallCodeExpires.Equal(want) {
			t.Errorf("the code expires at %s, want %s", link.WallCodeExpires, want)
		}
	})

	t.Run("typed in lower case with a dash, the code opens a read-only wall", func(t *testing.T) {
		link := mintWallLink(t, ts, c.Cafe, c.FacilitatorToken)
		typed := strings.ToLower(link.WallCode[:3] + "-" + link.WallCode[3:])
		status, opened, msg := exchange(t, ts, typed)
		if status != http.StatusCreated {
			t.Fatalf("exchanging the code: %d %q", status, msg)
		}
		if opened.Cafe != c.Cafe || !strings.HasSuffix(opened.WallURL, "/wall#"+c.Cafe+"."+opened.WallToken) {
			t.Errorf("the code opened %+v, want café %s with its wall URL", opened, c.Cafe)
		}
		if opened.WallToken == link.WallToken {
			t.Error("the code hands out the tablet's own wall token; want a token of its own")
		}
		wall := ts.MustDial(t, c.Cafe, opened.WallToken, client.Options{})
		if got := wall.Welcome().Role; got != protocol.RoleWall {
			t.Fatalf("the code's token connects as %s, want wall", got)
		}
		if _, err := wall.Send(t.Context(), protocol.CmdRoundStart, nil); protocol.ErrorCode(err) != protocol.CodeForbidden {
			t.Fatalf("the code's wall sending round.start: %v, want forbidden", err)
		}
		if status, _, _ := exchange(t, ts, link.WallCode); status != http.StatusNotFound {
			t.Errorf("the same code a second time: %d, want 404", status)
		}
	})

	t.Run("a code past its time is refused in plain words", func(t *testing.T) {
		link := mintWallLink(t, ts, c.Cafe, c.FacilitatorToken)
		clock.advance(server.WallCodeTTL)
		status, _, msg := exchange(t, ts, link.WallCode)
		if status != http.StatusNotFound || !strings.Contains(msg, "expired") {
			t.Errorf("an expired code: %d %q, want 404 saying it expired", status, msg)
		}
	})

	t.Run("a code just inside its time still works", func(t *testing.T) {
		link := mintWallLink(t, ts, c.Cafe, c.FacilitatorToken)
		clock.advance(server.WallCodeTTL - time.Second)
		if status, _, msg := exchange(t, ts, link.WallCode); status != http.StatusCreated {
			t.Errorf("a code one second before it expires: %d %q", status, msg)
		}
	})

	t.Run("nobody but the facilitator gets a code", func(t *testing.T) {
		j, _ := c.MustJoin(t, "Ana")
		for name, token := range map[string]string{"an attendee": j.Token, "the wall": c.WallToken} {
			req, _ := http.NewRequest(http.MethodPost, ts.HTTP.URL+"/api/cafes/"+c.Cafe+"/wall", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s asking for a wall code got %d, want 401", name, resp.StatusCode)
			}
		}
	})

	t.Run("guessing is throttled per address, and a right code then waits too", func(t *testing.T) {
		clock.advance(time.Hour) // a full budget of tries
		link := mintWallLink(t, ts, c.Cafe, c.FacilitatorToken)
		wrong := 0
		for i := range 50 {
			status, _, _ := exchange(t, ts, "ZZZZZ"+string(rune('A'+i%20)))
			if status == http.StatusTooManyRequests {
				break
			}
			if status != http.StatusNotFound {
				t.Fatalf("a wrong code: %d, want 404", status)
			}
			wrong++
		}
		if wrong == 0 || wrong > 10 {
			t.Fatalf("%d wrong codes answered before the limit, want between 1 and 10", wrong)
		}
		if status, _, _ := exchange(t, ts, link.WallCode); status != http.StatusTooManyRequests {
			t.Errorf("the right code right after the limit: %d, want 429", status)
		}
		clock.advance(10 * time.Second)
		if status, _, msg := exchange(t, ts, link.WallCode); status != http.StatusCreated {
			t.Errorf("the right code after a pause: %d %q, want 201", status, msg)
		}
	})
}
