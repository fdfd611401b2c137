package protocol

// The online space: the consultation's open platform. Anyone, anywhere,
// without an account, reads a public page per question, posts a
// contribution (anonymously if they wish) and comments under any
// contribution, or under the room's notes once the facilitator has
// published them. It opens when the facilitator says (before, during or
// after the café) and stays open until a closing date the facilitator sets
// and may move; after it the space is read-only and still public.
//
// Public commands (online.contribute, online.comment, online.flag) are
// issued by the server from the public pages' forms, never sent over a
// WebSocket: the server draws their ids and has already checked the
// sender's address against its limits and the form's token.

// Commands.
const (
	// Facilitator.
	CmdOnlineOpen    = "online.open"    // OnlineOpen: open the space, or move its closing date
	CmdOnlineHide    = "online.hide"    // OnlineHide: hide an item with a reason everyone sees
	CmdOnlineUnhide  = "online.unhide"  // ItemRef
	CmdOnlineTheme   = "online.theme"   // OnlineTheme: put a contribution in a theme of its question
	CmdOnlinePublish = "online.publish" // no data: publish the room's notes into the space

	// Server-issued from the public pages.
	CmdOnlineContribute = "online.contribute" // OnlineContribute
	CmdOnlineComment    = "online.comment"    // OnlineComment
	CmdOnlineFlag       = "online.flag"       // OnlineFlag
)

// Events.
const (
	EvOnlineOpened      = "online.opened"      // OnlineOpen
	EvOnlineContributed = "online.contributed" // OnlineContribute
	EvOnlineCommented   = "online.commented"   // OnlineComment
	EvOnlineFlagged     = "online.flagged"     // OnlineFlag (Reason only for the facilitator)
	EvOnlineHidden      = "online.hidden"      // OnlineHide
	EvOnlineUnhidden    = "online.unhidden"    // OnlineUnhidden
	EvOnlineThemed      = "online.themed"      // OnlineTheme
	EvOnlinePublished   = "online.published"   // OnlinePublished
)

// Limits of the online space. Texts are counted in runes after trimming.
const (
	MaxContributionRunes      = 4000
	MaxContributionTitleRunes = 120
	MaxCommentRunes           = 1000
	MaxReasonRunes            = 200   // a moderator's reason, a flag's reason
	MaxContributions          = 5000  // per café, town hall questions included
	MaxComments               = 20000 // per café
	MaxCommentsPerItem        = 500
	MaxFlagsPerItem           = 100 // further flags change nothing
	MaxOnlineOpenDays         = 366 // the farthest closing date, from now
)

// OnlineOpen is the data of online.open and online.opened: the space is open
// until ClosesAt (Unix ms), which must lie in the future.
type OnlineOpen struct {
	ClosesAt int64 `json:"closes_at"`
}

// OnlineContribute is the data of online.contribute and online.contributed.
// Question is the 0-based index of the café's question it answers. An empty
// Name is an anonymous contribution. ItemID is drawn by the server.
type OnlineContribute struct {
	ItemID   string `json:"item_id"`
	Question int    `json:"question"`
	Title    string `json:"title,omitempty"`
	Text     string `json:"text"`
	Name     string `json:"name,omitempty"`
	Group    string `json:"group,omitempty"`
}

// OnlineComment is the data of online.comment and online.commented: a reply
// under a contribution, or under a room note once the room's notes are
// published (OnID names either). One level: there are no replies to
// comments. CommentID is drawn by the server.
type OnlineComment struct {
	CommentID string `json:"comment_id"`
	OnID      string `json:"on_id"`
	Text      string `json:"text"`
	Name      string `json:"name,omitempty"`
	Group     string `json:"group,omitempty"`
}

// OnlineFlag asks the moderator to look at an item (a contribution, a
// comment or a town hall question).
type OnlineFlag struct {
	ItemID string `json:"item_id"`
	Reason string `json:"reason,omitempty"`
}

// OnlineHide hides an item (a contribution, a comment or a town hall
// question). Reason is required and public: a hidden item stays listed with
// "hidden by the moderator" and the reason, never silently gone.
type OnlineHide struct {
	ItemID string `json:"item_id"`
	Reason string `json:"reason"`
}

// ItemRef names one item of the online space or the town hall.
type ItemRef struct {
	ItemID string `json:"item_id"`
}

// OnlineUnhidden is the data of online.unhidden: the item shows again, and
// its words come with the event, since devices that connected while it was
// hidden never had them.
type OnlineUnhidden struct {
	ItemID string `json:"item_id"`
	Title  string `json:"title,omitempty"`
	Text   string `json:"text"`
	Name   string `json:"name,omitempty"`
	Group  string `json:"group,omitempty"`
}

// OnlineTheme puts a contribution in a theme of the same question, beside
// the room's notes; an empty ThemeID takes it out.
type OnlineTheme struct {
	ItemID  string `json:"item_id"`
	ThemeID string `json:"theme_id"`
}

// OnlinePublished is the data of online.published.
type OnlinePublished struct{}

// Online is the online space in a snapshot. Nil in a café whose space was
// never opened. Hidden items keep Title, Text and Name only for the
// facilitator; everyone sees Hidden and Reason. Flags and FlagReasons are the
// facilitator's only. Contributions and comments are in posting order.
type Online struct {
	OpenedAt      int64          `json:"opened_at"` // first opened, Unix ms
	ClosesAt      int64          `json:"closes_at"`
	Published     bool           `json:"published,omitempty"`
	Contributions []Contribution `json:"contributions"`
	// Comments under the room's notes (published), by note id.
	NoteComments map[string][]Comment `json:"note_comments,omitempty"`
}

// Contribution is one contribution with its comments, in posting order.
type Contribution struct {
	ID       string `json:"id"`
	Seq      uint64 `json:"seq"`
	Question int    `json:"question"`
	Title    string `json:"title,omitempty"`
	Text     string `json:"text"`
	Name     string `json:"name,omitempty"`
	Group    string `json:"group,omitempty"`
	At       int64  `json:"at"`
	Theme    string `json:"theme,omitempty"`
	Hidden   bool   `json:"hidden,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Flags    int    `json:"flags,omitempty"`
	// FlagReasons are the reasons flaggers gave, for the facilitator.
	FlagReasons []string  `json:"flag_reasons,omitempty"`
	Comments    []Comment `json:"comments"`
}

// Comment is one comment.
type Comment struct {
	ID     string `json:"id"`
	Seq    uint64 `json:"seq"`
	OnID   string `json:"on_id"`
	Text   string `json:"text"`
	Name   string `json:"name,omitempty"`
	Group  string `json:"group,omitempty"`
	At     int64  `json:"at"`
	Hidden bool   `json:"hidden,omitempty"`
	Reason string `json:"reason,omitempty"`
	Flags  int    `json:"flags,omitempty"`
	// FlagReasons are the reasons flaggers gave, for the facilitator.
	FlagReasons []string `json:"flag_reasons,omitempty"`
}
