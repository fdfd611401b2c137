package protocol

import "time"

// Limits that every client and server agree on. Texts are measured in
// Unicode code points (runes) after trimming surrounding white space.
const (
	MaxFrameBytes     = 16 << 10 // largest frame a client may send
	MaxNoteRunes      = 280      // a sticky note, not an essay
	MaxNameRunes      = 40
	MaxTitleRunes     = 120
	MaxQuestionRunes  = 300
	MaxQuestions      = 12
	MaxBroadcastRunes = 140
	MaxIDBytes        = 64 // client-made note and command ids
	MaxTables         = 500
	MinSeats          = 2
	MaxSeats          = 12
	MinRoundSeconds   = 10
	MaxRoundSeconds   = 4 * 60 * 60
	MaxExtendMinutes  = 60
	MaxParticipants   = 5000 // per café

	// HelloTimeout is how long the server waits for the first frame.
	HelloTimeout = 10 * time.Second
)

// Defaults used when a create request leaves a field out.
const (
	DefaultTables       = 10
	DefaultSeats        = 5
	DefaultRoundSeconds = 20 * 60
	DefaultTitle        = "World Café"
)

// DefaultQuestions are the three questions of the consultation worldcafe is
// modelled on; a new café starts with them unless told otherwise.
var DefaultQuestions = []string{
	"What is the role of governments in the multistakeholder model of the Internet?",
	"What are the key issues that government should play an active role in?",
	"How can governments improve their interaction with other stakeholders?",
}
