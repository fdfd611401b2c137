package web_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/protocol"
)

// TestTheJoinFormOffersTheCafesOwnGroups: a café made with groups of its
// own offers those, and only those, on the join form, and a person joins
// under one of them.
func TestTheJoinFormOffersTheCafesOwnGroups(t *testing.T) {
	root := t
	srv := startServer(t)
	browser := startBrowser(t, findChromium(t))
	api := client.API{BaseURL: srv.URL}
	created, err := api.CreateCafe(context.Background(), protocol.CreateCafe{
		Title:  "Neighbourhood",
		Groups: []protocol.Group{{ID: "residents", Name: "Residents"}, {ID: "government", Name: "Government"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	v := newView(t, root, browser, "phone-groups", 390, 800, true)
	do(t, v, chromedp.Navigate(srv.URL+"/join/"+created.JoinCode))
	options := `[...document.querySelectorAll("#group option")].map((o) => o.value)`
	waitFor(t, v, "the café's groups", options, waitLong, func(got []string) bool {
		return slices.Equal(got, []string{"", "residents", "government"})
	})
	if got := eval[string](t, v, `document.querySelector('#group option[value="residents"]').textContent`); got != "Residents" {
		t.Errorf("the café's own group reads %q, want Residents", got)
	}
	do(t, v,
		chromedp.SetValue(chromedp.CSS("#name"), "Rosa"),
		chromedp.SetValue(chromedp.CSS("#group"), "residents"),
		chromedp.Click(chromedp.CSS("#join-submit")))
	waitFor(t, v, "the live view", visibleJS("#live"), waitLong, isTrue)
	fac, err := client.Dial(context.Background(), "ws"+srv.URL[len("http"):]+"/ws", created.Cafe, created.FacilitatorToken, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fac.Kill()
	snap := <-fac.Events()
	if snap.Type != protocol.TypeSnapshot || !strings.Contains(string(snap.Data), `"group":"residents"`) {
		t.Errorf("Rosa is not in the café under residents: %s %s", snap.Type, snap.Data)
	}
}
