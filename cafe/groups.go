package cafe

import (
	"fmt"
	"slices"

	"github.com/worldcafe/worldcafe/protocol"
)

// The café's stakeholder groups: its own list, given at creation or by the
// facilitator in the lobby (groups.set), the defaults otherwise. A join names
// one of them or none. Once rounds have started the list stays: people have
// chosen from it, and the rotation planner has spread them by it. Someone
// whose group leaves the list in the lobby keeps it (they chose it, and
// nobody is asked again); clients show a group that is no longer listed by
// its id.

// GroupList returns the café's groups: its own, or the defaults.
func (s *State) GroupList() []protocol.Group {
	if s.Groups == nil {
		return protocol.DefaultGroups()
	}
	return slices.Clone(s.Groups)
}

// validGroup reports whether g is "" or one of the café's groups.
func (s *State) validGroup(g string) bool {
	if g == "" {
		return true
	}
	if s.Groups == nil {
		return protocol.ValidGroup(g)
	}
	return slices.ContainsFunc(s.Groups, func(x protocol.Group) bool { return x.ID == g })
}

// cleanGroups checks a list of groups: 1 to MaxGroups of them, each with an
// id of letters, digits, - and _ that no other uses (and not the reports'
// "unstated"), and a one-line name that no other uses. Refusals name the
// field: "groups", or "groups.N" for the N-th (0-based).
func cleanGroups(groups []protocol.Group) ([]protocol.Group, error) {
	if len(groups) == 0 {
		return nil, inField("groups", protocol.Errorf(protocol.CodeInvalid, "a café needs at least one stakeholder group"))
	}
	if len(groups) > protocol.MaxGroups {
		return nil, inField("groups", protocol.Errorf(protocol.CodeInvalid, "a café has at most %d stakeholder groups", protocol.MaxGroups))
	}
	out := make([]protocol.Group, len(groups))
	ids, names := map[string]bool{}, map[string]bool{}
	for i, g := range groups {
		field := fmt.Sprintf("groups.%d", i)
		if err := validID("group id", g.ID); err != nil {
			return nil, inField(field, err)
		}
		if len(g.ID) > protocol.MaxGroupIDBytes {
			return nil, inField(field, protocol.Errorf(protocol.CodeInvalid, "group id is longer than %d characters", protocol.MaxGroupIDBytes))
		}
		if g.ID == protocol.UnstatedGroup {
			return nil, inField(field, protocol.Errorf(protocol.CodeInvalid, "%q is kept for people who name no group; choose another id", g.ID))
		}
		name, err := cleanText("group name", g.Name, protocol.MaxGroupNameRunes, false, false)
		if err != nil {
			return nil, inField(field, err)
		}
		if ids[g.ID] {
			return nil, inField(field, protocol.Errorf(protocol.CodeInvalid, "two groups have the id %q", g.ID))
		}
		if names[name] {
			return nil, inField(field, protocol.Errorf(protocol.CodeInvalid, "two groups are called %q", name))
		}
		ids[g.ID], names[name] = true, true
		out[i] = protocol.Group{ID: g.ID, Name: name}
	}
	return out, nil
}

// groupsSet replaces the café's groups, in the lobby only.
func (d *decider) groupsSet(g protocol.GroupsSet) error {
	if d.s.Phase != protocol.PhaseLobby {
		return protocol.Errorf(protocol.CodeWrongPhase, "the stakeholder groups can change only in the lobby, before the first round")
	}
	groups, err := cleanGroups(g.Groups)
	if err != nil {
		return err
	}
	if slices.Equal(groups, d.s.GroupList()) {
		d.duplicate = true
		return nil
	}
	d.emit(protocol.EvGroupsSet, protocol.GroupsSet{Groups: groups})
	return nil
}

// applyGroups folds the events of this file; ok is false for others.
func applyGroups(s *State, ev protocol.Event) (ok bool, err error) {
	switch ev.Type {
	case protocol.EvGroupsSet:
		g, err := decode[protocol.GroupsSet](ev)
		if err != nil {
			return true, err
		}
		if len(g.Groups) == 0 {
			return true, fmt.Errorf("an empty list of groups")
		}
		s.Groups = g.Groups
	default:
		return false, nil
	}
	return true, nil
}
