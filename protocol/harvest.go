package protocol

// Harvest vocabulary: themes that group notes in the town hall, the
// spotlight on the wall, the speaker queue, and dot votes.

// Commands.
const (
	CmdThemeCreate = "theme.create"
	CmdThemeRename = "theme.rename"
	CmdThemeMerge  = "theme.merge"
	CmdNoteTheme   = "note.theme"
	CmdSpotlight   = "spotlight.set"
	CmdHandRaise   = "hand.raise"
	CmdHandLower   = "hand.lower"
	CmdSpeakerNext = "speaker.next"
	CmdVoteOpen    = "vote.open"
	CmdVoteCast    = "vote.cast"
	CmdVoteUncast  = "vote.uncast"
	CmdVoteReveal  = "vote.reveal"
	CmdVoteClose   = "vote.close"
)

// Events.
const (
	EvThemeCreated  = "theme.created"
	EvThemeRenamed  = "theme.renamed"
	EvThemeMerged   = "theme.merged"
	EvNoteThemed    = "note.themed"
	EvSpotlightSet  = "spotlight.set"
	EvHandRaised    = "hand.raised"
	EvHandLowered   = "hand.lowered"
	EvSpeakerCalled = "speaker.called"
	EvVoteOpened    = "vote.opened"
	EvVoteCast      = "vote.cast"
	EvVoteUncast    = "vote.uncast"
	EvVoteRevealed  = "vote.revealed"
	EvVoteClosed    = "vote.closed"
)

// Limits of the harvest.
const (
	MaxThemeRunes = 80
	MaxThemes     = 100 // per café
	MaxDots       = 20  // per person per vote
	MaxVotes      = 50  // per café
)

// Vote targets.
const (
	VoteOnNotes  = "notes"
	VoteOnThemes = "themes"
)

// ThemeCreate is the data of theme.create and of theme.created. Question is
// the 0-based index of the conversation the theme belongs to.
type ThemeCreate struct {
	ThemeID  string `json:"theme_id"`
	Name     string `json:"name"`
	Question int    `json:"question"`
}

// ThemeRename is the data of theme.rename and theme.renamed.
type ThemeRename struct {
	ThemeID string `json:"theme_id"`
	Name    string `json:"name"`
}

// ThemeMerge folds theme ThemeID into theme Into: its notes move, it goes.
type ThemeMerge struct {
	ThemeID string `json:"theme_id"`
	Into    string `json:"into"`
}

// NoteTheme puts a note in a theme; an empty ThemeID takes it out.
type NoteTheme struct {
	NoteID  string `json:"note_id"`
	ThemeID string `json:"theme_id"`
}

// Spotlight shows one note or one theme full-screen on the wall; both empty
// clears it.
type Spotlight struct {
	NoteID  string `json:"note_id,omitempty"`
	ThemeID string `json:"theme_id,omitempty"`
}

// Hand is the data of hand.raised and hand.lowered.
type Hand struct {
	ParticipantID string `json:"participant_id"`
}

// SpeakerCalled names who speaks now; empty when the queue ran out.
type SpeakerCalled struct {
	ParticipantID string `json:"participant_id"`
}

// VoteOpen opens a dot vote. Question is a 0-based conversation, or -1 for
// all of them. On is VoteOnNotes or VoteOnThemes. Stack allows several of a
// person's dots on one item. Live shows the results as they come; otherwise
// they stay hidden until the facilitator reveals them.
type VoteOpen struct {
	VoteID   string `json:"vote_id"`
	Question int    `json:"question"`
	On       string `json:"on"`
	Dots     int    `json:"dots"`
	Stack    bool   `json:"stack,omitempty"`
	Live     bool   `json:"live,omitempty"`
}

// VoteDot is the data of vote.cast and vote.uncast: one dot on an item (a
// note id or a theme id).
type VoteDot struct {
	VoteID string `json:"vote_id"`
	ItemID string `json:"item_id"`
}

// VoteCast is the data of the vote.cast and vote.uncast events. Ballot is a
// pseudonym of the voter, the same for all their dots in one vote, that
// nobody can link to a person. While a vote's results are hidden, everyone
// but the facilitator receives only VoteID.
type VoteCast struct {
	VoteID string `json:"vote_id"`
	ItemID string `json:"item_id,omitempty"`
	Ballot string `json:"ballot,omitempty"`
}

// VoteRef is the data of vote.reveal and vote.close.
type VoteRef struct {
	VoteID string `json:"vote_id"`
}

// VoteResult is the data of vote.revealed and vote.closed: dots per item.
type VoteResult struct {
	VoteID string         `json:"vote_id"`
	Tally  map[string]int `json:"tally"`
}
