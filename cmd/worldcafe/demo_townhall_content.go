package main

import "time"

// The content of the demo's town hall: a meeting at a conference two weeks
// after the café, modelled on the consultation's town hall (a presentation of
// a proposal on the role of governments, then the floor open to the room and
// to remote participants). The people, the presenter and the remarks are
// invented; the remarks and the scribe's findings paraphrase the
// consultation's in our own words. Everything here is data: demo_townhall.go
// turns it into commands.

// demoTownHallDay is when the town hall's doors open, at the conference.
var demoTownHallDay = demoDay(time.March, 26, 13, 45)

// demoAgenda is the presentation. The slides link is a plain https address
// that needs no network to be shown (it does not resolve).
var (
	demoAgendaTitle     = "A proposal on the role of governments in the multistakeholder model"
	demoAgendaPresenter = "Ambassador Inês Carvalho"
	demoAgendaLink      = "https://example.org/worldcafe-demo/town-hall-slides.pdf"
)

const (
	demoPresentation = 25 * time.Minute // from the first stage to the floor
	demoRemark       = 4 * time.Minute  // one remark from the floor, with its answer
)

// demoTownHallPeople join the café's town hall from their phones as it
// starts, with their stakeholder groups; two stay anonymous.
var demoTownHallPeople = []demoPerson{
	{"Wayan Sudarsana", "government", false},
	{"Dewi Lestari", "civil_society", false},
	{"Made Wirawan", "technical_community", false},
	{"Rizal Hakim", "private_sector", false},
	{"Putri Anggraini", "civil_society", false},
	{"Joseph Mwale", "government", false},
	{"Farah Siddiqui", "international_organisation", false},
	{"Benoît Girard", "international_organisation", false},
	{"Kalani Akana", "technical_community", false},
	{"Layla Hamdan", "civil_society", false},
	{"", "private_sector", false},
	{"Tevita Fifita", "government", false},
	{"Mónica Salazar", "civil_society", false},
	{"Anan Srisuk", "private_sector", false},
	{"Oksana Melnyk", "international_organisation", false},
	{"Erik Johansson", "technical_community", false},
	{"Nomvula Khumalo", "civil_society", false},
	{"Haruto Yamada", "private_sector", false},
	{"Gabriela Nunes", "government", false},
	{"Sione Taufa", "academia", false},
	{"Hamid Karimi", "government", false},
	{"Chiara Bianchi", "international_organisation", false},
	{"", "civil_society", false},
	{"Nguyen Thi Lan", "government", false},
	{"Patrick O'Neill", "private_sector", false},
	{"Zainab Musa", "civil_society", false},
	{"Tomasz Wójcik", "technical_community", false},
	{"Isabel Romero", "academia", false},
	{"Kenji Watanabe", "international_organisation", false},
	{"Rahel Tesfaye", "civil_society", false},
}

// demoRemoteQuestion is a remote participant's question or comment, sent
// from the town hall's public page At into the meeting, with how many
// remote participants upvoted it.
type demoRemoteQuestion struct {
	Key   string
	At    time.Duration // from the doors opening
	Text  string
	Name  string
	Group string
	Votes int
}

// demoRemoteQuestions arrive during the presentation and the floor; one is
// anonymous.
var demoRemoteQuestions = []demoRemoteQuestion{
	{"r-lead", 22 * time.Minute,
		"Where the private sector is small, only the state can pay for networks. Should governments not take the lead there?",
		"Aroha Ngata", "civil_society", 9},
	{"r-everyday", 27 * time.Minute,
		"Does the multistakeholder model mean anything to an ordinary user? These meetings rarely talk about everyday problems online.",
		"", "", 7},
	{"r-cwg", 33 * time.Minute,
		"Could more stakeholders attend the Council working group on Internet policy in person, not only through consultations like this one?",
		"Sara Lindgren", "civil_society", 6},
	{"r-technical", 41 * time.Minute,
		"How will the technical community be consulted more often, and early enough to matter?",
		"Lina Haddad", "technical_community", 5},
	{"r-startups", 58 * time.Minute,
		"Can start-ups be invited to national consultations? They drive much of the growth.",
		"Tom Becker", "private_sector", 3},
}

// demoFloor is the order the facilitator gives the floor in: a name is a
// hand in the room, a key a remote question. Starred items were starred to
// come next when the floor opened: the most upvoted remote question and the
// first hand up.
var demoFloor = []struct {
	Item    string
	Starred bool
}{
	{"Wayan Sudarsana", true},
	{"r-lead", true},
	{"Dewi Lestari", false},
	{"r-everyday", false},
	{"Farah Siddiqui", false},
	{"r-cwg", false},
	{"Erik Johansson", false},
	{"r-technical", false},
	{"Mónica Salazar", false},
	{"Joseph Mwale", false},
	{"r-startups", false},
	{"Nomvula Khumalo", false},
}

// demoFindings are the scribe's key findings, written live while the floor
// is open: each after the remark of demoFloor with the same index, or at
// the end (-1). The Edit, when set, is the scribe's later wording.
var demoFindings = []struct {
	After int
	Text  string
	Edit  string
}{
	{0, "The model works differently in each country, depending on its development, economy and culture.", ""},
	{1, "Where the private sector is weak, government support and investment let the ICT sector grow; some want governments to lead.",
		"Where the private sector is weak, government investment is what lets the ICT sector grow, so some speakers want governments to lead and safeguard citizens' interests."},
	{2, "Governments should build trust and keep a steady dialogue with every stakeholder in their policy making.", ""},
	{4, "Speakers described national models of stakeholder engagement that work; governments should stay open to other views.", ""},
	{5, "A request that more stakeholders can attend the Council working group's meetings in person.", ""},
	{7, "Consult the technical community more often, and invite start-ups: they bring expertise and growth.", ""},
	{9, "Civil society asks states to support its participation, with funding where needed, above all on child online safety.", ""},
	{10, "Keep bringing broadband to unconnected areas: online services make up for missing schools and clinics.", ""},
	{-1, "Doubts remain: do these meetings touch everyday users, and are all stakeholders truly represented?", ""},
}

// demoConclusion is the facilitator's conclusion of the whole consultation,
// paraphrasing the consultation's own.
const demoConclusion = `The consultation brought new perspectives and confirmed several familiar ones. People from every stakeholder group took part in all three formats, young people especially, which shows how much interest there is in Internet public policy and that the conversation should be opened to more voices, more often.

Across the café, the town hall and the online space there was broad agreement that governments have an important part to play: setting workable rules, giving citizens legal protection online, leading on security and the fight against illegal activity, and helping connect the areas that are still offline.

In doing so, governments are expected to protect fundamental rights such as privacy and free expression, and to offer awareness and education to those who need it most: children, people with disabilities and people new to technology.

Governments were encouraged to use their convening power to make the multistakeholder model work in practice, while recognising the role of the other stakeholders and bringing them into national processes. Countries differ socially, economically and culturally, and those differences shape how the model can work in each of them.

These findings are offered to the working group for its deliberations on the role of governments.`
