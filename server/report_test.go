package server_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/report"
	"github.com/worldcafe/worldcafe/server"
)

// postReport asks for a café's report as the tablet's report button does.
func postReport(ts *testServer, cafeID string, form url.Values) *httptest.ResponseRecorder {
	return httpCall{method: "POST", path: "/api/cafes/" + cafeID + "/report", body: form.Encode(),
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}.do(ts)
}

// The report button's mode=consultation sends the outcome report of the
// consultation around the café, in every format, to its facilitator only.
func TestTheReportButtonSendsTheConsultationsOutcomeReport(t *testing.T) {
	ts := MustServer(t, server.Config{})
	c := ts.MustCafe(t, protocol.CreateCafe{Title: "Open talks", Questions: []string{"What is the role of governments?"}})
	_, phone := c.MustJoin(t, "Ana")
	MustSend(t, c.Fac, protocol.CmdOnlineOpen, protocol.OnlineOpen{ClosesAt: time.Now().Add(24 * time.Hour).UnixMilli()})
	MustSend(t, c.Fac, protocol.CmdRoundStart, nil)
	MustSend(t, phone, protocol.CmdNotePost, protocol.NotePost{NoteID: "n1", Text: "Convene, then listen"})
	MustSend(t, c.Fac, protocol.CmdRoundEnd, nil)
	MustSend(t, c.Fac, protocol.CmdTownHallAgenda, protocol.TownHallAgenda{Title: "The role of governments"})
	MustSend(t, c.Fac, protocol.CmdTownHallStage, protocol.TownHallStage{Stage: protocol.StageFloor})
	MustSend(t, c.Fac, protocol.CmdFindingAdd, protocol.Finding{FindingID: "f1", Text: "Trust needs a standing dialogue."})
	MustSend(t, c.Fac, protocol.CmdConclude, protocol.Conclusion{Text: "Governments convene."})

	t.Run("html under its own style policy", func(t *testing.T) {
		res := postReport(ts, c.Cafe, url.Values{"token": {c.FacilitatorToken}, "mode": {"consultation"}})
		if res.Code != 200 {
			t.Fatalf("answered %d: %s", res.Code, res.Body.String())
		}
		for _, want := range []string{"<h2>1. Background</h2>", "<h2>2. World Café</h2>", "<h2>3. Town hall</h2>", "<h2>4. Online space</h2>",
			"Trust needs a standing dialogue.", "Governments convene.", "still open when this report was made"} {
			if !strings.Contains(res.Body.String(), want) {
				t.Errorf("the outcome report lacks %q", want)
			}
		}
		sum := sha256.Sum256([]byte(report.ConsultationCSS))
		if csp := res.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
			t.Errorf("Content-Security-Policy %q does not allow the outcome report's style block", csp)
		}
		if ct := res.Header().Get("Content-Type"); ct != report.ContentType["html"] {
			t.Errorf("Content-Type %q", ct)
		}
	})
	t.Run("json, in the form's language for the other formats", func(t *testing.T) {
		res := postReport(ts, c.Cafe, url.Values{"token": {c.FacilitatorToken}, "mode": {"consultation"}, "format": {"json"}})
		var got report.Consultation
		if err := json.Unmarshal(res.Body.Bytes(), &got); err != nil {
			t.Fatalf("answered %d %q: %v", res.Code, res.Body.String(), err)
		}
		if strings.Join(got.Formats, ",") != "cafe,town_hall,online" || got.WorldCafe.Ideas != 1 || len(got.TownHall.Findings) != 1 || !got.Online.Open {
			t.Errorf("the JSON outcome report is %+v", got)
		}
		if d := res.Header().Get("Content-Disposition"); d != `attachment; filename="worldcafe-consultation.json"` {
			t.Errorf("Content-Disposition %q", d)
		}
		md := postReport(ts, c.Cafe, url.Values{"token": {c.FacilitatorToken}, "mode": {"consultation"}, "format": {"md"}, "lang": {"fr"}})
		if !strings.Contains(md.Body.String(), "## 1. Contexte") || !strings.Contains(md.Body.String(), "## 3. Réunion publique") {
			t.Errorf("the French Markdown outcome report reads:\n%s", md.Body.String())
		}
	})
	t.Run("without a mode the café's report as before", func(t *testing.T) {
		res := postReport(ts, c.Cafe, url.Values{"token": {c.FacilitatorToken}, "format": {"md"}})
		if res.Code != 200 || !strings.Contains(res.Body.String(), "| Stakeholder group | Participants | Ideas |") || strings.Contains(res.Body.String(), "Background") {
			t.Errorf("the café's report: %d\n%s", res.Code, res.Body.String())
		}
	})
	t.Run("an unknown mode is refused plainly", func(t *testing.T) {
		rec := postReport(ts, c.Cafe, url.Values{"token": {c.FacilitatorToken}, "mode": {"everything"}})
		if e := expectJSONError(t, rec, 400, protocol.CodeInvalid); !strings.Contains(e.Message, "consultation") {
			t.Errorf("the refusal says %q; want it to name the mode", e.Message)
		}
	})
	t.Run("only the facilitator gets it", func(t *testing.T) {
		rec := postReport(ts, c.Cafe, url.Values{"token": {c.WallToken}, "mode": {"consultation"}})
		expectJSONError(t, rec, 401, protocol.CodeUnauthorized)
	})
}
