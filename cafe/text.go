package cafe

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/worldcafe/worldcafe/protocol"
)

// cleanText normalises user text: invalid UTF-8 is an error, line breaks
// become \n in multiline text and a space in one-line text, other control
// and format characters are dropped, and surrounding space is trimmed. It
// returns an error when the result is empty (unless allowEmpty) or longer
// than max runes.
//
// Line breaks are every character that ends a line somewhere: \n, \r, the
// vertical tab and form feed, NEL (U+0085), and the line and paragraph
// separators U+2028 and U+2029, which JavaScript, CSV readers and terminals
// all break on. One-line fields (title, name, questions, theme names,
// broadcast) must stay one line wherever they are shown.
func cleanText(field, s string, max int, multiline, allowEmpty bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", protocol.Errorf(protocol.CodeInvalid, "%s is not valid text", field)
	}
	// A quick bound before the work: 4 bytes per rune at most.
	if len(s) > 4*max+64 {
		return "", protocol.Errorf(protocol.CodeTooLarge, "%s is longer than %d characters", field, max)
	}
	var b strings.Builder
	b.Grow(len(s))
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case isLineBreak(r):
			if multiline {
				b.WriteRune('\n')
			} else {
				b.WriteRune(' ')
			}
		case r == '\t':
			b.WriteRune(' ')
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r) && r != '\u200d':
			// Dropped: invisible characters that could spoof or break layouts
			// (zero-width joiner stays, emoji need it).
		default:
			b.WriteRune(r)
		}
	}
	out := strings.TrimSpace(b.String())
	if out == "" && !allowEmpty {
		return "", protocol.Errorf(protocol.CodeInvalid, "%s is empty", field)
	}
	if n := utf8.RuneCountInString(out); n > max {
		return "", protocol.Errorf(protocol.CodeTooLarge, "%s is %d characters long; the limit is %d", field, n, max)
	}
	return out, nil
}

// validID checks a client-made id: 1 to MaxIDBytes of [A-Za-z0-9_-].
func validID(field, id string) error {
	if id == "" {
		return protocol.Errorf(protocol.CodeInvalid, "%s is missing", field)
	}
	if len(id) > protocol.MaxIDBytes {
		return protocol.Errorf(protocol.CodeInvalid, "%s is longer than %d characters", field, protocol.MaxIDBytes)
	}
	for i := 0; i < len(id); i++ {
		if !idByte(id[i]) {
			return protocol.Errorf(protocol.CodeInvalid, "%s may use only letters, digits, - and _", field)
		}
	}
	return nil
}

// isLineBreak reports whether r ends a line (see cleanText).
func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029':
		return true
	}
	return false
}

// idByte reports whether c may be in an id.
func idByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}
