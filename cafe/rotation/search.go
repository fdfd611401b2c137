package rotation

import "slices"

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

// The search's effort per round is bounded by a count of work: tables
// screened and people visited. It is a count, not a clock, so a plan stays a
// pure function of its input and seed, on any machine under any load. The
// budget is workPerTraveller for each traveller to place, and at least
// minWorkPerRound: small rooms (up to a few hundred people) never reach it
// and are searched to the end. Past the budget the search only moves
// travellers who sit with someone they have met, until limitFactor times
// the budget: a large room whose tables cannot all be mixed (one group much
// larger than the others), where the search would go on trading small
// diversity gains for millions of steps, stops after a few milliseconds with
// its repeats still searched away; a crowded room where repeats are forced
// stops at the limit.
const (
	workPerTraveller = 32
	minWorkPerRound  = 200_000
	limitFactor      = 4
)

// workFor is the budget of one round's search with free travellers to place.
func workFor(free int) int { return max(minWorkPerRound, workPerTraveller*free) }

func (r *room) offsetSeat(round int) {
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

// repeatsAt is the repeat part (cost.hi) of p sitting with the people at
// table t other than p.
func (r *room) repeatsAt(p, t int32) int64 {
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

func (r *room) visitedAt(p, t int32) int64 {
	return int64(r.vis[int(p)*r.tw+int(t)>>6]>>(uint(t)&63)) & 1
}

// mixCount counts the tables of a round that hear fewer groups than they could
// (Measure's diversity below 1 for that table).
func (r *room) mixCount(tables [][]int32) {
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
func (r *room) costAt(p, t int32) cost {
	c := cost{r.repeatsAt(p, t), r.visitedAt(p, t)}
	if g := r.group[p]; g >= 0 {
		c.lo += int64(r.gc[int(t)*r.groups+int(g)]) * cCollision
	}
	return c
}

// costHere is p's cost at the table where p sits.
func (r *room) costHere(p int32) cost {
	t := r.seat[p]
	c := cost{r.repeatsAt(p, t), r.visitedAt(p, t)}
	if g := r.group[p]; g >= 0 {
		c.lo += int64(r.gc[int(t)*r.groups+int(g)]-1) * cCollision
	}
	return c
}

// greedy seats the free travellers one by one, in a seeded random order, at
// the cheapest table that keeps every table's size reachable.
func (r *room) greedy() {
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
func (r *room) improve() {
	movers := slices.Clone(r.free)
	for _, p := range movers {
		r.cost[p] = r.costHere(p)
	}
	for range 12 {
		r.rng.Shuffle(len(movers), func(i, j int) { movers[i], movers[j] = movers[j], movers[i] })
		improved := false
		for _, a := range movers {
			if r.work > r.limit {
				return
			}
			if r.cost[a].isZero() || r.work > r.budget && r.cost[a].hi == 0 {
				continue // past the budget, only repeats are still worth the work
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
func (r *room) bestStep(a int32, neutral bool) (cost, bool) {
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
	r.work += r.T // every table is screened, most without visiting anyone
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
func (r *room) refresh(t int32) {
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
func (r *room) shake() {
	who := r.inRepeats(nil)
	if len(who) == 0 {
		return
	}
	f := r.objective()
	best := f
	bestSeat := slices.Clone(r.seat)
	budget := min(200+20*len(r.free), 20000)
	stale, staleLimit := 0, 50+len(r.free)
	for step := 0; step < budget && stale < staleLimit && len(who) > 0 && r.work <= r.limit; step++ {
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
func (r *room) inRepeats(who []int32) []int32 {
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
func (r *room) objective() cost {
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
func (r *room) emptiest() int32 {
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
func (r *room) rebalance() {
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
