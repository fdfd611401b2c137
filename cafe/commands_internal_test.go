package cafe

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/worldcafe/worldcafe/protocol"
)

// TestCommandTablesAgree holds the café's table of commands and the
// protocol's decoders to the same commands: every client command the
// protocol decodes is one the café knows, takes exactly the data the
// decoder returns, and may be sent by some client role; every command only
// the server sends (for itself, or for the public pages) is one no client
// can decode.
func TestCommandTablesAgree(t *testing.T) {
	for name := range protocol.ClientCommands {
		c, ok := commands[name]
		if !ok {
			t.Errorf("the protocol decodes %s, the café has no such command", name)
			continue
		}
		data, err := protocol.DecodeCommand(&protocol.Envelope{V: protocol.Version, Type: name, Data: json.RawMessage(`{}`)})
		if err != nil {
			t.Errorf("%s: decoding empty data: %v", name, err)
			continue
		}
		if !c.takes(data) {
			t.Errorf("%s: the protocol decodes %T, the café does not take it", name, data)
		}
		if slices.Contains(c.roles, System.Role) || slices.Contains(c.roles, protocol.RolePublic) || len(c.roles) == 0 {
			t.Errorf("%s: a client command is sent by %v", name, c.roles)
		}
	}
	for name, c := range commands {
		if protocol.ClientCommands[name] {
			continue
		}
		if !slices.Equal(c.roles, fromServer) && !slices.Equal(c.roles, fromPublic) {
			t.Errorf("%s: the protocol does not decode it, yet %v may send it", name, c.roles)
		}
		if _, err := protocol.DecodeCommand(&protocol.Envelope{V: protocol.Version, Type: name}); protocol.ErrorCode(err) != protocol.CodeUnknownType {
			t.Errorf("%s: a client sending the server's command gets %v, want unknown_type", name, err)
		}
	}
}

func TestRoleNamesReadAsEnglish(t *testing.T) {
	for role, want := range map[protocol.Role]string{
		protocol.RoleAttendee: "an attendee", protocol.RoleHost: "a table host",
		protocol.RoleFacilitator: "the facilitator", protocol.RoleWall: "the wall",
		"": "a client without a role",
	} {
		if got := roleName(role); got != want {
			t.Errorf("roleName(%q) = %q, want %q", role, got, want)
		}
	}
}
