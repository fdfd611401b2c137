package cafe

// The rotation planner: who sits where in each round.
//
// In a World Café the table hosts stay while everyone else travels, so that
// each round they meet people they have not met, from stakeholder groups they
// have not heard. Plan turns that into a seating for every remaining round.
//
// Hard constraints (a plan that breaks one is never returned):
//   - hosts never move: a present host sits at their Home table every round;
//   - every present person sits at exactly one table per round, absent people
//     at none;
//   - no table holds more than its capacity, and table sizes differ by at
//     most one, as far as capacities and fixed seats (hosts, overrides) allow:
//     each table's size lies in [min(L, cap), min(L+1, cap)] for one level L
//     (raised to the fixed seats when those exceed L+1).
//
// Objectives, in strict order (a better value of an earlier one is never
// traded for a later one, within the reach of the heuristic):
//  1. fewest repeated pairs: two people (a traveller and a traveller, or a
//     traveller and a host) who share a table in more than one round; then,
//     among plans with as many, the fewest meetings of pairs already
//     repeated (where repeats are forced, a pair that has repeated anyway
//     is the cheapest place to put another meeting);
//  2. most stakeholder diversity per table: the planner minimises, per table,
//     the pairs of people who share a declared group (Σ C(count, 2)), which
//     spreads each group over the tables;
//  3. fewest revisits: travellers coming back to a table they sat at.
//
// The heuristic plans round by round: a greedy construction seats the
// travellers one by one (in a seeded random order) at the feasible table with
// the lowest cost, then a local search moves single travellers and swaps
// pairs of travellers between tables while that lowers the cost, and finally
// a seeded random walk over cost-neutral swaps tries to shake out repeats that
// remain. Unless that first plan is provably best (no repeat pair and every
// table as mixed as it can be), Plan also tries a few restarts with derived
// seeds while repeats stay above the lower bound, the same local search
// started from the offset rule's seating (whose modular structure is hard to
// find by search in tight rooms), and the offset rule itself, and keeps the
// best by Stats: so it is never worse than OffsetPlan on repeat pairs.
// Everything random comes from a PCG seeded with PlanInput.Seed, the search
// effort is bounded by a count of operations (not by a clock), and nothing
// iterates a map in an order that matters, so the same input gives the same
// plan on every node.
//
// Who has met whom is a bitset per person, and group counts are kept per
// table, so every cost change is computed incrementally: 2,000 people at 400
// tables over 4 rounds plan in tens of milliseconds (BENCHMARKS.md).

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
)

// PlanInput is everything the planner needs to know about a café.
type PlanInput struct {
	// People are everyone who may take part, in a stable order (joining
	// order): the order breaks ties, so it must be the same on every node.
	People []PlanPerson
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
	// more), room permitting. That reunion is the point, so Stats does not
	// count its meetings as repeats nor its returns as revisits.
	ReturnHome bool
}

