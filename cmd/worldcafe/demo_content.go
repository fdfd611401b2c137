package main

// The content of the demo café (`worldcafe demo`): the room, the people and
// the ideas of a World Café modelled on the consultation worldcafe was built
// for (../shared/reference/open-talks-consultation-outcome.md). The questions
// are quoted (protocol.DefaultQuestions); the names are invented and the
// notes paraphrase the consultation's findings in our own words.
//
// Everything here is data: demo.go turns it into commands.

// demoTitle is the café's title.
const demoTitle = "World Café on Internet public policy: the role of governments (demo)"

// demoPerson is one participant. An empty Name joins anonymously; an empty
// Group is "prefer not to say".
type demoPerson struct {
	Name  string
	Group string
	Host  bool
}

// demoTheme is a theme of one conversation and the notes the facilitator put
// in it, the idea that drew the most agreement first.
type demoTheme struct {
	ID    string
	Name  string
	Notes []string
}

// demoConversation is the harvest of one question: notes by theme, and the
// notes that fit no theme.
type demoConversation struct {
	Themes   []demoTheme
	Unthemed []string
}

// demoHosts stay at their tables all morning; they arrive first, so host i
// takes table i.
var demoHosts = []demoPerson{
	{"Amara Okafor", "civil_society", true},
	{"Lukas Brandt", "technical_community", true},
	{"Mei Tanaka", "government", true},
	{"Rafael Souza", "government", true},
	{"Ingrid Halvorsen", "academia", true},
	{"Karim Haddad", "private_sector", true},
	{"Priya Raman", "technical_community", true},
	{"Elena Petrova", "international_organisation", true},
	{"Tomás Herrera", "civil_society", true},
	{"Grace Mwangi", "private_sector", true},
}

// demoAttendees travel between tables, listed in the order they arrive (so
// in round 1 attendee k sits at table k mod 10 + 1). About the mix of a
// Geneva consultation: governments the largest group, every other group
// present, three people anonymous.
var demoAttendees = []demoPerson{
	{"Ahmed Al-Farsi", "government", false},
	{"Chloé Martin", "private_sector", false},
	{"Nadia Rahman", "civil_society", false},
	{"Arjun Mehta", "technical_community", false},
	{"Pierre Moreau", "international_organisation", false},
	{"Helena Costa", "academia", false},
	{"Alex Kim", "other", false},
	{"", "", false},
	{"Sophie Lambert", "government", false},
	{"David Cohen", "private_sector", false},
	{"Juan Pablo Ortiz", "civil_society", false},
	{"Eva Lindqvist", "technical_community", false},
	{"Zanele Dlamini", "international_organisation", false},
	{"Yusuf Demir", "academia", false},
	{"Noor Hussain", "other", false},
	{"Minh Nguyen", "government", false},
	{"Fatima Zahra Benali", "private_sector", false},
	{"Leila Nasser", "civil_society", false},
	{"Chen Wei", "technical_community", false},
	{"Lars Eriksen", "international_organisation", false},
	{"Claire Dubois", "academia", false},
	{"Olusegun Adeyemi", "government", false},
	{"Marco Rossi", "private_sector", false},
	{"Kwame Asante", "civil_society", false},
	{"Bilal Qureshi", "technical_community", false},
	{"Mariam Diallo", "international_organisation", false},
	{"Rania Aziz", "academia", false},
	{"Carmen Ruiz", "government", false},
	{"Sun-hee Park", "private_sector", false},
	{"Marta Kowalska", "civil_society", false},
	{"", "technical_community", false},
	{"Ivan Horvat", "international_organisation", false},
	{"Jakob Nowak", "government", false},
	{"Oliver Grant", "private_sector", false},
	{"", "civil_society", false},
	{"Aisha Bello", "government", false},
	{"Samuel Otieno", "civil_society", false},
	{"Daniel Fischer", "government", false},
	{"Ana Lima", "government", false},
	{"Hiroshi Sato", "government", false},
}

