package main

import "time"

// The content of the demo's online space: the consultation's open platform,
// opened three weeks before the café on two of its questions and closed a
// month after it. The contributions paraphrase the online findings of the
// consultation worldcafe is modelled on in our own words; the names are
// invented. Everything here is data: demo_online.go turns it into commands.

// demoDay is a moment of the demo's calendar (UTC).
func demoDay(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, time.UTC)
}

var (
	// demoCreated is when the facilitator creates the café, to open its
	// online space before the event.
	demoCreated = demoDay(time.February, 16, 10, 0)
	// demoOnlineOpens is when the online space opens, and demoOnlineCloses
	// when it was first meant to close.
	demoOnlineOpens  = demoDay(time.February, 18, 9, 0)
	demoOnlineCloses = demoDay(time.March, 31, 18, 0)
	// demoPublish is when the facilitator publishes the room's notes into
	// the online space, the morning after the café.
	demoPublish = demoDay(time.March, 12, 9, 0)
	// demoExtend is when the facilitator keeps the space open longer (many
	// young people were still writing), to demoOnlineClosed.
	demoExtend       = demoDay(time.March, 27, 10, 0)
	demoOnlineClosed = demoDay(time.April, 15, 18, 0)
	// demoThemings are when the facilitator sorts the contributions posted
	// so far into the room's themes.
	demoThemings = []time.Time{demoDay(time.March, 13, 10, 0), demoDay(time.April, 14, 16, 0)}
	// demoConcluded is when the facilitator writes the conclusion, after
	// the space has closed.
	demoConcluded = demoDay(time.April, 20, 11, 0)
)

// demoOnlineQuestions are the café's questions the online space asked
// about, as the consultation's platform did: the first and the third.
var demoOnlineQuestions = []int{0, 2}

// demoContribution is one contribution of the online space. Key names it
// for the comments, the flag and the moderator; Theme is the room's theme
// the facilitator puts it in ("" for none). An empty Name is anonymous.
type demoContribution struct {
	Key      string
	Question int
	At       time.Time
	Title    string
	Text     string
	Name     string
	Group    string
	Theme    string
	Comments []demoComment
}

// demoComment is a comment posted After its contribution (or, under a room
// note, at its own time).
type demoComment struct {
	After time.Duration
	Text  string
	Name  string
	Group string
}

// demoNoteComment is an online comment under one of the room's notes, once
// they are published: Note is the note's text in demo_content.go.
type demoNoteComment struct {
	Note string
	At   time.Time
	demoComment
}

// demoModeration is the moderator's and the visitors' part: one
// contribution hidden with a reason everyone reads, one flagged by a
// visitor and left up.
var (
	demoHiddenKey    = "c-advert"
	demoHiddenAfter  = 3 * time.Hour
	demoHiddenReason = "Advertising, not an answer to the question."
	demoFlaggedKey   = "c-figleaf"
	demoFlagAt       = demoDay(time.March, 20, 21, 40)
	demoFlagReason   = "Rude to the organisers."
)

