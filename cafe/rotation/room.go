package rotation

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
)

// maxPlanPeople bounds the met-bitsets (2·n²/8 bytes: 256 MiB at this size)
// and keeps every packed cost below overflow.
const maxPlanPeople = 1 << 15

// room is the planner's working state: the café as it is being seated.
type room struct {
	in    *Input
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
	repeats    int      // repeat pairs so far (as Measure counts them)
	unmixed    int      // tables so far less mixed than they could be (as Measure)
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
	budget  int     // work allowed for any gain until the end of this round
	limit   int     // work allowed for removing repeats
}

func newRoom(in *Input, seed uint64) (*room, error) {
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
	r := &room{in: in, T: T, caps: in.Tables, index: make(map[string]int32, len(in.People))}
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

func (r *room) add(id string, host bool, group, home int32) {
	r.index[id] = int32(len(r.ids))
	r.ids = append(r.ids, id)
	r.host = append(r.host, host)
	r.group = append(r.group, group)
	r.home = append(r.home, home)
}

// checkFixed validates the overrides of the rounds to be planned.
func (r *room) checkFixed() error {
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
func (r *room) sat(t int32, members []int32, round int) {
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

func (r *room) hasMet(a, b int32) bool {
	return r.met[int(a)*r.words+int(b)>>6]&(1<<(uint(b)&63)) != 0
}

// pairCost is what a and b sitting together costs: a new repeat pair if they
// met once, a meeting of an already repeated pair if they met twice or more.
func (r *room) pairCost(a, b int32) int64 {
	i, bit := int(a)*r.words+int(b)>>6, uint64(1)<<(uint(b)&63)
	switch {
	case r.met2[i]&bit != 0:
		return 1
	case r.met[i]&bit != 0:
		return cRepeat
	}
	return 0
}

func (r *room) place(p, t int32) {
	r.seat[p] = t
	r.pos[p] = int32(len(r.members[t]))
	r.members[t] = append(r.members[t], p)
	if g := r.group[p]; g >= 0 {
		r.gc[int(t)*r.groups+int(g)]++
	}
}

func (r *room) remove(p int32) {
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
func (r *room) setUp(round int) error {
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
	r.budget = r.work + workFor(len(r.free))
	r.limit = r.work + limitFactor*workFor(len(r.free))
	return nil
}

// levels turns the seats already taken at each table (lo, on entry) into
// size bounds: the largest level L with Σ clamp(L, taken, cap) ≤ n over the
// open tables (openTables), then each open table holds between clamp(L) (lo,
// on return) and clamp(L+1) (hi), and the others hold nobody.
func levels(lo, hi, caps []int, n int) {
	fixed := slices.Clone(lo)
	caps = openTables(fixed, caps, n)
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

// openTables returns the capacities of the tables that take people when n
// sit and fixed[t] of them are already placed at table t (hosts, overrides):
// caps itself when every table can hold two people or more. When the room is
// too small for that, spreading it would leave people alone at tables, which
// is no conversation; so the tables with fixed seats stay open, then the
// lowest-numbered others of two seats or more while each can still get two
// people, then more only if the seats do not suffice; the rest get capacity 0.
func openTables(fixed, caps []int, n int) []int {
	need := func(t int) int { return min(max(2, fixed[t]), caps[t]) }
	total := 0
	for t := range caps {
		total += need(t)
	}
	if total <= n {
		return caps
	}
	open := make([]int, len(caps))
	used, room := 0, 0
	for t, f := range fixed {
		if f > 0 {
			open[t] = caps[t]
			used += need(t)
			room += caps[t]
		}
	}
	for t, c := range caps {
		if open[t] == 0 && c >= 2 && used+2 <= n {
			open[t] = c
			used += 2
			room += c
		}
	}
	for t, c := range caps {
		if room >= n {
			break
		}
		if open[t] == 0 && c > 0 {
			open[t] = c
			room += c
		}
	}
	return open
}

// commit records the round's seating as played and returns it.
func (r *room) commit(round int) map[string]int {
	out := make(map[string]int, len(r.present))
	for _, p := range r.present {
		out[r.ids[p]] = int(r.seat[p]) + 1
	}
	repeats := r.repeats
	for t, m := range r.members {
		r.sat(int32(t), m, round)
	}
	if r.in.ReturnHome && round == r.in.Rounds && round >= 2 {
		r.repeats = repeats // the reunion is the point (Measure agrees)
	}
	r.mixCount(r.members)
	return out
}
