package cafe

import "github.com/worldcafe/worldcafe/protocol"

// command is one entry of the table of commands: who may send it, the type
// of its data, and the feature's decision.
type command struct {
	roles []protocol.Role
	// creates is true for the one command that acts on a café that does
	// not exist yet.
	creates bool
	// afterClose is true for the commands of the consultation around the
	// café (the online space, the town hall, its findings, the
	// conclusion): a closed café closes the café only, and they go on.
	afterClose bool
	// inTownHall is true for the room's commands a town hall needs (joining,
	// raising a hand, calling the next speaker): a town hall held after the
	// café closed accepts them while it runs.
	inTownHall bool
	// takes reports whether data has the command's data type: data of
	// another command must never sneak through.
	takes  func(data any) bool
	decide func(d *decider, cmd Command) error
}

// with is a command whose data is a T: the protocol's data type for client
// commands (what protocol.DecodeCommand returns), Create or Join for the
// server's.
func with[T any](roles []protocol.Role, f func(d *decider, a Actor, data T) error) command {
	takes := func(data any) bool { _, ok := data.(T); return ok }
	return command{roles: roles, takes: takes, decide: func(d *decider, cmd Command) error {
		data, ok := cmd.Data.(T)
		if !ok {
			return badData(cmd)
		}
		return f(d, cmd.Actor, data)
	}}
}

// bare is a command without data.
func bare(roles []protocol.Role, f func(d *decider, a Actor) error) command {
	takes := func(data any) bool { return data == nil }
	return command{roles: roles, takes: takes, decide: func(d *decider, cmd Command) error {
		if cmd.Data != nil {
			return badData(cmd)
		}
		return f(d, cmd.Actor)
	}}
}

// afterClose marks c as a command of the consultation around the café.
func afterClose(c command) command {
	c.afterClose = true
	return c
}

// inTownHall marks c as a command of the room that a running town hall
// takes in a closed café too.
func inTownHall(c command) command {
	c.inTownHall = true
	return c
}

var (
	fromServer      = []protocol.Role{System.Role}
	fromSeated      = []protocol.Role{protocol.RoleAttendee, protocol.RoleHost}
	fromFacilitator = []protocol.Role{protocol.RoleFacilitator}
	fromScribe      = []protocol.Role{protocol.RoleScribe, protocol.RoleFacilitator}
	// fromPublic are the commands the server issues for the public pages'
	// forms (online.go, townhall.go): no client sends them.
	fromPublic = []protocol.Role{protocol.RolePublic}
)

