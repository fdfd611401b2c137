package protocol

// Stakeholder groups. Each café has its own list (CreateCafe.Groups, the
// facilitator's groups.set in the lobby); a participant may say they belong
// to one of them, or to none ("prefer not to say", the empty group). The
// rotation planner spreads each group over the tables.

// Group is one stakeholder group of a café: ID is what participants and
// notes carry, Name what people read.
type Group struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Limits of a café's groups.
const (
	MaxGroups         = 20
	MaxGroupIDBytes   = 40 // letters, digits, - and _
	MaxGroupNameRunes = 40 // one line
)

// UnstatedGroup is the id reports use for people who named no group; no
// café may use it for a group of its own.
const UnstatedGroup = "unstated"

// Groups are the ids of the default stakeholder groups, in their order.
var Groups = []string{
	"government",
	"private_sector",
	"civil_society",
	"technical_community",
	"academia",
	"international_organisation",
	"other",
}

// GroupLabels are the default groups as people read them (English; the
// views translate the default ids with their catalogues).
var GroupLabels = map[string]string{
	"government":                 "Government",
	"private_sector":             "Private sector",
	"civil_society":              "Civil society",
	"technical_community":        "Technical community",
	"academia":                   "Academia",
	"international_organisation": "International organisation",
	"other":                      "Other",
	UnstatedGroup:                "Not stated",
}

// DefaultGroups are the groups of a café created without a list of its own.
func DefaultGroups() []Group {
	out := make([]Group, len(Groups))
	for i, id := range Groups {
		out[i] = Group{ID: id, Name: GroupLabels[id]}
	}
	return out
}

// ValidGroup reports whether g is "" or one of the default Groups. A café
// with groups of its own checks joins against its own list.
func ValidGroup(g string) bool {
	if g == "" {
		return true
	}
	for _, x := range Groups {
		if x == g {
			return true
		}
	}
	return false
}

// CmdGroupsSet replaces the café's groups (facilitator, lobby only); the
// event of the same name carries the new list.
const (
	CmdGroupsSet = "groups.set"
	EvGroupsSet  = "groups.set"
)

// GroupsSet is the data of the groups.set command and event.
type GroupsSet struct {
	Groups []Group `json:"groups"`
}
