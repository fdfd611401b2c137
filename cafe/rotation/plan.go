package rotation

import "slices"

// Input is everything the planner needs to know about a café.
type Input struct {
	// People are everyone who may take part, in a stable order (joining
	// order): the order breaks ties, so it must be the same on every node.
	People []Person
	// Tables holds the capacity of each table: Tables[t-1] is table t's.
	Tables []int
	// Rounds is the number of rounds in the café, History included.
	Rounds int
	// History holds the rounds already played: History[i] says where each
	// person sat in round i+1 (id → table). People in it who are no longer in
	// People still count: whoever sat with them has met them. Seats outside
	// 1..len(Tables) mean "at no table".
	History []map[string]int
	// Fixed holds facilitator overrides: Fixed[round][id] = table. Plan
	// respects them; they count as seats already taken when the remaining
	// people are balanced over the tables. Overrides for rounds already in
	// History are ignored, as are overrides for absent people.
	Fixed map[int]map[string]int
	// Seed drives every random choice. The same input gives the same plan.
	Seed uint64
	// ReturnHome sends every traveller back to their first table in the final
	// round (when it is still to be planned and the café has two rounds or
	// more), room permitting. That reunion is the point, so Measure does not
	// count its meetings as repeats nor its returns as revisits.
	ReturnHome bool
}

// Person is one person as the planner sees them.
type Person struct {
	ID   string
	Host bool
	// Group is the declared stakeholder group; "" (prefer not to say) takes
	// no part in the diversity objective.
	Group string
	// Present people are seated in the planned rounds; absent ones are not.
	Present bool
	// Home is a host's table (required for a present host). For a traveller
	// it is the table they sit at in round 1 when round 1 is planned (no
	// History); 0 lets the planner choose.
	Home int
}

// Schedule is the seating for the rounds that were still to be played.
type Schedule struct {
	// From is the first planned round: len(History)+1.
	From int `json:"from"`
	// Seats[i] says where every present person sits in round From+i
	// (id → table, tables numbered from 1).
	Seats []map[string]int `json:"seats"`
}

// Round returns the seating of round r, or nil when r is not planned.
func (p Schedule) Round(r int) map[string]int {
	if i := r - p.From; i >= 0 && i < len(p.Seats) {
		return p.Seats[i]
	}
	return nil
}

// Plan plans every round after History up to Rounds. It fails only on input
// that no plan can satisfy: no tables, duplicate or empty ids, a present host
// without a table, overrides outside the tables or moving a host, or more
// people (or fixed seats at a table) than seats.
func Plan(in Input) (Schedule, error) {
	first, r, err := planWith(&in, in.Seed, false)
	if err != nil {
		return Schedule{}, err
	}
	if r.repeats == 0 && r.unmixed == 0 {
		return first, nil // no repeat pair, every table as mixed as it can be
	}
	// Restarts while repeats stay above the bound, fewer for larger rooms:
	// eight for a room of 200 over 4 rounds, none from about 700 people.
	restarts := min(8, 2_000_000/max(1, len(in.People)*len(in.People)*max(1, in.Rounds-len(in.History))))
	if r.repeats == 0 && restarts == 0 {
		// A large room without a repeat pair: the other candidates could
		// only mix a few tables better, for three times the work, while the
		// café waits for its round to end.
		return first, nil
	}
	best := score(&in, first)
	bound := 0
	if restarts > 0 && best.stats.RepeatPairs > 0 {
		bound = LowerBound(in)
	}
	for i := 1; i <= restarts && best.stats.RepeatPairs > bound; i++ {
		if c, _, err := planWith(&in, mix(in.Seed, uint64(i)), false); err == nil {
			best = better(best, score(&in, c))
		}
	}
	if c, _, err := planWith(&in, in.Seed, true); err == nil {
		best = better(best, score(&in, c))
	}
	if c, err := OffsetPlan(in); err == nil {
		best = better(best, score(&in, c))
	}
	return best.plan, nil
}

func score(in *Input, plan Schedule) scored {
	return scored{plan, measureDetail(*in, append(slices.Clone(in.History), plan.Seats...), false)}
}

// scored is a candidate plan with its Stats (lower bound aside).
type scored struct {
	plan  Schedule
	stats Stats
}

// better returns the better of two candidates by the objectives in order,
// a on a tie.
func better(a, b scored) scored {
	x, y := a.stats, b.stats
	switch {
	case x.RepeatPairs != y.RepeatPairs:
		if y.RepeatPairs < x.RepeatPairs {
			return b
		}
	case x.RepeatMeetings != y.RepeatMeetings:
		if y.RepeatMeetings < x.RepeatMeetings {
			return b
		}
	case x.Diversity != y.Diversity:
		if y.Diversity > x.Diversity {
			return b
		}
	case y.Revisits < x.Revisits:
		return b
	}
	return a
}

// mix derives the seed of a restart (SplitMix64).
func mix(seed, i uint64) uint64 {
	z := seed + i*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// planWith plans every round with one seed: greedy construction, or the
// offset rule's seating when fromOffset, then local search.
func planWith(in *Input, seed uint64, fromOffset bool) (Schedule, *room, error) {
	r, err := newRoom(in, seed)
	if err != nil {
		return Schedule{}, nil, err
	}
	plan := Schedule{From: len(in.History) + 1}
	for round := plan.From; round <= in.Rounds; round++ {
		if err := r.setUp(round); err != nil {
			return Schedule{}, nil, err
		}
		if fromOffset {
			r.offsetSeat(round)
		} else {
			r.greedy()
		}
		r.improve()
		r.shake()
		plan.Seats = append(plan.Seats, r.commit(round))
	}
	return plan, r, nil
}

// OffsetPlan is the classic rule the planner is measured against: the k-th
// traveller whose first table was t sits at table t + k·(r − r₀) (mod the
// number of tables) in round r, where r₀ is the round of that first seat;
// people without a first seat go to the emptiest table. A balancing pass then
// moves the latest-listed travellers from the fullest tables to the emptiest.
// It honours the same hard constraints and overrides as Plan.
func OffsetPlan(in Input) (Schedule, error) {
	r, err := newRoom(&in, in.Seed)
	if err != nil {
		return Schedule{}, err
	}
	plan := Schedule{From: len(in.History) + 1}
	for round := plan.From; round <= in.Rounds; round++ {
		if err := r.setUp(round); err != nil {
			return Schedule{}, err
		}
		r.offsetSeat(round)
		plan.Seats = append(plan.Seats, r.commit(round))
	}
	return plan, nil
}

// offsetSeat seats the free travellers by the offset rule and rebalances.