// commands is the one table of the café's commands. The protocol's table
// (protocol.DecodeCommand) lists the client commands among them with their
// decoders: protocol cannot import cafe, so the two are held to the same
// names and data types by a test.
var commands = map[string]command{
	protocol.CmdCafeCreate: func() command {
		c := with(fromServer, func(d *decider, _ Actor, c Create) error { return d.create(c) })
		c.creates = true
		return c
	}(),
	protocol.CmdJoin:   inTownHall(with(fromServer, func(d *decider, _ Actor, j Join) error { return d.join(j) })),
	protocol.CmdTimeUp: bare(fromServer, func(d *decider, _ Actor) error { return d.timeUp() }),

	// Notes (notes.go).
	protocol.CmdNotePost:   with(fromSeated, (*decider).notePost),
	protocol.CmdNoteEdit:   with(fromSeated, (*decider).noteEdit),
	protocol.CmdNoteDelete: with(fromSeated, (*decider).noteDelete),
	protocol.CmdNoteHide: with(fromFacilitator, func(d *decider, _ Actor, r protocol.NoteRef) error {
		return d.noteHide(r, true)
	}),
	protocol.CmdNoteUnhide: with(fromFacilitator, func(d *decider, _ Actor, r protocol.NoteRef) error {
		return d.noteHide(r, false)
	}),

	// Phases and the clock (rounds.go).
	protocol.CmdRoundStart:  bare(fromFacilitator, func(d *decider, _ Actor) error { return d.roundStart() }),
	protocol.CmdRoundPause:  bare(fromFacilitator, func(d *decider, _ Actor) error { return d.roundPause() }),
	protocol.CmdRoundResume: bare(fromFacilitator, func(d *decider, _ Actor) error { return d.roundResume() }),
	protocol.CmdRoundExtend: with(fromFacilitator, func(d *decider, _ Actor, e protocol.RoundExtend) error {
		return d.roundExtend(e)
	}),
	protocol.CmdRoundEnd:     bare(fromFacilitator, func(d *decider, _ Actor) error { return d.roundEnd(true) }),
	protocol.CmdHarvestStart: bare(fromFacilitator, func(d *decider, _ Actor) error { return d.harvestStart() }),
	protocol.CmdCafeClose:    bare(fromFacilitator, func(d *decider, _ Actor) error { return d.cafeClose() }),

	// The facilitator's line (broadcast.go) and seats (seating.go).
	protocol.CmdBroadcast: with(fromFacilitator, func(d *decider, _ Actor, b protocol.Broadcast) error {
		return d.broadcast(b)
	}),
	protocol.CmdSeatAssign: with(fromFacilitator, func(d *decider, _ Actor, a protocol.SeatAssign) error {
		return d.seatAssign(a)
	}),

	// Stakeholder groups (groups.go).
	protocol.CmdGroupsSet: with(fromFacilitator, func(d *decider, _ Actor, g protocol.GroupsSet) error {
		return d.groupsSet(g)
	}),

	// People (participants.go).
	protocol.CmdParticipantRole: with(fromFacilitator, func(d *decider, _ Actor, r protocol.ParticipantRole) error {
		return d.setRole(r)
	}),
	protocol.CmdParticipantMute: with(fromFacilitator, func(d *decider, _ Actor, m protocol.ParticipantMute) error {
		return d.mute(m)
	}),
	protocol.CmdParticipantRemove: with(fromFacilitator, func(d *decider, _ Actor, r protocol.ParticipantRef) error {
		return d.remove(r)
	}),

	// The harvest (harvest.go).
	protocol.CmdThemeCreate: with(fromFacilitator, func(d *decider, _ Actor, c protocol.ThemeCreate) error {
		return d.themeCreate(c)
	}),
	protocol.CmdThemeRename: with(fromFacilitator, func(d *decider, _ Actor, r protocol.ThemeRename) error {
		return d.themeRename(r)
	}),
	protocol.CmdThemeMerge: with(fromFacilitator, func(d *decider, _ Actor, m protocol.ThemeMerge) error {
		return d.themeMerge(m)
	}),
	protocol.CmdNoteTheme: with(fromFacilitator, func(d *decider, _ Actor, nt protocol.NoteTheme) error {
		return d.noteTheme(nt)
	}),
	protocol.CmdSpotlight: with(fromFacilitator, func(d *decider, _ Actor, sp protocol.Spotlight) error {
		return d.spotlight(sp)
	}),
	protocol.CmdHandRaise:   inTownHall(bare(fromSeated, (*decider).handRaise)),
	protocol.CmdHandLower:   inTownHall(bare(fromSeated, (*decider).handLower)),
	protocol.CmdSpeakerNext: inTownHall(bare(fromFacilitator, func(d *decider, _ Actor) error { return d.speakerNext() })),
	protocol.CmdVoteOpen: with(fromFacilitator, func(d *decider, _ Actor, o protocol.VoteOpen) error {
		return d.voteOpen(o)
	}),
	protocol.CmdVoteCast: with(fromSeated, func(d *decider, a Actor, v protocol.VoteDot) error {
		return d.voteCast(a, v, true)
	}),
	protocol.CmdVoteUncast: with(fromSeated, func(d *decider, a Actor, v protocol.VoteDot) error {
		return d.voteCast(a, v, false)
	}),
	protocol.CmdVoteReveal: with(fromFacilitator, func(d *decider, _ Actor, r protocol.VoteRef) error {
		return d.voteReveal(r)
	}),
	protocol.CmdVoteClose: with(fromFacilitator, func(d *decider, _ Actor, r protocol.VoteRef) error {
		return d.voteClose(r)
	}),

	// The online space (online.go).
	protocol.CmdOnlineOpen: afterClose(with(fromFacilitator, func(d *decider, _ Actor, o protocol.OnlineOpen) error {
		return d.onlineOpen(o)
	})),
	protocol.CmdOnlineHide: afterClose(with(fromFacilitator, func(d *decider, _ Actor, h protocol.OnlineHide) error {
		return d.onlineHide(h)
	})),
	protocol.CmdOnlineUnhide: afterClose(with(fromFacilitator, func(d *decider, _ Actor, r protocol.ItemRef) error {
		return d.onlineUnhide(r)
	})),
	protocol.CmdOnlineTheme: afterClose(with(fromFacilitator, func(d *decider, _ Actor, t protocol.OnlineTheme) error {
		return d.onlineTheme(t)
	})),
	protocol.CmdOnlinePublish: afterClose(bare(fromFacilitator, func(d *decider, _ Actor) error { return d.onlinePublish() })),
	protocol.CmdOnlineContribute: afterClose(with(fromPublic, func(d *decider, _ Actor, c protocol.OnlineContribute) error {
		return d.onlineContribute(c)
	})),
	protocol.CmdOnlineComment: afterClose(with(fromPublic, func(d *decider, _ Actor, c protocol.OnlineComment) error {
		return d.onlineComment(c)
	})),
	protocol.CmdOnlineFlag: afterClose(with(fromPublic, func(d *decider, _ Actor, f protocol.OnlineFlag) error {
		return d.onlineFlag(f)
	})),

	// The town hall (townhall.go), its queue (queue.go) and findings
	// (findings.go).
	protocol.CmdTownHallAgenda: afterClose(with(fromFacilitator, func(d *decider, _ Actor, a protocol.TownHallAgenda) error {
		return d.townHallAgenda(a)
	})),
	protocol.CmdTownHallStage: afterClose(with(fromFacilitator, func(d *decider, _ Actor, st protocol.TownHallStage) error {
		return d.townHallStage(st)
	})),
	protocol.CmdTownHallAsk: afterClose(with(fromPublic, func(d *decider, _ Actor, q protocol.TownHallAsk) error {
		return d.townHallAsk(q)
	})),
	protocol.CmdTownHallUpvote: afterClose(with(fromPublic, func(d *decider, _ Actor, u protocol.TownHallUpvote) error {
		return d.townHallUpvote(u)
	})),
	protocol.CmdQueueStar: afterClose(with(fromFacilitator, func(d *decider, _ Actor, st protocol.QueueStar) error {
		return d.queueStar(st)
	})),
	protocol.CmdQueueTake: afterClose(with(fromFacilitator, func(d *decider, _ Actor, it protocol.QueueItem) error {
		return d.queueTake(it)
	})),
	protocol.CmdQueueDone: afterClose(with(fromFacilitator, func(d *decider, _ Actor, it protocol.QueueItem) error {
		return d.queueDone(it)
	})),
	protocol.CmdFindingAdd: afterClose(with(fromScribe, func(d *decider, _ Actor, f protocol.Finding) error {
		return d.findingAdd(f)
	})),
	protocol.CmdFindingEdit: afterClose(with(fromScribe, func(d *decider, _ Actor, f protocol.Finding) error {
		return d.findingEdit(f)
	})),
	protocol.CmdFindingDelete: afterClose(with(fromScribe, func(d *decider, _ Actor, r protocol.FindingRef) error {
		return d.findingDelete(r)
	})),

	// The conclusion (consultation.go).
	protocol.CmdConclude: afterClose(with(fromFacilitator, func(d *decider, _ Actor, c protocol.Conclusion) error {
		return d.conclude(c)
	})),
}
