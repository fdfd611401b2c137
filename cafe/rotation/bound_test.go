package rotation_test

import (
	"testing"

	"github.com/worldcafe/worldcafe/cafe/rotation"
)

func TestLowerBound(t *testing.T) {
	cases := []struct {
		name string
		in   rotation.Input
		want int
	}{
		{"usual cafés have no forced repeats", input(50, 10, 10, 3, 1), 0},
		{"four people at each of three tables must pair up again", input(12, 3, 0, 2, 1), 3},
		{"a traveller with more rounds than tables meets a host twice", input(6, 2, 2, 3, 1), 4},
		{"one table: everyone meets everyone every round", input(5, 1, 1, 3, 1), 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := rotation.LowerBound(c.in); got != c.want {
				t.Errorf("lower bound %d, want %d", got, c.want)
			}
			if st := rotation.Measure(c.in, mustPlan(t, c.in)); st.RepeatPairs < c.want {
				t.Errorf("the plan has %d repeat pairs, below the bound %d", st.RepeatPairs, c.want)
			}
		})
	}
}