// demoContributions are the online contributions in the order they were
// posted.
var demoContributions = []demoContribution{
	{"c-referee", 0, demoDay(time.February, 18, 11, 20), "A neutral referee",
		"Governments should act as a transparent, neutral moderator between everyone who uses and builds the web: they keep the game fair, they do not play it.",
		"Hannah Weiss", "academia", "q1-convener", []demoComment{
			{5 * time.Hour, "Neutral is hard when the state is also the biggest buyer of technology. Who referees the referee?", "Tariq Aziz", ""},
			{26 * time.Hour, "Agreed, and the referee has to publish its rulings.", "", ""},
		}},
	{"c-connected", 0, demoDay(time.February, 19, 8, 5), "Keep the networks talking to each other",
		"The state's job as regulator is to make sure local networks stay connected to each other and to the rest of the world, and to listen to the wider community before it decides.",
		"Oscar Lindahl", "technical_community", "q1-rules", []demoComment{
			{3 * time.Hour, "Interconnection is the one rule that makes the Internet an internet.", "Priya N.", ""},
		}},
	{"c-beyond", 0, demoDay(time.February, 20, 17, 45), "The Internet is bigger than any state",
		"The Internet is a global project that no government owns. Where states get directly involved, it should be to fight what is illegal online: abuse of children, trafficking, fraud.",
		"", "", "q1-rules", []demoComment{
			{2 * time.Hour, "Fighting crime online still needs rules on what the police may see. That is regulation too.", "Jonas Berg", "civil_society"},
			{30 * time.Hour, "Yes, but narrow rules, written for the crime, not for everyone.", "", ""},
		}},
	{"c-youth", 0, demoDay(time.February, 23, 19, 10), "Ask the people who grew up online",
		"I am a student and most people my age have never heard of these consultations. Governments should come to schools and universities and ask us what we need from the Internet.",
		"Lucía Fernández", "", "", []demoComment{
			{4 * time.Hour, "Our youth council would be glad to help with that.", "Ama Boateng", "civil_society"},
		}},
	{"c-transparent", 2, demoDay(time.February, 24, 10, 30), "Transparency first",
		"Nothing improves the relationship faster than transparency: publish who you met, what they asked for, and what you decided.",
		"Marek Zielinski", "civil_society", "q3-open", []demoComment{
			{6 * time.Hour, "And publish it in a form people can search, not as scanned letters.", "Ines Duarte", ""},
		}},
	{"c-forums", 2, demoDay(time.February, 26, 14, 0), "Forums at home and abroad",
		"Every country should have a standing multistakeholder forum on Internet policy, linked to regional and international ones, so that views and information flow both ways.",
		"Kofi Mensah", "government", "q3-fora", []demoComment{
			{5 * time.Hour, "Our national forum works because it meets four times a year, not once after the decision.", "Rosa Almeida", "government"},
			{29 * time.Hour, "Who sets the agenda of such a forum? That decides whether it is real.", "", ""},
		}},
	{"c-advert", 0, demoDay(time.March, 2, 3, 15), "",
		"Cheapest web hosting and domain names, unbeatable prices! Write to me for a discount code.",
		"Best Hosting Deals", "", "", nil},
	{"c-threats", 0, demoDay(time.March, 3, 9, 50), "The threat gap",
		"Developed and developing countries do not see cyber threats the same way. Where the danger is underestimated, nobody is ready when an attack comes.",
		"Adebayo Ogunleye", "technical_community", "q1-context", []demoComment{
			{7 * time.Hour, "Regional response teams that share staff could close part of that gap.", "Mehmet Kaya", "technical_community"},
		}},
	{"c-documents", 2, demoDay(time.March, 5, 16, 20), "Open the working documents",
		"Member states of international organisations should agree to make their working documents public. People cannot comment on what they cannot read.",
		"", "civil_society", "q3-open", []demoComment{
			{3 * time.Hour, "Some organisations already do this and nothing terrible has happened.", "Claudia Becker", ""},
			{27 * time.Hour, "Drafts too, not only the final texts.", "", ""},
		}},
	{"c-treaty", 0, demoDay(time.March, 7, 12, 40), "Cybercrime needs common law",
		"No state can fight cybercrime alone. Countries should work through the international institutions towards a shared set of legal rules against every kind of online malpractice.",
		"Natalia Ivanova", "international_organisation", "q1-rules", nil},
	{"c-consumers", 0, demoDay(time.March, 9, 18, 0), "Shoppers need a government too",
		"Consumer protection is a real job for governments online. Common rules for e-commerce across countries would protect buyers and help honest sellers.",
		"Paolo Ricci", "private_sector", "q1-trust", []demoComment{
			{4 * time.Hour, "Small shops would welcome one set of rules instead of thirty.", "", "private_sector"},
		}},
	{"c-consumer-voice", 2, demoDay(time.March, 12, 20, 15), "Give consumer groups a seat",
		"Consumer representatives should take part in the national and international debates on the Internet: today's e-commerce practice puts their interests at stake every day.",
		"Paolo Ricci", "private_sector", "q3-fora", nil},
	{"c-rural", 0, demoDay(time.March, 14, 8, 30), "Don't forget the villages",
		"Connecting rural areas is part of the role: once a village is online, its people can use e-government services without a day's journey to town.",
		"Grace Achieng", "", "q1-context", []demoComment{
			{9 * time.Hour, "Our district office now answers requests online; people used to queue for hours.", "Samuel Kiprop", "government"},
		}},
	{"c-listening", 2, demoDay(time.March, 16, 13, 5), "Say what you did with our input",
		"Consultations only build trust if the government reports back: which ideas it took, which it did not, and why.",
		"Ines Duarte", "", "q3-open", []demoComment{
			{5 * time.Hour, "A one-page answer after every consultation would already be a big step.", "Marek Zielinski", "civil_society"},
		}},
	{"c-rights", 0, demoDay(time.March, 18, 10, 45), "Rights are the starting point",
		"Whatever role a government takes online, it starts from privacy and free expression. Rules that weaken them make the network less safe, not more.",
		"Jonas Berg", "civil_society", "q1-rights", nil},
	{"c-figleaf", 2, demoDay(time.March, 20, 21, 10), "",
		"Governments never change their minds after these exercises. This platform is a fig leaf.",
		"", "", "", []demoComment{
			{14 * time.Hour, "I understand the frustration, but the room's notes are published here and anyone can hold them to it.", "Kofi Mensah", "government"},
		}},
	{"c-remote", 2, demoDay(time.March, 23, 7, 55), "A real seat for remote voices",
		"Meetings should give people who follow online a real way to speak, not just a video stream. Questions sent in writing should be read out and answered.",
		"Siti Rahma", "academia", "q3-online", nil},
	{"c-startups", 2, demoDay(time.March, 28, 15, 30), "Invite the start-ups",
		"Young companies are where much of the innovation happens, yet they are almost never in the room. Reach out to them through incubators and chambers of commerce.",
		"Daniel Osei", "private_sector", "q3-fora", nil},
	{"c-funding", 2, demoDay(time.March, 30, 11, 10), "Fund the travel",
		"Civil society cannot take part in meetings abroad without help. A small travel fund, managed openly, would change who is in the room.",
		"", "civil_society", "q3-support", []demoComment{
			{6 * time.Hour, "And hold more meetings in the regions, so fewer people need to fly.", "Siti Rahma", "academia"},
		}},
	{"c-languages", 2, demoDay(time.April, 2, 9, 0), "In our languages",
		"Publish consultations in more languages. Many people who care about the Internet do not read English well enough to answer.",
		"Amina Yusuf", "", "q3-support", nil},
	{"c-moderator", 0, demoDay(time.April, 6, 17, 25), "A moderator, not an owner",
		"Governments can moderate the conversation between companies, engineers and citizens, but the network belongs to all of them.",
		"Tariq Aziz", "", "q1-convener", nil},
	{"c-hub", 2, demoDay(time.April, 9, 12, 15), "A regional hub for small countries",
		"Small countries cannot staff every forum. A regional hub could gather their stakeholders and speak with a stronger voice.",
		"Rosa Almeida", "government", "q3-fora", nil},
	{"c-schools", 0, demoDay(time.April, 13, 20, 30), "",
		"Teach Internet governance in secondary schools. The next generation will live with the rules we write now.",
		"", "", "", nil},
}

// demoNoteComments are the online comments under the room's notes, after
// the facilitator published them.
var demoNoteComments = []demoNoteComment{
	{"Open consultation on every major Internet law, with time to answer.", demoDay(time.March, 12, 14, 20),
		demoComment{Text: "Thirty days at least, please: two weeks is not enough for a small organisation.", Name: "Marek Zielinski", Group: "civil_society"}},
	{"Broadband for poor and rural areas where the market will not go.", demoDay(time.March, 13, 18, 5),
		demoComment{Text: "Community networks have done this in our region at a fraction of the cost.", Name: "Grace Achieng"}},
	{"What is illegal offline stays illegal online: enforce the law there too.", demoDay(time.March, 15, 11, 40),
		demoComment{Text: "Yes, with the same safeguards for the accused as offline."}},
	{"Keep the online consultation open after the meeting, with comments.", demoDay(time.March, 17, 9, 15),
		demoComment{Text: "Glad this one is! Reading the room's notes here helps a lot.", Name: "Lucía Fernández"}},
}
