package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// DecodeEnvelope parses one frame from a client. It rejects frames above
// MaxFrameBytes, anything that is not a single JSON object of the envelope's
// shape, and other versions. The returned error is always an *Error.
func DecodeEnvelope(b []byte) (*Envelope, error) {
	if len(b) > MaxFrameBytes {
		return nil, Errorf(CodeTooLarge, "frame is larger than %d bytes", MaxFrameBytes)
	}
	var env Envelope
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' || strictUnmarshal(b, &env) != nil {
		return nil, Errorf(CodeMalformed, "frame is not a valid JSON envelope")
	}
	if env.V != Version {
		return nil, Errorf(CodeBadVersion, "protocol version %d is not supported; this server speaks %d", env.V, Version)
	}
	if env.Type == "" {
		return nil, Errorf(CodeMalformed, "frame has no type")
	}
	if len(env.ID) > MaxIDBytes {
		return nil, Errorf(CodeInvalid, "id is longer than %d bytes", MaxIDBytes)
	}
	return &env, nil
}

// FrameID returns the id of a frame that DecodeEnvelope refused, when it can
// be read at all, so the error reply can name the command it answers.
func FrameID(b []byte) string {
	if len(b) > MaxFrameBytes {
		return ""
	}
	var f struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(b, &f) != nil || len(f.ID) > MaxIDBytes {
		return ""
	}
	return f.ID
}

// DecodeHello parses the data of a hello frame.
func DecodeHello(env *Envelope) (Hello, error) {
	var h Hello
	if env.Type != TypeHello {
		return h, Errorf(CodeMalformed, "the first frame must be a hello")
	}
	if err := strictUnmarshal(env.Data, &h); err != nil {
		return h, Errorf(CodeMalformed, "hello data is not valid")
	}
	if h.Token == "" {
		return h, Errorf(CodeUnauthorized, "hello has no token")
	}
	if h.Cafe == "" {
		return h, Errorf(CodeInvalid, "hello names no café")
	}
	return h, nil
}

// DecodeCommand returns the typed data of a client command: the type its
// entry in commandData names, or nil for commands without data. Unknown
// fields are rejected so that typos fail loudly.
func DecodeCommand(env *Envelope) (any, error) {
	decode, ok := commandData[env.Type]
	if !ok {
		return nil, Errorf(CodeUnknownType, "unknown command %q", env.Type)
	}
	return decode(env)
}

// commandData is the one list of the commands a WebSocket client may send,
// each with the decoder of its data. The café's own table (package cafe)
// says who may send each and what it does; a test there holds the two to
// the same names and data types.
var commandData = map[string]func(*Envelope) (any, error){
	CmdNotePost:     decodeData[NotePost],
	CmdNoteEdit:     decodeData[NoteEdit],
	CmdNoteDelete:   decodeData[NoteRef],
	CmdNoteHide:     decodeData[NoteRef],
	CmdNoteUnhide:   decodeData[NoteRef],
	CmdRoundStart:   noData,
	CmdRoundPause:   noData,
	CmdRoundResume:  noData,
	CmdRoundExtend:  decodeData[RoundExtend],
	CmdRoundEnd:     noData,
	CmdHarvestStart: noData,
	CmdCafeClose:    noData,
	CmdBroadcast:    decodeData[Broadcast],
	CmdSeatAssign:   decodeData[SeatAssign],
	CmdGroupsSet:    decodeData[GroupsSet],
	CmdThemeCreate:  decodeData[ThemeCreate],
	CmdThemeRename:  decodeData[ThemeRename],
	CmdThemeMerge:   decodeData[ThemeMerge],
	CmdNoteTheme:    decodeData[NoteTheme],
	CmdSpotlight:    decodeData[Spotlight],
	CmdHandRaise:    noData,
	CmdHandLower:    noData,
	CmdSpeakerNext:  noData,
	CmdVoteOpen:     decodeData[VoteOpen],
	CmdVoteCast:     decodeData[VoteDot],
	CmdVoteUncast:   decodeData[VoteDot],
	CmdVoteReveal:   decodeData[VoteRef],
	CmdVoteClose:    decodeData[VoteRef],

	CmdParticipantRole:   decodeData[ParticipantRole],
	CmdParticipantMute:   decodeData[ParticipantMute],
	CmdParticipantRemove: decodeData[ParticipantRef],

	// The consultation around the café. The public pages' commands
	// (online.contribute, online.comment, online.flag, townhall.ask,
	// townhall.upvote) are not here: only the server issues them.
	CmdOnlineOpen:     decodeData[OnlineOpen],
	CmdOnlineHide:     decodeData[OnlineHide],
	CmdOnlineUnhide:   decodeData[ItemRef],
	CmdOnlineTheme:    decodeData[OnlineTheme],
	CmdOnlinePublish:  noData,
	CmdTownHallAgenda: decodeData[TownHallAgenda],
	CmdTownHallStage:  decodeData[TownHallStage],
	CmdQueueStar:      decodeData[QueueStar],
	CmdQueueTake:      decodeData[QueueItem],
	CmdQueueDone:      decodeData[QueueItem],
	CmdFindingAdd:     decodeData[Finding],
	CmdFindingEdit:    decodeData[Finding],
	CmdFindingDelete:  decodeData[FindingRef],
	CmdConclude:       decodeData[Conclusion],
}

// ClientCommands is the set of command names a WebSocket client may send,
// read from commandData (it is a view of that table, not a second list).
var ClientCommands = func() map[string]bool {
	m := make(map[string]bool, len(commandData))
	for name := range commandData {
		m[name] = true
	}
	return m
}()

// noData decodes the data of a command that takes none: an empty object
// and null are tolerated.
func noData(env *Envelope) (any, error) {
	if d := bytes.TrimSpace(env.Data); len(d) > 0 && !bytes.Equal(d, []byte("null")) {
		var empty struct{}
		if strictUnmarshal(d, &empty) != nil {
			return nil, Errorf(CodeInvalid, "%s takes no data", env.Type)
		}
	}
	return nil, nil
}

func decodeData[T any](env *Envelope) (any, error) {
	var v T
	if len(env.Data) == 0 {
		return nil, Errorf(CodeInvalid, "%s needs data", env.Type)
	}
	if err := strictUnmarshal(env.Data, &v); err != nil {
		return nil, Errorf(CodeInvalid, "%s data is not valid", env.Type)
	}
	return v, nil
}

// strictUnmarshal decodes exactly one JSON value into v, rejecting unknown
// fields and trailing data.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data")
	}
	return nil
}
