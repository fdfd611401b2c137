package cafe_test

import (
	"strings"
	"testing"

	"github.com/worldcafe/worldcafe/cafe"
	"github.com/worldcafe/worldcafe/protocol"
)

// breakers are the characters that end a line in some reader of the text:
// a browser's JavaScript, a CSV reader, a terminal.
var breakers = map[string]string{
	"line separator U+2028":      "\u2028",
	"paragraph separator U+2029": "\u2029",
	"next line U+0085":           "\u0085",
	"vertical tab":               "\v",
	"form feed":                  "\f",
	"carriage return":            "\r",
	"line feed":                  "\n",
}

func TestOneLineFieldsStayOneLine(t *testing.T) {
	for name, br := range breakers {
		t.Run(name+" becomes a space in every one-line field", func(t *testing.T) {
			text := "Open" + br + "data"
			r := newRoom(t, protocol.CreateCafe{Title: text, Questions: []string{text + "?"}})
			r.do(joinCmd("p1", protocol.Join{Name: text}))
			r.do(control(protocol.CmdRoundStart))
			r.do(broadcastCmd(text)) // after the start, which clears a broadcast
			r.do(theme("t1", 0))
			r.do(cafe.Command{Type: protocol.CmdThemeCreate, Actor: facilitator, Data: protocol.ThemeCreate{ThemeID: "t2", Name: text, Question: 0}})
			for field, got := range map[string]string{
				"title": r.s.Title, "question": r.s.Questions[0], "name": r.s.Participants["p1"].Name,
				"broadcast": r.s.Broadcast, "theme name": r.s.Themes["t2"].Name,
			} {
				if want := "Open data"; got != want && got != want+"?" {
					t.Errorf("%s is %q, want %q", field, got, want)
				}
			}
			r.do(cafe.Command{Type: protocol.CmdThemeRename, Actor: facilitator, Data: protocol.ThemeRename{ThemeID: "t1", Name: br + "Renamed" + br}})
			if got := r.s.Themes["t1"].Name; got != "Renamed" {
				t.Errorf("renamed theme is %q, want %q", got, "Renamed")
			}
		})

		t.Run(name+" is a line break in a note", func(t *testing.T) {
			r := notesRoom(t)
			r.do(postCmd(attendee("a1"), "n1", "First"+br+"second"))
			if got := r.s.Notes["n1"].Text; got != "First\nsecond" {
				t.Errorf("note text %q, want %q", got, "First\nsecond")
			}
		})
	}

	t.Run("a title of nothing but separators is empty", func(t *testing.T) {
		s := cafe.New("fresh")
		MustReject(t, s, createCmd(protocol.CreateCafe{Title: "\u2028\u2029\u0085"}), t0, protocol.CodeInvalid)
	})

	t.Run("no one-line field of a café keeps a separator", func(t *testing.T) {
		text := strings.Join([]string{"a", "b", "c", "d", "e", "f"}, "\u2028")
		r := newRoom(t, protocol.CreateCafe{Title: text})
		if strings.ContainsAny(r.s.Title, "\u2028\u2029\n") {
			t.Errorf("title %q keeps a line break", r.s.Title)
		}
	})
}