// PlanPerson is one person as the planner sees them.
type PlanPerson struct {
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

// RotationPlan is the seating for the rounds that were still to be played.
type RotationPlan struct {
	// From is the first planned round: len(History)+1.
	From int `json:"from"`
	// Seats[i] says where every present person sits in round From+i
	// (id → table, tables numbered from 1).
	Seats []map[string]int `json:"seats"`
}

// Round returns the seating of round r, or nil when r is not planned.
func (p RotationPlan) Round(r int) map[string]int {
	if i := r - p.From; i >= 0 && i < len(p.Seats) {
		return p.Seats[i]
	}
	return nil
}

// maxPlanPeople bounds the met-bitsets (2·n²/8 bytes: 256 MiB at this size)
// and keeps every packed cost below overflow.
const maxPlanPeople = 1 << 15

// cost is the planner's lexicographic cost in two packed words: hi holds new
// repeat pairs (×cRepeat) above meetings of pairs already repeated; lo holds
// group collisions (×cCollision) above revisits. With at most 2^15 people no
// part can overflow into the next, also for a whole round's sum.
type cost struct{ hi, lo int64 }

const (
	cRepeat    = 1 << 32
	cCollision = 1 << 20
)

func (a cost) add(b cost) cost  { return cost{a.hi + b.hi, a.lo + b.lo} }
func (a cost) sub(b cost) cost  { return cost{a.hi - b.hi, a.lo - b.lo} }
func (a cost) less(b cost) bool { return a.hi < b.hi || a.hi == b.hi && a.lo < b.lo }
func (a cost) isZero() bool     { return a.hi == 0 && a.lo == 0 }
func (a cost) negative() bool   { return a.less(cost{}) }

// workPerRound bounds the search effort per round, counted in people
// visited. It is far above what usual cafés need (2,000 people at 400
// tables use a few million) and keeps crowded rooms, where repeats are
// forced and the search never runs out of candidates, to about a second.
const workPerRound = 40_000_000

// Plan plans every round after History up to Rounds. It fails only on input
// that no plan can satisfy: no tables, duplicate or empty ids, a present host
// without a table, overrides outside the tables or moving a host, or more
// people (or fixed seats at a table) than seats.
func Plan(in PlanInput) (RotationPlan, error) {
	first, r, err := planWith(&in, in.Seed, false)
	if err != nil {
		return RotationPlan{}, err
	}
	if r.repeats == 0 && r.unmixed == 0 {
		return first, nil // no repeat pair, every table as mixed as it can be
	}
	best := score(&in, first)
	bound := RepeatPairsLowerBound(in)
	// Restarts while repeats stay above the bound, fewer for larger rooms:
	// eight for a room of 200 over 4 rounds, none from about 700 people.
	restarts := min(8, 2_000_000/max(1, len(in.People)*len(in.People)*max(1, in.Rounds-len(in.History))))
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

func score(in *PlanInput, plan RotationPlan) scored {
	return scored{plan, measure(*in, append(slices.Clone(in.History), plan.Seats...))}
}

// scored is a candidate plan with its Stats (lower bound aside).
type scored struct {
	plan  RotationPlan
	stats PlanStats
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
func planWith(in *PlanInput, seed uint64, fromOffset bool) (RotationPlan, *rotation, error) {
	r, err := newRotation(in, seed)
	if err != nil {
		return RotationPlan{}, nil, err
	}
	plan := RotationPlan{From: len(in.History) + 1}
	for round := plan.From; round <= in.Rounds; round++ {
		if err := r.setUp(round); err != nil {
			return RotationPlan{}, nil, err
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
func OffsetPlan(in PlanInput) (RotationPlan, error) {
	r, err := newRotation(&in, in.Seed)
	if err != nil {
		return RotationPlan{}, err
	}
	plan := RotationPlan{From: len(in.History) + 1}
	for round := plan.From; round <= in.Rounds; round++ {
		if err := r.setUp(round); err != nil {
			return RotationPlan{}, err
		}
		r.offsetSeat(round)
		plan.Seats = append(plan.Seats, r.commit(round))
	}
	return plan, nil
}

// offsetSeat seats the free travellers by the offset rule and rebalances.
func (r *rotation) offsetSeat(round int) {
	k := make([]int, r.T)
	for _, p := range r.free { // input order
		t := r.first[p]
		if t < 0 {
			r.place(p, r.emptiest())
			continue
		}
		k[t]++
		r.place(p, int32((int(t)+k[t]*(round-int(r.firstRound[p])))%r.T))
	}
	r.rebalance()
}

// rotation is the planner's working state.
type rotation struct {
	in    *PlanInput
	T     int
	caps  []int
	ids   []string
	index map[string]int32
	host  []bool
	home  []int32 // 0-based table, -1 when none
	group []int32 // index of the declared group, -1 when none
	// present people in input order
	present []int32

	words      int
	met        []uint64 // met[p*words:] is p's bitset of people met so far
	met2       []uint64 // … and of people met twice or more
	tw         int      // words per person in vis
	vis        []uint64 // vis[p*tw:] is the bitset of tables p sat at as a traveller
	repeats    int      // repeat pairs so far (as Stats counts them)
	unmixed    int      // tables so far less mixed than they could be (as Stats)
	first      []int32  // first table each person sat at, -1 when none
	firstRound []int32
	rng        *rand.Rand

	// the round being planned
	groups  int
	seat    []int32 // table of each person, -1 when not seated
	pos     []int32 // index of each person in members[seat]
	members [][]int32
	gc      []int32 // gc[t*groups+g]: people of group g at table t
	lo, hi  []int   // size bounds of each table
	movable []bool
	free    []int32 // travellers the planner places, input order
	cost    []cost  // cached costHere of movable people during improve
	work    int     // people visited so far, to bound the search
	budget  int     // work allowed until the end of this round
}

func newRotation(in *PlanInput, seed uint64) (*rotation, error) {
	T := len(in.Tables)
	if T == 0 {
		return nil, errors.New("rotation: no tables")
	}
	for i, c := range in.Tables {
		if c < 0 {
			return nil, fmt.Errorf("rotation: table %d has %d seats", i+1, c)
		}
	}
	if in.Rounds < len(in.History) {
		return nil, fmt.Errorf("rotation: %d rounds, but %d already played", in.Rounds, len(in.History))
	}
	r := &rotation{in: in, T: T, caps: in.Tables, index: make(map[string]int32, len(in.People))}
	groupIndex := map[string]int32{}
	for _, p := range in.People {
		if p.ID == "" {
			return nil, errors.New("rotation: a person without an id")
		}
		if _, dup := r.index[p.ID]; dup {
			return nil, fmt.Errorf("rotation: %q is listed twice", p.ID)
		}
		g := int32(-1)
		if p.Group != "" {
			gi, ok := groupIndex[p.Group]
			if !ok {
				gi = int32(len(groupIndex))
				groupIndex[p.Group] = gi
			}
			g = gi
		}
		home := int32(-1)
		if p.Home >= 1 && p.Home <= T {
			home = int32(p.Home - 1)
		} else if p.Home != 0 {
			return nil, fmt.Errorf("rotation: %q has home table %d of %d", p.ID, p.Home, T)
		}
		if p.Present && p.Host && home < 0 {
			return nil, fmt.Errorf("rotation: host %q has no table", p.ID)
		}
		r.add(p.ID, p.Host, g, home)
		if p.Present {
			r.present = append(r.present, r.index[p.ID])
		}
	}
	r.groups = max(1, len(groupIndex))
	var extra []string
	for _, seats := range in.History {
		for id := range seats {
			if _, ok := r.index[id]; !ok && !slices.Contains(extra, id) {
				extra = append(extra, id)
			}
		}
	}
	slices.Sort(extra) // map order must not leak into the plan
	for _, id := range extra {
		r.add(id, false, -1, -1)
	}
	n := len(r.ids)
	if n > maxPlanPeople {
		return nil, fmt.Errorf("rotation: %d people; the planner handles at most %d", n, maxPlanPeople)
	}
	if err := r.checkFixed(); err != nil {
		return nil, err
	}

	r.words = (n + 63) / 64
	r.met = make([]uint64, n*r.words)
	r.met2 = make([]uint64, n*r.words)
	r.tw = (T + 63) / 64
	r.vis = make([]uint64, n*r.tw)
	r.first = slices.Repeat([]int32{-1}, n)
	r.firstRound = make([]int32, n)
	r.seat = slices.Repeat([]int32{-1}, n)
	r.pos = make([]int32, n)
	r.movable = make([]bool, n)
	r.cost = make([]cost, n)
	r.members = make([][]int32, T)
	r.gc = make([]int32, T*r.groups)
	r.lo, r.hi = make([]int, T), make([]int, T)
	r.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	tables := make([][]int32, T)
	for h, seats := range in.History {
		for t := range tables {
			tables[t] = tables[t][:0]
		}
		for id, t := range seats {
			if t >= 1 && t <= T {
				tables[t-1] = append(tables[t-1], r.index[id])
			}
		}
		for t, m := range tables {
			r.sat(int32(t), m, h+1)
		}
		r.mixCount(tables)
	}
	return r, nil
}

func (r *rotation) add(id string, host bool, group, home int32) {
	r.index[id] = int32(len(r.ids))
	r.ids = append(r.ids, id)
	r.host = append(r.host, host)
	r.group = append(r.group, group)
	r.home = append(r.home, home)
}

// checkFixed validates the overrides of the rounds to be planned.
func (r *rotation) checkFixed() error {
	rounds := make([]int, 0, len(r.in.Fixed))
	for round := range r.in.Fixed {
		if round > len(r.in.History) && round <= r.in.Rounds {
			rounds = append(rounds, round)
		}
	}
	slices.Sort(rounds)
	for _, round := range rounds {
		seats := r.in.Fixed[round]
		ids := make([]string, 0, len(seats))
		for id := range seats {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			t := seats[id]
			p, ok := r.index[id]
			if !ok {
				return fmt.Errorf("rotation: round %d: override for unknown person %q", round, id)
			}
			if t < 1 || t > r.T {
				return fmt.Errorf("rotation: round %d: %q overridden to table %d of %d", round, id, t, r.T)
			}
			if r.host[p] && r.home[p] >= 0 && int(r.home[p]) != t-1 {
				return fmt.Errorf("rotation: round %d: host %q cannot move from table %d to %d", round, id, r.home[p]+1, t)
			}
		}
	}
	return nil
}

// sat records that members sat together at table t in round.
func (r *rotation) sat(t int32, members []int32, round int) {
	for i, a := range members {
		for _, b := range members[i+1:] {
			ab, ba := int(a)*r.words+int(b)>>6, int(b)*r.words+int(a)>>6
			bitB, bitA := uint64(1)<<(uint(b)&63), uint64(1)<<(uint(a)&63)
			if r.met[ab]&bitB != 0 {
				if r.met2[ab]&bitB == 0 && !(r.host[a] && r.host[b]) {
					r.repeats++
				}
				r.met2[ab] |= bitB
				r.met2[ba] |= bitA
			}
			r.met[ab] |= bitB
			r.met[ba] |= bitA
		}
		if !r.host[a] {
			r.vis[int(a)*r.tw+int(t)>>6] |= 1 << (uint(t) & 63)
		}
		if r.first[a] < 0 {
			r.first[a], r.firstRound[a] = t, int32(round)
		}
	}
}

func (r *rotation) hasMet(a, b int32) bool {
	return r.met[int(a)*r.words+int(b)>>6]&(1<<(uint(b)&63)) != 0
}

// pairCost is what a and b sitting together costs: a new repeat pair if they
// met once, a meeting of an already repeated pair if they met twice or more.
func (r *rotation) pairCost(a, b int32) int64 {
	i, bit := int(a)*r.words+int(b)>>6, uint64(1)<<(uint(b)&63)
	switch {
	case r.met2[i]&bit != 0:
		return 1
	case r.met[i]&bit != 0:
		return cRepeat
	}
	return 0
}

func (r *rotation) place(p, t int32) {
	r.seat[p] = t
	r.pos[p] = int32(len(r.members[t]))
	r.members[t] = append(r.members[t], p)
	if g := r.group[p]; g >= 0 {
		r.gc[int(t)*r.groups+int(g)]++
	}
}

func (r *rotation) remove(p int32) {
	t := r.seat[p]
	m := r.members[t]
	i := r.pos[p]
	last := m[len(m)-1]
	m[i], r.pos[last] = last, i
	r.members[t] = m[:len(m)-1]
	if g := r.group[p]; g >= 0 {
		r.gc[int(t)*r.groups+int(g)]--
	}
	r.seat[p] = -1
}

// setUp starts planning round: hosts, overrides and (in round 1) travellers'
// homes are seated, the reunion round seats travellers at their first table,
// and the size bounds of every table are computed. r.free lists the
// travellers left to place.
func (r *rotation) setUp(round int) error {
	for p := range r.seat {
		r.seat[p] = -1
		r.movable[p] = false
	}
	for t := range r.members {
		r.members[t] = r.members[t][:0]
	}
	clear(r.gc)
	r.free = r.free[:0]
	fixed := r.in.Fixed[round]
	for _, p := range r.present {
		if r.host[p] {
			r.place(p, r.home[p])
			continue
		}
		if t, ok := fixed[r.ids[p]]; ok {
			r.place(p, int32(t-1))
			continue
		}
		if round == 1 && r.home[p] >= 0 {
			r.place(p, r.home[p])
			continue
		}
		r.free = append(r.free, p)
	}
	if r.in.ReturnHome && round == r.in.Rounds && round >= 2 {
		rest := r.free[:0]
		for _, p := range r.free {
			t := r.first[p]
			if t < 0 {
				t = r.home[p]
			}
			if t >= 0 && len(r.members[t]) < r.caps[t] {
				r.place(p, t)
			} else {
				rest = append(rest, p)
			}
		}
		r.free = rest
	}
	total := 0
	for t, c := range r.caps {
		if len(r.members[t]) > c {
			return fmt.Errorf("rotation: round %d: table %d has %d seats but %d people must sit there (hosts and overrides)", round, t+1, c, len(r.members[t]))
		}
		r.lo[t] = len(r.members[t]) // fixed seats, for now
		total += c
	}
	if len(r.present) > total {
		return fmt.Errorf("rotation: %d people but only %d seats", len(r.present), total)
	}
	levels(r.lo, r.hi, r.caps, len(r.present))
	for _, p := range r.free {
		r.movable[p] = true
	}
	r.budget = r.work + workPerRound
	return nil
}

// levels turns the seats already taken at each table (lo, on entry) into
// size bounds: the largest level L with Σ clamp(L, taken, cap) ≤ n, then
// each table holds between clamp(L) (lo, on return) and clamp(L+1) (hi).
func levels(lo, hi, caps []int, n int) {
	fixed := slices.Clone(lo)
	sum := func(L int) int {
		s := 0
		for t, c := range caps {
			s += min(max(L, fixed[t]), c)
		}
		return s
	}
	a, b := 0, n // sum(a) ≤ n holds for a = 0
	for a < b {
		mid := (a + b + 1) / 2
		if sum(mid) <= n {
			a = mid
		} else {
			b = mid - 1
		}
	}
	for t, c := range caps {
		lo[t] = min(max(a, fixed[t]), c)
		hi[t] = min(max(a+1, fixed[t]), c)
	}
}

// repeatsAt is the repeat part (cost.hi) of p sitting with the people at
// table t other than p.
func (r *rotation) repeatsAt(p, t int32) int64 {
	row, row2 := r.met[int(p)*r.words:int(p+1)*r.words], r.met2[int(p)*r.words:int(p+1)*r.words]
	m := r.members[t]
	r.work += len(m)
	var c int64
	for _, q := range m {
		w, bit := q>>6, uint64(1)<<(uint(q)&63)
		if row[w]&bit != 0 && q != p {
			if row2[w]&bit != 0 {
				c++
			} else {
				c += cRepeat
			}
		}
	}
	return c
}

func (r *rotation) visitedAt(p, t int32) int64 {
	return int64(r.vis[int(p)*r.tw+int(t)>>6]>>(uint(t)&63)) & 1
}

// mixCount counts the tables of a round that hear fewer groups than they could
// (Stats' diversity below 1 for that table).
func (r *rotation) mixCount(tables [][]int32) {
	inRoom := make([]bool, r.groups)
	rooms := 0
	for _, m := range tables {
		for _, p := range m {
			if g := r.group[p]; g >= 0 && !inRoom[g] {
				inRoom[g] = true
				rooms++
			}
		}
	}
	seen := make([]bool, r.groups)
	for _, m := range tables {
		clear(seen)
		declared, distinct := 0, 0
		for _, p := range m {
			if g := r.group[p]; g >= 0 {
				declared++
				if !seen[g] {
					seen[g] = true
					distinct++
				}
			}
		}
		if distinct < min(declared, rooms) {
			r.unmixed++
		}
	}
}

// costAt is p's cost at table t where p does not sit.
func (r *rotation) costAt(p, t int32) cost {
	c := cost{r.repeatsAt(p, t), r.visitedAt(p, t)}
	if g := r.group[p]; g >= 0 {
		c.lo += int64(r.gc[int(t)*r.groups+int(g)]) * cCollision
	}
	return c
}

// costHere is p's cost at the table where p sits.
func (r *rotation) costHere(p int32) cost {
	t := r.seat[p]
	c := cost{r.repeatsAt(p, t), r.visitedAt(p, t)}
	if g := r.group[p]; g >= 0 {
		c.lo += int64(r.gc[int(t)*r.groups+int(g)]-1) * cCollision
	}
	return c
}

// greedy seats the free travellers one by one, in a seeded random order, at
// the cheapest table that keeps every table's size reachable.
func (r *rotation) greedy() {
	order := slices.Clone(r.free)
	r.rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	remaining, deficit := len(order), 0
	for t := range r.members {
		deficit += max(0, r.lo[t]-len(r.members[t]))
	}
	tables := r.rng.Perm(r.T)
	for _, p := range order {
		best, bestCost := int32(-1), cost{}
		for _, ti := range tables {
			t := int32(ti)
			n := len(r.members[t])
			if n >= r.hi[t] || (n >= r.lo[t] && remaining-1 < deficit) {
				continue
			}
			if best >= 0 && bestCost.hi == 0 {
				// Repeats cost at least nothing: the group and revisit part
				// alone may already rule t out.
				lo := r.visitedAt(p, t)
				if g := r.group[p]; g >= 0 {
					lo += int64(r.gc[int(t)*r.groups+int(g)]) * cCollision
				}
				if lo > bestCost.lo || lo == bestCost.lo && n >= len(r.members[best]) {
					continue
				}
			}
			c := r.costAt(p, t)
			if best < 0 || c.less(bestCost) || c == bestCost && n < len(r.members[best]) { // emptier tables break ties
				best, bestCost = t, c
			}
		}
		if len(r.members[best]) < r.lo[best] {
			deficit--
		}
		remaining--
		r.place(p, best)
	}
}

// improve is a first-improvement local search over moves of one traveller
// and swaps of two. An improving swap lowers the cost on at least one side,
// so only swaps that help the scanned traveller are evaluated in full.
func (r *rotation) improve() {
	movers := slices.Clone(r.free)
	for _, p := range movers {
		r.cost[p] = r.costHere(p)
	}
	for range 12 {
		r.rng.Shuffle(len(movers), func(i, j int) { movers[i], movers[j] = movers[j], movers[i] })
		improved := false
		for _, a := range movers {
			if r.work > r.budget {
				return
			}
			if r.cost[a].isZero() {
				continue
			}
			if _, ok := r.bestStep(a, false); ok {
				improved = true
			}
		}
		if !improved {
			return
		}
	}
}

// bestStep applies the best move or swap for a that lowers the round's
// objective (or, when neutral is set, at least does not raise it), and
// returns the change.
func (r *rotation) bestStep(a int32, neutral bool) (cost, bool) {
	A := r.seat[a]
	ga := r.group[a]
	best, bestB, bestb := cost{}, int32(-1), int32(-1)
	accept := func(d cost) bool {
		if bestB < 0 {
			return d.negative() || neutral && d.isZero()
		}
		return d.less(best)
	}
	start := r.rng.IntN(r.T)
	canLeave := len(r.members[A]) > r.lo[A]
	// A traveller without repeats can only gain on groups and revisits, so
	// most tables are screened out by those alone, before any repeat is
	// counted. Swapping with someone of one's own group leaves the group
	// counts as they were: only repeats and revisits can change.
	quick := !neutral && r.cost[a].hi == 0
	revisitA := r.cost[a].lo % cCollision
	var gcA int64
	if ga >= 0 {
		gcA = int64(r.gc[int(A)*r.groups+int(ga)])
	}
	for i := range r.T {
		B := int32((start + i) % r.T)
		if B == A || r.hi[B] == 0 {
			continue
		}
		var gcB int64
		if ga >= 0 {
			gcB = int64(r.gc[int(B)*r.groups+int(ga)])
		}
		revisitB := r.visitedAt(a, B)
		otherOK, sameOK := true, true // whether swaps with others / own group can help a
		if quick {
			otherOK = gcB*cCollision+revisitB < r.cost[a].lo
			sameOK = revisitA > revisitB && gcB > 0
			if !otherOK && !sameOK {
				continue
			}
		}
		side := r.costAt(a, B).sub(r.cost[a])
		if otherOK && canLeave && len(r.members[B]) < r.hi[B] && accept(side) {
			best, bestB, bestb = side, B, -1
		}
		for _, b := range r.members[B] {
			if !r.movable[b] {
				continue
			}
			same := ga >= 0 && ga == r.group[b]
			if same && !sameOK || !same && !otherOK {
				continue
			}
			// a and b each leave someone behind: their own pair and group.
			fix := cost{hi: r.pairCost(a, b)}
			if same {
				fix.lo = cCollision
			}
			sideA := side.sub(fix)
			own := sideA // a's share of the change
			if same {
				own.lo -= (gcB - gcA) * cCollision // cancelled by b's share
			}
			if !own.negative() && !(neutral && own.isZero()) && (bestB < 0 || !sideA.less(best)) {
				// Only b's share could pay for this swap: it is found when b
				// is the one scanned.
				continue
			}
			d := sideA.add(r.costAt(b, A)).sub(fix).sub(r.cost[b])
			if accept(d) {
				best, bestB, bestb = d, B, b
			}
		}
	}
	if bestB < 0 {
		return cost{}, false
	}
	r.remove(a)
	if bestb >= 0 {
		r.remove(bestb)
		r.place(bestb, A)
	}
	r.place(a, bestB)
	r.refresh(A)
	r.refresh(bestB)
	return best, true
}

// refresh recomputes the cached cost of the movable people at table t.
func (r *rotation) refresh(t int32) {
	for _, p := range r.members[t] {
		if r.movable[p] {
			r.cost[p] = r.costHere(p)
		}
	}
}

// shake runs when repeats survive the local search: a seeded random walk that
// takes improving or cost-neutral steps for travellers still in a repeat,
// which lets the search cross plateaus. It keeps the best seating seen and
// stops when the round is free of repeats, after a stretch without progress,
// or after a budget proportional to the room.
func (r *rotation) shake() {
	who := r.inRepeats(nil)
	if len(who) == 0 {
		return
	}
	f := r.objective()
	best := f
	bestSeat := slices.Clone(r.seat)
	budget := min(200+20*len(r.free), 20000)
	stale, staleLimit := 0, 50+len(r.free)
	for step := 0; step < budget && stale < staleLimit && len(who) > 0 && r.work <= r.budget; step++ {
		a := who[r.rng.IntN(len(who))]
		stale++
		if d, ok := r.bestStep(a, true); ok {
			f = f.add(d)
			if f.less(best) {
				best, stale = f, 0
				copy(bestSeat, r.seat)
				if best.hi == 0 {
					break
				}
			}
		}
		if step%8 == 7 || r.cost[a].hi == 0 {
			who = r.inRepeats(who[:0])
		}
	}
	if !slices.Equal(bestSeat, r.seat) {
		for _, p := range r.free {
			r.remove(p)
		}
		for _, p := range r.free {
			r.place(p, bestSeat[p])
		}
		for _, p := range r.free {
			r.cost[p] = r.costHere(p)
		}
	}
	r.improve()
}

// inRepeats appends the free travellers who sit with someone they have met.
func (r *rotation) inRepeats(who []int32) []int32 {
	for _, p := range r.free {
		if r.cost[p].hi > 0 {
			who = append(who, p)
		}
	}
	return who
}

// objective is the round's cost: every pair at a table that has met, every
// pair sharing a group, every revisit. bestStep's returned change is exactly
// the change of this sum.
func (r *rotation) objective() cost {
	var f cost
	for t, m := range r.members {
		for i, a := range m {
			for _, b := range m[i+1:] {
				f.hi += r.pairCost(a, b)
				if g := r.group[a]; g >= 0 && g == r.group[b] {
					f.lo += cCollision
				}
			}
			if r.movable[a] {
				f.lo += r.visitedAt(a, int32(t))
			}
		}
	}
	return f
}

// emptiest is the table with the most room below its upper bound (the
// lowest number on a tie), for OffsetPlan's newcomers.
func (r *rotation) emptiest() int32 {
	best := int32(-1)
	for t := range r.T {
		if r.hi[t] == 0 {
			continue
		}
		if best < 0 || len(r.members[t])-r.hi[t] < len(r.members[best])-r.hi[best] {
			best = int32(t)
		}
	}
	if best < 0 {
		return 0
	}
	return best
}

// rebalance moves travellers until every table's size is within its bounds:
// from a table above its upper bound (or, when none is, the table furthest
// above its lower bound) to a table below its lower bound (or the one with
// the most room). The latest-listed traveller moves first.
func (r *rotation) rebalance() {
	size := func(t int) int { return len(r.members[t]) }
	for {
		src, dst := -1, -1
		for t := range r.T {
			if size(t) > r.hi[t] && (src < 0 || size(t)-r.hi[t] > size(src)-r.hi[src]) {
				src = t
			}
		}
		if src >= 0 {
			for t := range r.T {
				if size(t) < r.hi[t] && (dst < 0 || size(t)-r.lo[t] < size(dst)-r.lo[dst]) {
					dst = t
				}
			}
		} else {
			for t := range r.T {
				if size(t) < r.lo[t] && (dst < 0 || r.lo[t]-size(t) > r.lo[dst]-size(dst)) {
					dst = t
				}
			}
			if dst < 0 {
				return
			}
			for t := range r.T {
				if size(t) > r.lo[t] && (src < 0 || size(t)-r.lo[t] > size(src)-r.lo[src]) {
					src = t
				}
			}
		}
		if src < 0 || dst < 0 {
			return // cannot happen: the bounds sum around the head count
		}
		mv := int32(-1)
		for _, p := range r.members[src] {
			if r.movable[p] && p > mv {
				mv = p
			}
		}
		if mv < 0 {
			return
		}
		r.remove(mv)
		r.place(mv, int32(dst))
	}
}

// commit records the round's seating as played and returns it.
func (r *rotation) commit(round int) map[string]int {
	out := make(map[string]int, len(r.present))
	for _, p := range r.present {
		out[r.ids[p]] = int(r.seat[p]) + 1
	}
	repeats := r.repeats
	for t, m := range r.members {
		r.sat(int32(t), m, round)
	}
	if r.in.ReturnHome && round == r.in.Rounds && round >= 2 {
		r.repeats = repeats // the reunion is the point (Stats agrees)
	}
	r.mixCount(r.members)
	return out
}

// PlanStats measures a plan together with the rounds already played.
type PlanStats struct {
	// RepeatPairs counts pairs of people (not both hosts) who share a table
	// in more than one round; RepeatMeetings counts every such meeting after
	// the first (a pair meeting three times counts 2).
	RepeatPairs    int `json:"repeat_pairs"`
	RepeatMeetings int `json:"repeat_meetings"`
	// Revisits counts the times a traveller sits at a table they sat at in an
	// earlier round.
	Revisits int `json:"revisits"`
	// Diversity is the mean, over every table of every round with at least
	// one person of a declared group, of distinct groups at the table ÷
	// min(people of a declared group at the table, groups in the room that
	// round). 1 means every table is as mixed as it can be; 1 also when
	// nobody declared a group.
	Diversity float64 `json:"diversity"`
	// RepeatPairsLowerBound is a bound no plan can beat (see
	// RepeatPairsLowerBound); 0 when no better bound is known.
	RepeatPairsLowerBound int `json:"repeat_pairs_lower_bound"`
	// GroupsPerTable[i][t-1] counts people per declared group at table t in
	// round i+1 (History first, then the plan).
	GroupsPerTable [][]map[string]int `json:"groups_per_table"`
}

// Stats measures the rounds in in.History followed by plan. The reunion
// round of a ReturnHome café is left out of the repeat and revisit counts.
func Stats(in PlanInput, plan RotationPlan) PlanStats {
	st := measure(in, append(slices.Clone(in.History), plan.Seats...))
	st.RepeatPairsLowerBound = RepeatPairsLowerBound(in)
	return st
}

// measure is Stats without the lower bound.
func measure(in PlanInput, rounds []map[string]int) PlanStats {
	T := len(in.Tables)
	index := make(map[string]int, len(in.People))
	var host []bool
	var group []string
	for _, p := range in.People {
		if _, dup := index[p.ID]; !dup {
			index[p.ID] = len(host)
			host = append(host, p.Host)
			group = append(group, p.Group)
		}
	}
	idOf := func(id string) int {
		i, ok := index[id]
		if !ok {
			i = len(host)
			index[id] = i
			host = append(host, false)
			group = append(group, "")
		}
		return i
	}
	reunion := -1
	if in.ReturnHome && in.Rounds >= 2 && len(rounds) == in.Rounds {
		reunion = len(rounds) - 1
	}
	for _, seats := range rounds {
		for id := range seats {
			idOf(id)
		}
	}
	meet := newPairCount(len(host))
	visited := map[int][]int{}
	st := PlanStats{Diversity: 1}
	var divSum float64
	divN := 0
	for ri, seats := range rounds {
		tables := make([][]int, T)
		for id, t := range seats {
			if t >= 1 && t <= T {
				tables[t-1] = append(tables[t-1], idOf(id))
			}
		}
		inRoom := map[string]bool{}
		for _, m := range tables {
			for _, p := range m {
				if group[p] != "" {
					inRoom[group[p]] = true
				}
			}
		}
		perTable := make([]map[string]int, T)
		for t, m := range tables {
			perTable[t] = map[string]int{}
			declared := 0
			for _, p := range m {
				if group[p] != "" {
					perTable[t][group[p]]++
					declared++
				}
			}
			if declared > 0 {
				divSum += float64(len(perTable[t])) / float64(min(declared, len(inRoom)))
				divN++
			}
			if ri == reunion {
				continue
			}
			for i, a := range m {
				for _, b := range m[i+1:] {
					if host[a] && host[b] {
						continue
					}
					meet.add(a, b)
				}
				if !host[a] {
					if slices.Contains(visited[a], t) {
						st.Revisits++
					}
					visited[a] = append(visited[a], t)
				}
			}
		}
		st.GroupsPerTable = append(st.GroupsPerTable, perTable)
	}
	st.RepeatPairs, st.RepeatMeetings = meet.repeats()
	if divN > 0 {
		st.Diversity = divSum / float64(divN)
	}
	return st
}

// pairCount counts meetings per pair: in a flat triangle for rooms up to a
// few thousand people, in a map beyond.
type pairCount struct {
	n    int
	flat []uint16
	m    map[uint64]int
}

func newPairCount(n int) *pairCount {
	if n*n <= 1<<23 {
		return &pairCount{n: n, flat: make([]uint16, n*n)}
	}
	return &pairCount{n: n, m: map[uint64]int{}}
}

func (c *pairCount) add(a, b int) {
	lo, hi := min(a, b), max(a, b)
	if c.flat != nil {
		c.flat[lo*c.n+hi]++
		return
	}
	c.m[uint64(lo)<<32|uint64(hi)]++
}

// repeats returns the pairs met more than once and their meetings after
// the first.
func (c *pairCount) repeats() (pairs, meetings int) {
	count := func(n int) {
		if n > 1 {
			pairs++
			meetings += n - 1
		}
	}
	for _, n := range c.flat {
		count(int(n))
	}
	for _, n := range c.m {
		count(n)
	}
	return pairs, meetings
}

// RepeatPairsLowerBound returns a number of repeat pairs that every plan for
// in must reach (the reunion round of a ReturnHome café aside), or 0 when
// the input is invalid or no better bound is known. It is the largest of:
//
//   - history: the repeat pairs already in History;
//   - tables: for two rounds r₁ < r₂ with r₂ planned, the people at one table
//     in r₁ who are present in r₂ must spread over the tables in r₂; their
//     hosts stay put, so at best the travellers fill the tables evenly
//     (water-filling, each table's cost the people of the group already
//     there). For a planned r₁ the group is the table's minimum size with
//     its present hosts. Groups of one round pair are disjoint, so their
//     counts add up; the best round pair is taken;
//   - hosts: when every table has a present host and a traveller has more
//     planned rounds than there are tables, they meet some host twice;
//   - people: a traveller meets at least Σ(smallest table − 1) people over
//     the planned rounds; beyond the present people they have not met yet,
//     each meeting repeats a pair, and one pair holds at most one meeting
//     per planned round; each pair is counted from both ends, hence halved.
//
// With tables of s people and T ≥ s tables (any usual café) the bound is 0;
// it bites for few, large tables.
func RepeatPairsLowerBound(in PlanInput) int {
	r, err := newRotation(&in, in.Seed)
	if err != nil {
		return 0
	}
	last := in.Rounds
	if in.ReturnHome && in.Rounds >= 2 {
		last--
	}
	h := len(in.History)
	played := in.History[:min(h, last)]
	best := measure(PlanInput{People: in.People, Tables: in.Tables, Rounds: len(played)}, played).RepeatPairs
	if last <= h {
		return best
	}
	planned := last - h
	// Size bounds of the planned rounds and hosts per table.
	los := make([][]int, 0, planned)
	for round := h + 1; round <= last; round++ {
		if r.setUp(round) != nil {
			return best
		}
		los = append(los, slices.Clone(r.lo))
	}
	hosts := make([]int, r.T)
	for _, p := range r.present {
		if r.host[p] {
			hosts[r.home[p]]++
		}
	}
	isPresent := make([]bool, len(r.ids))
	for _, p := range r.present {
		isPresent[p] = true
	}

	// tables
	for r1 := 1; r1 < last; r1++ {
		sum := 0
		for t := range r.T {
			pinned := map[int]int{}
			free := 0
			if r1 <= h {
				for id, seat := range in.History[r1-1] {
					p, ok := r.index[id]
					if seat != t+1 || !ok || !isPresent[p] {
						continue
					}
					if r.host[p] {
						pinned[int(r.home[p])]++
					} else {
						free++
					}
				}
			} else {
				if hosts[t] > 0 {
					pinned[t] = hosts[t]
				}
				free = max(0, los[r1-h-1][t]-hosts[t])
			}
			sum += waterfill(pinned, free, r.T)
		}
		best = max(best, sum)
	}

	// hosts and people
	allHosted := true
	for _, n := range hosts {
		allHosted = allHosted && n > 0
	}
	slots := 0
	for _, lo := range los {
		smallest := -1
		for t, n := range lo {
			if r.caps[t] > 0 && (smallest < 0 || n < smallest) {
				smallest = n
			}
		}
		slots += max(0, smallest-1)
	}
	hostBound, personBound := 0, 0
	for _, p := range r.present {
		if r.host[p] {
			continue
		}
		if allHosted && planned > r.T {
			hostBound++
		}
		fresh := len(r.present) - 1
		for _, q := range r.present {
			if q != p && r.hasMet(p, q) {
				fresh--
			}
		}
		if excess := slots - fresh; excess > 0 {
			personBound += (excess + planned - 1) / planned
		}
	}
	return max(best, hostBound, (personBound+1)/2)
}

// waterfill is the fewest pairs that free travellers can form with each
// other and with pinned people (counts per table) when spread over T tables.
func waterfill(pinned map[int]int, free, T int) int {
	counts := make([]int, 0, len(pinned)+free)
	for _, n := range pinned {
		counts = append(counts, n)
	}
	for range min(free, T-len(pinned)) {
		counts = append(counts, 0)
	}
	pairs := 0
	for range free {
		i := 0
		for j, c := range counts {
			if c < counts[i] {
				i = j
			}
		}
		pairs += counts[i]
		counts[i]++
	}
	return pairs
}

// SeatLate returns the table (numbered from 1) for p, who arrives while a
// round runs: seats is that round's seating and in.History the rounds before
// it (in.Rounds, Fixed and Seed are not used). A host goes to their Home. A
// traveller goes to one of the emptiest tables with a free seat (so sizes stay
// within one of each other), preferring the table where they have met the
// fewest people, then where their group has the fewest people, then one they
// have not sat at, then the lowest number. It returns 0 when no table has a
// free seat.
func SeatLate(in PlanInput, seats map[string]int, p PlanPerson) int {
	T := len(in.Tables)
	if p.Host && p.Home >= 1 && p.Home <= T {
		return p.Home
	}
	groupOf := make(map[string]string, len(in.People))
	for _, q := range in.People {
		groupOf[q.ID] = q.Group
	}
	met := map[string]bool{}
	var visited []int
	for _, round := range in.History {
		t, ok := round[p.ID]
		if !ok || t < 1 || t > T {
			continue
		}
		visited = append(visited, t)
		for id, u := range round {
			if u == t && id != p.ID {
				met[id] = true
			}
		}
	}
	count := make([]int, T)
	repeats := make([]int, T)
	same := make([]int, T)
	for id, t := range seats {
		if id == p.ID || t < 1 || t > T {
			continue
		}
		count[t-1]++
		if met[id] {
			repeats[t-1]++
		}
		if p.Group != "" && groupOf[id] == p.Group {
			same[t-1]++
		}
	}
	best := -1
	key := func(t int) [4]int {
		v := 0
		if slices.Contains(visited, t+1) {
			v = 1
		}
		return [4]int{count[t], repeats[t], same[t], v}
	}
	for t := range T {
		if count[t] >= in.Tables[t] {
			continue
		}
		if best < 0 {
			best = t
			continue
		}
		if kt, kb := key(t), key(best); slices.Compare(kt[:], kb[:]) < 0 {
			best = t
		}
	}
	return best + 1
}
