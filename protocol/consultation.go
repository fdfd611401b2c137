package protocol

// The consultation around a café: the café, the town hall and the online
// space share one log, and one outcome report covers all three. The
// facilitator writes its conclusion.

// Commands.
const (
	CmdConclude = "consultation.conclude" // Conclusion
)

// Events.
const (
	EvConcluded = "consultation.concluded" // Conclusion
)

// MaxConclusionRunes bounds the conclusion.
const MaxConclusionRunes = 8000

// Conclusion is the facilitator's conclusion of the whole consultation; an
// empty text clears it.
type Conclusion struct {
	Text string `json:"text"`
}

// Formats a consultation report names (its CSV's format column).
const (
	FormatCafe     = "cafe"
	FormatTownHall = "town_hall"
	FormatOnline   = "online"
)

// PublicToken is the token of a public page's WebSocket: a hello with it
// (and a café's id) is a read-only connection that receives only what the
// public pages show: the online space and the town hall, as anyone sees
// them. It needs no grant.
const PublicToken = "public"
