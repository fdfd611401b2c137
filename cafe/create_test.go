package cafe_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// request decodes a create request as the server does from a body.
func request(tb testing.TB, body string) protocol.CreateCafe {
	tb.Helper()
	var req protocol.CreateCafe
	if err := json.Unmarshal([]byte(body), &req); err != nil {
		tb.Fatalf("decoding %s: %v", body, err)
	}
	return req
}

func TestCreateRequestsNameTheFieldTheyRefuse(t *testing.T) {
	for _, c := range []struct {
		name, body, field string
	}{
		{"a blank title", `{"title": ""}`, "title"},
		{"a title of spaces", `{"title": "   "}`, "title"},
		{"a null title", `{"title": null}`, "title"},
		{"no questions", `{"questions": []}`, "questions"},
		{"a blank second question", `{"questions": ["Why?", " "]}`, "questions.1"},
		{"a blank first question", `{"questions": [""]}`, "questions.0"},
		{"zero tables", `{"tables": 0}`, "tables"},
		{"too many tables", `{"tables": 501}`, "tables"},
		{"zero seats", `{"seats": 0}`, "seats"},
		{"zero-second rounds", `{"round_seconds": 0}`, "round_seconds"},
		{"negative rounds", `{"round_seconds": -60}`, "round_seconds"},
		{"an empty list of groups", `{"groups": []}`, "groups"},
		{"a group without a name", `{"groups": [{"id": "youth", "name": ""}]}`, "groups.0"},
		{"a group whose name is two lines", `{"groups": [{"id": "a", "name": "A"}, {"id": "youth", "name": "\u2028"}]}`, "groups.1"},
		{"a group id with a space", `{"groups": [{"id": "young people", "name": "Young people"}]}`, "groups.0"},
		{"two groups with one id", `{"groups": [{"id": "youth", "name": "Youth"}, {"id": "youth", "name": "Young"}]}`, "groups.1"},
		{"two groups with one name", `{"groups": [{"id": "a", "name": "Youth"}, {"id": "b", "name": "Youth"}]}`, "groups.1"},
		{"the reports' own id", `{"groups": [{"id": "unstated", "name": "Unstated"}]}`, "groups.0"},
		{"21 groups", `{"groups": [` + groupsJSON(21) + `]}`, "groups"},
	} {
		t.Run(c.name+" is refused, naming "+c.field, func(t *testing.T) {
			s := cafe.New("cafe-1")
			err := MustReject(t, s, createCmd(request(t, c.body)), t0, protocol.CodeInvalid)
			if err.Field != c.field {
				t.Errorf("field %q, want %q (message %q)", err.Field, c.field, err.Message)
			}
			if err.Message == "" {
				t.Error("no message")
			}
		})
	}

	t.Run("every field left out takes its default", func(t *testing.T) {
		s := newRoom(t, request(t, `{}`)).s
		if s.Title != protocol.DefaultTitle || !slices.Equal(s.Questions, protocol.DefaultQuestions) ||
			s.Tables != protocol.DefaultTables || s.Seats != protocol.DefaultSeats || s.RoundSeconds != protocol.DefaultRoundSeconds {
			t.Errorf("defaults: %q %q %d %d %d", s.Title, s.Questions, s.Tables, s.Seats, s.RoundSeconds)
		}
		if !slices.Equal(s.GroupList(), protocol.DefaultGroups()) {
			t.Errorf("groups %v, want the defaults", s.GroupList())
		}
	})

	t.Run("a request made in Go leaves its zero fields out", func(t *testing.T) {
		s := newRoom(t, protocol.CreateCafe{Title: "Big"}).s
		if s.Title != "Big" || s.Tables != protocol.DefaultTables || s.RoundSeconds != protocol.DefaultRoundSeconds {
			t.Errorf("got %q, %d tables, %d s", s.Title, s.Tables, s.RoundSeconds)
		}
		b, err := json.Marshal(protocol.CreateCafe{Title: "Big"})
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != `{"title":"Big"}` {
			t.Errorf("encoded as %s: a Go client would send zeros the server refuses", b)
		}
	})

	t.Run("a field names its value regardless of case, as encoding/json reads it", func(t *testing.T) {
		err := MustReject(t, cafe.New("cafe-1"), createCmd(request(t, `{"Tables": 0}`)), t0, protocol.CodeInvalid)
		if err.Field != "tables" {
			t.Errorf("field %q, want tables", err.Field)
		}
	})

	t.Run("an unknown field is refused by the decoder", func(t *testing.T) {
		var req protocol.CreateCafe
		if err := json.Unmarshal([]byte(`{"titel": "x"}`), &req); err == nil {
			t.Error("an unknown field decoded")
		}
	})
}

// groupsJSON is n valid groups as JSON list items.
func groupsJSON(n int) string {
	out := ""
	for i := range n {
		if i > 0 {
			out += ","
		}
		out += `{"id": "g` + string(rune('a'+i)) + `", "name": "Group ` + string(rune('A'+i)) + `"}`
	}
	return out
}
