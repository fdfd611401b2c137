package protocol

import (
	"encoding/json"
	"slices"
	"strconv"
)

// Marshal encodes an envelope; it cannot fail for envelopes built from this
// package's types.
func Marshal(env Envelope) []byte {
	env.V = Version
	b, err := json.Marshal(env)
	if err != nil {
		panic("protocol: encoding envelope: " + err.Error())
	}
	return b
}

// EncodeEvent returns the frame of an event: encoded once, sent to everyone.
func EncodeEvent(ev Event) []byte {
	return Marshal(Envelope{Type: ev.Type, Seq: ev.Seq, At: ev.At, Data: ev.Data})
}

// EncodeData encodes a data struct for an envelope.
func EncodeData(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("protocol: encoding data: " + err.Error())
	}
	return b
}

// AppendEvent appends the frame of ev to b: byte for byte what EncodeEvent
// makes, without encoding/json's reflection and its second pass over the
// already encoded data. The server encodes every event once per audience,
// and a busy café commits thousands a second.
//
// ev.Data must be valid JSON, as everything json.Marshal or json.Unmarshal
// produced is. Data that encoding/json would rewrite (insignificant white
// space, characters it escapes for HTML) and unusual type names take the
// slow path, so the bytes are always the same as EncodeEvent's.
func AppendEvent(b []byte, ev Event) []byte {
	return AppendEnvelope(b, Envelope{Type: ev.Type, Seq: ev.Seq, At: ev.At, Data: ev.Data})
}

// AppendEnvelope appends what Marshal makes of env to b, writing the
// envelope around env.Data instead of re-validating it (a snapshot of a
// big café is megabytes). env.Data must be valid JSON; see AppendEvent.
func AppendEnvelope(b []byte, env Envelope) []byte {
	if env.Error != nil || !plainName(env.Type) || !plainString(env.ID) || !compactJSON(env.Data) {
		return append(b, Marshal(env)...)
	}
	b = slices.Grow(b, len(env.Type)+len(env.ID)+len(env.Data)+96)
	b = append(b, `{"v":`...)
	b = strconv.AppendInt(b, Version, 10)
	b = append(b, `,"type":"`...)
	b = append(b, env.Type...)
	b = append(b, '"')
	if env.ID != "" {
		b = append(b, `,"id":"`...)
		b = append(b, env.ID...)
		b = append(b, '"')
	}
	if env.Seq != 0 {
		b = append(b, `,"seq":`...)
		b = strconv.AppendUint(b, env.Seq, 10)
	}
	if env.Epoch != 0 {
		b = append(b, `,"epoch":`...)
		b = strconv.AppendUint(b, env.Epoch, 10)
	}
	if env.At != 0 {
		b = append(b, `,"at":`...)
		b = strconv.AppendInt(b, env.At, 10)
	}
	if len(env.Data) != 0 {
		b = append(b, `,"data":`...)
		b = append(b, env.Data...)
	}
	return append(b, '}')
}

// EncodeAck returns the frame that acknowledges the command with id: the
// bytes Marshal makes of the envelope, made without reflection.
func EncodeAck(id string, ack Ack) []byte {
	data := make([]byte, 0, 48)
	data = append(data, `{"seq":`...)
	data = strconv.AppendUint(data, ack.Seq, 10)
	if ack.Duplicate {
		data = append(data, `,"duplicate":true`...)
	}
	data = append(data, '}')
	return AppendEnvelope(nil, Envelope{Type: TypeAck, ID: id, Seq: ack.Seq, Data: data})
}

// plainName reports whether s is a non-empty event name that JSON writes
// as it is: lower-case letters, digits, dots, dashes and underscores.
func plainName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// plainString reports whether encoding/json writes s between quotes as it
// is: printable ASCII without quotes, backslashes and the HTML characters
// it escapes.
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// compactJSON reports whether encoding/json would copy the valid JSON d
// unchanged into an envelope: no white space between tokens and none of
// the characters it escapes for HTML (<, >, &, U+2028, U+2029), which
// json.Marshal never leaves in what it writes.
func compactJSON(d []byte) bool {
	inString := false
	for i := 0; i < len(d); i++ {
		c := d[i]
		switch {
		case c == '<' || c == '>' || c == '&':
			return false
		case c == 0xE2 && i+2 < len(d) && d[i+1] == 0x80 && d[i+2]&^1 == 0xA8:
			return false
		case inString:
			if c == '\\' {
				i++ // the escaped byte cannot end the string
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			return false
		}
	}
	return true
}
