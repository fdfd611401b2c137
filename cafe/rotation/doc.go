// Package rotation is the seating planner of a World Café: who sits where in
// each round.
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
//     (raised to the fixed seats when those exceed L+1);
//   - nobody sits alone because the tables outnumber the people: when there
//     are fewer people than two a table, only some tables are used (those
//     with fixed seats, then the lowest-numbered others while each can get
//     two people, more only if the seats run short) and the rest stay empty,
//     rather than one person at each. A host stays at their table even when
//     no traveller is left for it.
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
// Everything random comes from a PCG seeded with Input.Seed, the search
// effort is bounded by a count of operations (not by a clock), and nothing
// iterates a map in an order that matters, so the same input gives the same
// plan on every node.
//
// Who has met whom is a bitset per person, and group counts are kept per
// table, so every cost change is computed incrementally; each round's search
// has a work budget scaled to the room (see workFor). 2,000 people at 400
// tables over 4 rounds plan in about 20 ms, and the next round of such a room,
// which a café plans when a round ends, in under 10 ms however its groups are
// skewed (BENCHMARKS.md).
//
// What it must never do: import anything beyond the standard library or know
// what a café, a participant or an event is (the café adapts its state to
// Input); read a clock, do I/O or start a goroutine; let map iteration order
// or wall time reach a plan; return a plan that breaks a hard constraint.
package rotation
