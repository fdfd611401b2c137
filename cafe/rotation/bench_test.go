package rotation_test

import (
	"testing"

	"github.com/worldcafe/worldcafe/cafe/rotation"
)

func benchPlan(b *testing.B, in rotation.Input) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rotation.Plan(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlan2000x400x4(b *testing.B) { benchPlan(b, input(2000, 400, 400, 4, 1)) }

// BenchmarkPlan2000x400x4SkewedGroups is the slower path: two thirds of the
// room in one group, so no plan mixes every table and Plan also runs the
// offset-seeded search and the offset rule before choosing.
func BenchmarkPlan2000x400x4SkewedGroups(b *testing.B) { benchPlan(b, oneGroupHeavy()) }

func BenchmarkOffsetPlan2000x400x4(b *testing.B) {
	in := input(2000, 400, 400, 4, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rotation.OffsetPlan(in); err != nil {
			b.Fatal(err)
		}
	}
}

// The round-end benchmarks measure what a café pays when a round ends:
// planning the next round alone, with the rounds played as history. That
// runs on the café's single goroutine, so it is how long nobody can post.

func BenchmarkRoundEnd50x10(b *testing.B) { benchPlan(b, roundEnd(b, input(50, 10, 10, 3, 1), 2)) }

func BenchmarkRoundEnd200x40(b *testing.B) { benchPlan(b, roundEnd(b, input(200, 40, 40, 4, 1), 3)) }

func BenchmarkRoundEnd2000x400(b *testing.B) {
	benchPlan(b, roundEnd(b, input(2000, 400, 400, 4, 1), 3))
}

// BenchmarkRoundEnd2000x400UnevenGroups is the skewed room: seven groups of
// 40 % down to 2 %, after round 1 and after round 3.
func BenchmarkRoundEnd2000x400UnevenGroups(b *testing.B) {
	b.Run("after round 1", func(b *testing.B) { benchPlan(b, roundEnd(b, unevenGroups(2000, 400, 4), 1)) })
	b.Run("after round 3", func(b *testing.B) { benchPlan(b, roundEnd(b, unevenGroups(2000, 400, 4), 3)) })
}

func BenchmarkRoundEnd2000x400OneGroupHeavy(b *testing.B) {
	benchPlan(b, roundEnd(b, oneGroupHeavy(), 3))
}