// demoSpeakers raise their hands in the town hall after each round.
var demoSpeakers = [][]string{
	{"Rafael Souza", "Amara Okafor", "Chen Wei"},
	{"Kwame Asante", "Sophie Lambert"},
	{"Ana Lima", "Noor Hussain"},
}

// demoConversations are the notes of the three rounds: 44, 38 and 23, the
// counts of the consultation.
var demoConversations = []demoConversation{
	{ // What is the role of governments in the multistakeholder model of the Internet?
		Themes: []demoTheme{
			{"q1-convener", "Convener and bridge-builder", []string{
				"Bring everyone to one table: governments can convene people nobody else can.",
				"Facilitate, don't dominate: set up the conversation, then listen.",
				"Connect the ministries, companies, NGOs and engineers who work on the same problems apart.",
				"Build a framework that makes cooperation the normal way of working, not the exception.",
				"Draft policy in the open and publish early versions for comment.",
				"Act as an honest broker when stakeholders disagree.",
				"Link national discussions to the regional and global ones.",
				"Make sure quiet voices get a seat, not only the best-funded lobbies.",
				"Coordinate inside government first: one position per country, not five ministries.",
				"Convening power is a duty, not a privilege.",
				"Keep processes predictable so others can plan to take part.",
			}},
			{"q1-rules", "Rules and law enforcement", []string{
				"Set clear, workable rules that keep the network running and safe.",
				"What is illegal offline stays illegal online: enforce the law there too.",
				"Abuse material involving children needs firm police action across borders.",
				"Light rules where markets work, firm ones where users get hurt.",
				"Train judges and police to handle digital evidence.",
				"Legal help between countries on cybercrime is far too slow today.",
				"Stable rules give operators the certainty they need to invest.",
				"Write rules that are technology-neutral so they don't age in two years.",
				"Only governments have the legitimacy to sanction.",
				"Review the old telecom laws before writing new Internet ones.",
			}},
			{"q1-trust", "Public interest and trust", []string{
				"Governments answer to citizens: the public interest comes first in every decision.",
				"Trust is earned: explain decisions and show which input changed them.",
				"A moral duty towards citizens, including those who are not online yet.",
				"Be accountable: publish who was consulted and what they said.",
				"Keep Internet policy out of short-term party politics.",
				"Every government, large or small, can make a difference.",
				"Weigh the interests of companies and users fairly; don't take sides.",
				"Citizens should be able to see and challenge what their government does online.",
			}},
			{"q1-rights", "Human rights online", []string{
				"Protect human rights online with the same care as offline.",
				"Any surveillance must be lawful, necessary and proportionate.",
				"Free expression limits what governments may do; it is not only a goal to promote.",
				"Check the human rights impact before any new Internet rule.",
				"Lead by example: no network shutdowns, no blanket blocking.",
				"Privacy is a right, not a setting users have to hunt for.",
				"Independent oversight of every agency that acts online.",
			}},
			{"q1-context", "Different countries, different roles", []string{
				"In many developing countries the state has to build the market first.",
				"The model looks different where the private sector is small.",
				"One size does not fit all: national circumstances matter.",
				"Small states need help to build capacity before they can take part at all.",
			}},
		},
		Unthemed: []string{
			"Is 'multistakeholder' defined anywhere? We have said it twenty times this morning.",
			"Roles should complement each other, not form a hierarchy.",
			"Ten years after Tunis, revisit who does what: what has changed?",
			"Governments are stakeholders too, one among several.",
		},
	},
	{ // What are the key issues that government should play an active role in?
		Themes: []demoTheme{
			{"q2-protection", "Same protection online as offline", []string{
				"Users deserve the same protection online as in the shop down the street.",
				"Privacy law with teeth: data protection authorities that can act.",
				"Free expression online, with narrow limits written in law.",
				"Consumer rights for online purchases, cross-border ones included.",
				"Clear rules on who is liable for content, and when.",
				"Common e-commerce rules across countries would help small sellers.",
				"Protect personal data when it leaves the country.",
				"Online fraud and spam: people need somewhere to complain that acts.",
				"Platforms should say plainly how they use our data.",
				"Stop defamation laws being used against journalists and bloggers.",
			}},
			{"q2-security", "Critical infrastructure and cybersecurity", []string{
				"Protect the infrastructure everything depends on: power, water, banks, networks.",
				"A national CERT in every country, with people and a budget.",
				"Cybersecurity is everyone's job, but someone has to coordinate: the state.",
				"Let operators and agencies share threat information without fear.",
				"No country can fight cybercrime alone: agree on common legal tools.",
				"Look after submarine cables and Internet exchange points.",
				"Help developing countries see how big cyber threats really are.",
				"Emergency plans for the day the network goes down.",
				"Secure the government's own networks first.",
			}},
			{"q2-vulnerable", "Protecting the vulnerable: awareness and education", []string{
				"Keep children safe online without locking them out of it.",
				"Digital skills in the curriculum from primary school on.",
				"Awareness campaigns for parents and teachers, not only for children.",
				"Older people need help too: scams target people new to the web.",
				"Fund helplines for victims of online abuse.",
				"Work with NGOs who already know how to reach marginalised groups.",
				"Teach critical reading: who wrote this, and why?",
				"Protect women and minorities from online harassment.",
			}},
			{"q2-access", "Access and accessibility", []string{
				"Broadband for poor and rural areas where the market will not go.",
				"Accessible websites for people with disabilities, public services first.",
				"Universal service funds should pay for Internet access, not only phone lines.",
				"Taxes on devices and data keep people offline: make access affordable.",
				"Public access points in libraries and community centres.",
				"E-government services can bring remote villages into public life.",
				"Local content in local languages gives people a reason to connect.",
				"Spectrum rules that let community networks grow.",
			}},
		},
		Unthemed: []string{
			"Net neutrality: who decides, and at which level?",
			"Require open standards in public procurement.",
			"Keep the Internet global: avoid splitting it along national lines.",
		},
	},
	{ // How can governments improve their interaction with other stakeholders?
		Themes: []demoTheme{
			{"q3-open", "Openness and transparency", []string{
				"Start with transparency: publish agendas, drafts and positions.",
				"Make the working documents of intergovernmental meetings public.",
				"Tell people afterwards what was done with their input.",
				"Open the doors of meetings, in the room and online.",
				"Name one contact person for Internet policy in each ministry.",
				"Plain language: papers nobody outside can read shut people out.",
				"Report back at the next meeting on what happened since the last one.",
			}},
			{"q3-fora", "National forums and open consultations", []string{
				"Set up a national multistakeholder forum that meets regularly.",
				"Open consultation on every major Internet law, with time to answer.",
				"Treat other stakeholders as partners, not as an audience.",
				"Invite the technical community early: they know what will work.",
				"Bring start-ups in, not only the big incumbents.",
				"Put consumer groups in national and international delegations.",
				"Regional forums let small countries pool their voices.",
			}},
			{"q3-support", "Funding and reasons to take part", []string{
				"Fund civil society participation: travel grants and fellowships.",
				"Give people a reason to come: show that their input changes things.",
				"Help young people join the debate: they are most of the users.",
				"Rotate meeting times and places, and translate.",
			}},
			{"q3-online", "Reaching more people online", []string{
				"Use online platforms to hear people who cannot travel to meetings.",
				"Keep the online consultation open after the meeting, with comments.",
				"Remote participants should get a full seat, not a spectator's view.",
			}},
		},
		Unthemed: []string{
			"Trust grows between people: fewer panels, more conversations like this one.",
			"Measure it: how many stakeholders actually took part in last year's consultations?",
		},
	},
}
