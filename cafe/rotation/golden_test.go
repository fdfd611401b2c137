package rotation_test

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/worldcafe/worldcafe/cafe/rotation"
)

// planHash is a short fingerprint of a plan: every seat of every round, in
// id order.
func planHash(plan rotation.Schedule) string {
	h := sha256.New()
	fmt.Fprintf(h, "from %d\n", plan.From)
	for _, seats := range plan.Seats {
		for _, id := range slices.Sorted(maps.Keys(seats)) {
			fmt.Fprintf(h, "%s=%d ", id, seats[id])
		}
		fmt.Fprintln(h)
	}
	return fmt.Sprintf("%x", h.Sum(nil))[:16]
}

// TestPlansArePinned pins the plans of a few cafés and seeds: the planner is
// a pure function of its input, so a change here is a change of behaviour,
// to be made on purpose.
func TestPlansArePinned(t *testing.T) {
	cases := []struct {
		n, tables, hosts, rounds int
		seed                     uint64
		plan, offset             string
	}{
		{50, 10, 10, 3, 1, "0412ff1c8685e7bb", "6c4682f1f76da12a"},
		{50, 10, 10, 3, 2, "85ff23d6a4177a26", "6c4682f1f76da12a"},
		{50, 10, 10, 3, 3, "4cad7a208c67770f", "6c4682f1f76da12a"},
		{200, 40, 40, 4, 1, "d4409bd2946eb6cc", "7b26edab3ac0f4d8"},
		{2000, 400, 400, 4, 1, "13203914ba85f159", "f67e814c25cae012"},
		{32, 8, 0, 4, 1, "c7c947a910320345", "0a7b5a615470268f"},
		{32, 8, 8, 5, 1, "2915ced164ad2f0c", "65e3d5d2728f7d9e"},
		{20, 4, 4, 3, 1, "3c6f64af68b44175", "1a858d1727169d9a"},
		{12, 3, 0, 2, 1, "69b73f75748910f3", "93031ff67c57f00f"},
		{10, 20, 10, 3, 1, "ef27f49e8016ff8a", "ef27f49e8016ff8a"},
		{10, 20, 0, 3, 1, "04585e555c756869", "dc92dbf064653ac4"},
	}
	for _, c := range cases {
		in := input(c.n, c.tables, c.hosts, c.rounds, c.seed)
		plan, err := rotation.Plan(in)
		if err != nil {
			t.Fatal(err)
		}
		offset, err := rotation.OffsetPlan(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := planHash(plan); got != c.plan {
			t.Errorf("%d/%d/%d h=%d seed %d: plan %s, pinned %s", c.n, c.tables, c.rounds, c.hosts, c.seed, got, c.plan)
		}
		if got := planHash(offset); got != c.offset {
			t.Errorf("%d/%d/%d h=%d seed %d: offset rule %s, pinned %s", c.n, c.tables, c.rounds, c.hosts, c.seed, got, c.offset)
		}
	}

	t.Run("two thirds of 2,000 people in one group", func(t *testing.T) {
		if got, want := planHash(mustPlan(t, oneGroupHeavy())), "d080419b7a82f995"; got != want {
			t.Errorf("plan %s, pinned %s", got, want)
		}
	})

	t.Run("random cafés", func(t *testing.T) {
		pinned := []string{
			"6be593cb033031d8", // n=55 T=10
			"e70a0b86700e8a2e", // n=17 T=12
			"6f096cc269b295f5", // n=73 T=1
			"36185297d351706a", // n=83 T=14
			"71e45cbf8a016a81", // n=25 T=4
			"6dcc8740a1a56294", // n=35 T=7
			"5d715d4fbcb2bb0f", // n=31 T=9
			"1817e1c6b7d8ebc2", // n=32 T=10
			"58de1968d1e988b7", // n=57 T=12
			"12428366cf1bf245", // n=21 T=13
			"c461d542fb78147c", // n=49 T=14
			"19dca07503892aba", // n=88 T=6
			"3a5ec1d74a8b13fb", // n=22 T=4
			"57bbaef1916b0787", // n=33 T=5
			"385e60449c398a84", // n=53 T=8
			"58c2f38799b0c777", // n=90 T=16
			"16497d30cf55bb82", // n=34 T=8
			"df0e565359d741be", // n=40 T=5
			"36f6c36ea6b7d713", // n=5 T=14
			"7c139cfdf07e94ba", // n=3 T=10
			"b9fa216afceeabc5", // n=89 T=2
			"819fcc412ff3195b", // n=43 T=15
			"421913f519f760ce", // n=19 T=9
			"41da259e4678b395", // n=39 T=12
			"148d5e834eb6d281", // n=4 T=8
			"893008ad932a0cb6", // n=31 T=12
			"60761f580d13a4c6", // n=28 T=7
			"8324a2e30de56422", // n=36 T=4
			"c02eedf1a56bca12", // n=5 T=11
			"b1d9de03c65d4c2b", // n=42 T=8
			"e125a1a98608ba52", // n=83 T=8
			"f735683016735cf4", // n=5 T=7
			"0bd0822c4041aec8", // n=26 T=10
			"53b059b197f39ac5", // n=67 T=3
			"5c67e099253a2aed", // n=49 T=9
			"822458a86363c506", // n=35 T=15
			"472094dc2f530ad2", // n=20 T=11
			"0b1660104b062ea9", // n=60 T=6
			"4e4c936d2a182953", // n=74 T=7
			"c2c0a0e8e7e2a169", // n=37 T=13
			"904979e029d6c681", // n=14 T=3
			"4cfb4f5e4cf506c3", // n=45 T=1
			"4c317be59ec92d85", // n=9 T=2
			"526621484719523f", // n=36 T=1
			"3b1810a077075610", // n=63 T=12
			"bc321bb64daf0d48", // n=89 T=12
			"3ea73c2d066fc935", // n=4 T=5
			"0c960bf6b238489f", // n=73 T=9
			"4dcaf4aa78f3b8a4", // n=16 T=14
			"69ceee9be8feeb47", // n=61 T=1
			"7e88ac58d01303bf", // n=64 T=16
			"c520c0846d02a460", // n=77 T=1
			"f0560b152d4c31ff", // n=7 T=16
			"3127dbe8950d9c7e", // n=27 T=8
			"2b756ec9138158a0", // n=43 T=16
			"d3c5da67b26def9c", // n=71 T=14
			"6ac893c9fa1870ec", // n=56 T=1
			"ebd3c5b3857f9ced", // n=61 T=8
			"a013e24afedc594e", // n=63 T=2
			"68498c2cb9f34fba", // n=75 T=9
		}
		rng := rand.New(rand.NewPCG(99, 1))
		for i, want := range pinned {
			in := randomInput(rng)
			got := "error"
			if plan, err := rotation.Plan(in); err == nil {
				got = planHash(plan)
			}
			if got != want {
				t.Errorf("case %d (%d people, %d tables): plan %s, pinned %s", i, len(in.People), len(in.Tables), got, want)
			}
		}
	})
}
