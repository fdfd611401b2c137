package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/worldcafe/worldcafe/client"
	"github.com/worldcafe/worldcafe/client/web"
	"github.com/worldcafe/worldcafe/protocol"
	"github.com/worldcafe/worldcafe/server"
)

// lanAddr is a phone on the venue's Wi-Fi: not this machine.
const lanAddr = "192.168.1.77:40000"

// httpCall is one request sent straight through Server.ServeHTTP, so that
// it can come from any address.
type httpCall struct {
	method, path, body string
	from               string // RemoteAddr; default a LAN address
	header             map[string]string
}

func (c httpCall) do(ts *testServer) *httptest.ResponseRecorder {
	req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
	req.RemoteAddr = lanAddr
	if c.from != "" {
		req.RemoteAddr = c.from
		// The operator at the server's machine opens it as localhost.
		if host, _, _ := net.SplitHostPort(c.from); net.ParseIP(host).IsLoopback() {
			req.Host = "localhost:8080"
		}
	}
	if h, ok := c.header["Host"]; ok {
		req.Host = h
	}
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	ts.ServeHTTP(rec, req)
	return rec
}

// expectJSONError checks an answer's status, its error code and that it
// carries nosniff.
func expectJSONError(t *testing.T, rec *httptest.ResponseRecorder, status int, code protocol.Code) protocol.Error {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("answered %d (%s), want %d", rec.Code, rec.Body, status)
	}
	var eb protocol.ErrorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil || eb.Error == nil {
		t.Fatalf("answered %q, want a JSON error body", rec.Body)
	}
	if eb.Error.Code != code {
		t.Fatalf("answered error %s (%s), want %s", eb.Error.Code, eb.Error.Message, code)
	}
	if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Fatalf("X-Content-Type-Options = %q, want nosniff", got)
	}
	return *eb.Error
}

// storedCafes is every café in the store, as one string.
func storedCafes(t *testing.T, ts *testServer) string {
	t.Helper()
	ids, err := ts.Store.Cafes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(ids, ",")
}

const adminKey = "organiser-key-for-tests-0123456789"

func TestHostileHTTPIsRefusedWithAClearErrorAndChangesNothing(t *testing.T) {
	ts := MustServer(t, server.Config{AdminToken: adminKey, Static: web.Handler()})
	live := ts.MustCafe(t, protocol.CreateCafe{Title: "Live"})
	joinBody := fmt.Sprintf(`{"code":%q,"name":"Eve"}`, live.JoinCode)
	create := `{"title":"Mine"}`

	cases := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"creating a café from another device without the admin key is forbidden and says what to do", func(t *testing.T) {
			e := expectJSONError(t, httpCall{method: "POST", path: "/api/cafes", body: create}.do(ts), 403, protocol.CodeForbidden)
			if !strings.Contains(e.Message, "link printed when the server started") {
				t.Fatalf("message %q does not say where the link is", e.Message)
			}
		}},
		{"creating a café from another device with a wrong admin key is forbidden", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "POST", path: "/api/cafes", body: create, header: map[string]string{"Authorization": "Bearer guess"}}.do(ts), 403, protocol.CodeForbidden)
		}},
		{"creating a café with a body of null is malformed", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "POST", path: "/api/cafes", body: "null", from: "127.0.0.1:5000"}.do(ts), 400, protocol.CodeMalformed)
		}},
		{"creating a café with a number for a body is malformed", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "POST", path: "/api/cafes", body: "42", from: "127.0.0.1:5000"}.do(ts), 400, protocol.CodeMalformed)
		}},
		{"creating a café as text/plain is refused with 415", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "POST", path: "/api/cafes", body: create, from: "127.0.0.1:5000", header: map[string]string{"Content-Type": "text/plain"}}.do(ts), 415, protocol.CodeMalformed)
		}},
		{"creating a café from a foreign web page is forbidden", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "POST", path: "/api/cafes", body: create, from: "127.0.0.1:5000", header: map[string]string{"Origin": "http://evil.example"}}.do(ts), 403, protocol.CodeForbidden)
		}},
		{"joining as text/plain is refused with 415", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "POST", path: "/api/join", body: joinBody, header: map[string]string{"Content-Type": "text/plain"}}.do(ts), 415, protocol.CodeMalformed)
		}},
		{"joining from a foreign web page is forbidden", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "POST", path: "/api/join", body: joinBody, header: map[string]string{"Origin": "http://evil.example"}}.do(ts), 403, protocol.CodeForbidden)
		}},
		{"creating through a proxy on the server's machine needs the key", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "POST", path: "/api/cafes", body: create, from: "127.0.0.1:5000", header: map[string]string{"X-Forwarded-For": "192.168.1.77"}}.do(ts), 403, protocol.CodeForbidden)
		}},
		{"creating from a page that rebinds its own name to the server's machine needs the key", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "POST", path: "/api/cafes", body: create, from: "127.0.0.1:5000", header: map[string]string{"Host": "rebound.example:8080"}}.do(ts), 403, protocol.CodeForbidden)
		}},
		{"joining from a sandboxed page (Origin: null) is forbidden", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "POST", path: "/api/join", body: joinBody, header: map[string]string{"Origin": "null"}}.do(ts), 403, protocol.CodeForbidden)
		}},
		{"joining from another site that a browser names in its fetch metadata is forbidden", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "POST", path: "/api/join", body: joinBody, header: map[string]string{"Sec-Fetch-Site": "cross-site"}}.do(ts), 403, protocol.CodeForbidden)
		}},
		{"a sandboxed page of the same site is forbidden even with fetch metadata", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "POST", path: "/api/join", body: joinBody, header: map[string]string{"Origin": "null", "Sec-Fetch-Site": "same-site"}}.do(ts), 403, protocol.CodeForbidden)
		}},
		{"joining with a code longer than any code is invalid, before it costs a throttle key", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "POST", path: "/api/join", body: fmt.Sprintf(`{"code":%q}`, strings.Repeat("A", 4000))}.do(ts), 400, protocol.CodeInvalid)
		}},
		{"joining with a device key that is too short is invalid", func(t *testing.T) {
			e := expectJSONError(t, httpCall{method: "POST", path: "/api/join", body: fmt.Sprintf(`{"code":%q,"device":"short"}`, live.JoinCode)}.do(ts), 400, protocol.CodeInvalid)
			if e.Message != "this device key is not valid" {
				t.Fatalf("message %q", e.Message)
			}
		}},
		{"joining with a device key of other characters is invalid", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "POST", path: "/api/join", body: fmt.Sprintf(`{"code":%q,"device":%q}`, live.JoinCode, strings.Repeat("é", 30))}.do(ts), 400, protocol.CodeInvalid)
		}},
		{"a wall link from a foreign web page is forbidden", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "POST", path: "/api/cafes/" + live.Cafe + "/wall", header: map[string]string{"Origin": "http://evil.example", "Authorization": "Bearer " + live.FacilitatorToken}}.do(ts), 403, protocol.CodeForbidden)
		}},
		{"GET on the create endpoint is 405 with Allow: POST", func(t *testing.T) {
			rec := httpCall{method: "GET", path: "/api/cafes"}.do(ts)
			expectJSONError(t, rec, 405, protocol.CodeInvalid)
			if got := rec.Header().Get("Allow"); got != "POST" {
				t.Fatalf("Allow = %q, want POST", got)
			}
		}},
		{"PUT on the join endpoint is 405 with Allow: POST", func(t *testing.T) {
			rec := httpCall{method: "PUT", path: "/api/join", body: joinBody}.do(ts)
			expectJSONError(t, rec, 405, protocol.CodeInvalid)
			if got := rec.Header().Get("Allow"); got != "POST" {
				t.Fatalf("Allow = %q, want POST", got)
			}
		}},
		{"GET on a café's report is 405", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "GET", path: "/api/cafes/" + live.Cafe + "/report"}.do(ts), 405, protocol.CodeInvalid)
		}},
		{"POST on the QR code is 405 with Allow: GET, HEAD", func(t *testing.T) {
			rec := httpCall{method: "POST", path: "/api/qr/" + live.JoinCode}.do(ts)
			expectJSONError(t, rec, 405, protocol.CodeInvalid)
			if got := rec.Header().Get("Allow"); got != "GET, HEAD" {
				t.Fatalf("Allow = %q, want GET, HEAD", got)
			}
		}},
		{"an unknown API path is a JSON 404", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "GET", path: "/api/nothing"}.do(ts), 404, protocol.CodeNotFound)
		}},
		{"a QR code for a code no café has is 404", func(t *testing.T) {
			expectJSONError(t, httpCall{method: "GET", path: "/api/qr/ZZZZZZ"}.do(ts), 404, protocol.CodeNotFound)
		}},
		{"the js directory is not listed", func(t *testing.T) {
			expectStatus(t, httpCall{method: "GET", path: "/static/js/"}.do(ts), 404)
		}},
		{"the css directory is not listed", func(t *testing.T) {
			expectStatus(t, httpCall{method: "GET", path: "/static/css/"}.do(ts), 404)
		}},
		{"an overlong UTF-8 static path is 404, not a server fault", func(t *testing.T) {
			expectStatus(t, httpCall{method: "GET", path: "/static/%C0%AE%C0%AE/js/ui.js"}.do(ts), 404)
			expectStatus(t, httpCall{method: "GET", path: "/static/js/%C0%AF"}.do(ts), 404)
		}},
		{"a POST to a page is 405", func(t *testing.T) {
			expectStatus(t, httpCall{method: "POST", path: "/join", body: "{}"}.do(ts), 405)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cafesBefore := storedCafes(t, ts)
			before, seq := CafeState(t, ts, live.Cafe)
			tc.run(t)
			after, seq2 := CafeState(t, ts, live.Cafe)
			if seq2 != seq || after != before {
				t.Fatalf("the café changed (seq %d → %d):\nbefore %s\nafter  %s", seq, seq2, before, after)
			}
			if cafesAfter := storedCafes(t, ts); cafesAfter != cafesBefore {
				t.Fatalf("the stored cafés changed:\nbefore %s\nafter  %s", cafesBefore, cafesAfter)
			}
		})
	}
}

func expectStatus(t *testing.T, rec *httptest.ResponseRecorder, status int) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("answered %d (%s), want %d", rec.Code, rec.Body, status)
	}
	if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Fatalf("X-Content-Type-Options = %q, want nosniff", got)
	}
}

func TestEveryAnswerCarriesNosniff(t *testing.T) {
	ts := MustServer(t, server.Config{Static: web.Handler()})
	c := ts.MustCafe(t, protocol.CreateCafe{Title: "Sniff"})
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/", "/static/js/ui.js", "/api/qr/" + c.JoinCode, "/nothing"} {
		rec := httpCall{method: "GET", path: path}.do(ts)
		if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s (%d): X-Content-Type-Options = %q, want nosniff", path, rec.Code, got)
		}
	}
}

func TestAnotherDeviceCreatesACafeWithTheAdminKey(t *testing.T) {
	ts := MustServer(t, server.Config{AdminToken: adminKey})
	rec := httpCall{method: "POST", path: "/api/cafes", body: `{"title":"Tablet"}`, header: map[string]string{"Authorization": "Bearer " + adminKey, "Origin": "http://" + "example.com"}}.do(ts)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create with the key from the page's own origin answered %d (%s), want 201", rec.Code, rec.Body)
	}
	var c protocol.Created
	if err := json.Unmarshal(rec.Body.Bytes(), &c); err != nil || c.Cafe == "" {
		t.Fatalf("answer %s is not a created café", rec.Body)
	}
	if cafes := storedCafes(t, ts); cafes != c.Cafe {
		t.Fatalf("stored cafés %q, want only %s", cafes, c.Cafe)
	}
	// This machine needs no key, a server without a key lets only it create.
	ts2 := MustServer(t, server.Config{})
	if rec := (httpCall{method: "POST", path: "/api/cafes", body: `{}`, from: "[::1]:4000"}).do(ts2); rec.Code != http.StatusCreated {
		t.Fatalf("create from ::1 answered %d (%s), want 201", rec.Code, rec.Body)
	}
	expectJSONError(t, httpCall{method: "POST", path: "/api/cafes", body: `{}`, header: map[string]string{"Authorization": "Bearer "}}.do(ts2), 403, protocol.CodeForbidden)
}

// clock is a settable clock for the timed budgets.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func TestEachAddressMayCreateOnlySoManyCafesAnHour(t *testing.T) {
	clk := &clock{now: time.Date(2025, 6, 12, 9, 0, 0, 0, time.UTC)}
	ts := MustServer(t, server.Config{AdminToken: adminKey, CafesPerHour: 3, Now: clk.Now})
	key := map[string]string{"Authorization": "Bearer " + adminKey}
	for i := range 3 {
		if rec := (httpCall{method: "POST", path: "/api/cafes", body: `{}`, header: key}).do(ts); rec.Code != http.StatusCreated {
			t.Fatalf("café %d answered %d (%s)", i+1, rec.Code, rec.Body)
		}
	}
	// A refused create costs nothing: it does not eat the quota.
	expectJSONError(t, httpCall{method: "POST", path: "/api/cafes", body: `{"tables":-1}`, from: "10.0.0.9:1", header: key}.do(ts), 400, protocol.CodeInvalid)
	before := storedCafes(t, ts)
	rec := httpCall{method: "POST", path: "/api/cafes", body: `{}`, header: key}.do(ts)
	e := expectJSONError(t, rec, 429, protocol.CodeRateLimited)
	if rec.Header().Get("Retry-After") == "" || !strings.Contains(e.Message, "too many cafés") {
		t.Fatalf("429 without Retry-After or a clear message: %q", e.Message)
	}
	if after := storedCafes(t, ts); after != before {
		t.Fatal("a café over the quota was stored")
	}
	// The quota is per address (even this machine has one)…
	for _, from := range []string{"10.0.0.9:1", "127.0.0.1:2", "127.0.0.1:3", "127.0.0.1:4"} {
		if rec := (httpCall{method: "POST", path: "/api/cafes", body: `{}`, from: from, header: key}).do(ts); rec.Code != http.StatusCreated {
			t.Fatalf("from %s answered %d (%s)", from, rec.Code, rec.Body)
		}
	}
	expectJSONError(t, httpCall{method: "POST", path: "/api/cafes", body: `{}`, from: "127.0.0.1:5"}.do(ts), 429, protocol.CodeRateLimited)
	// …and refills over the hour.
	clk.Add(20 * time.Minute)
	if rec := (httpCall{method: "POST", path: "/api/cafes", body: `{}`, header: key}).do(ts); rec.Code != http.StatusCreated {
		t.Fatalf("after 20 minutes answered %d (%s), want a third of the quota back", rec.Code, rec.Body)
	}
	expectJSONError(t, httpCall{method: "POST", path: "/api/cafes", body: `{}`, header: key}.do(ts), 429, protocol.CodeRateLimited)
}

func TestJoinsAreThrottledPerAddressAndCafe(t *testing.T) {
	clk := &clock{now: time.Date(2025, 6, 12, 9, 0, 0, 0, time.UTC)}
	ts := MustServer(t, server.Config{JoinBurst: 5, JoinRate: 1, Now: clk.Now})
	a := ts.MustCafe(t, protocol.CreateCafe{Title: "A"})
	b := ts.MustCafe(t, protocol.CreateCafe{Title: "B"})
	join := func(c *testCafe, from string) *httptest.ResponseRecorder {
		return httpCall{method: "POST", path: "/api/join", body: fmt.Sprintf(`{"code":%q}`, c.JoinCode), from: from}.do(ts)
	}
	for i := range 5 {
		if rec := join(a, lanAddr); rec.Code != http.StatusCreated {
			t.Fatalf("join %d answered %d (%s)", i+1, rec.Code, rec.Body)
		}
	}
	_, seq := CafeState(t, ts, a.Cafe)
	rec := join(a, lanAddr)
	expectJSONError(t, rec, 429, protocol.CodeRateLimited)
	if rec.Header().Get("Retry-After") == "" {
		t.Fatal("a 429 without Retry-After")
	}
	if _, seq2 := CafeState(t, ts, a.Cafe); seq2 != seq {
		t.Fatalf("a throttled join moved the café from seq %d to %d", seq, seq2)
	}
	// Another café, and another address, have budgets of their own.
	if rec := join(b, lanAddr); rec.Code != http.StatusCreated {
		t.Fatalf("join to another café answered %d (%s)", rec.Code, rec.Body)
	}
	if rec := join(a, "192.168.1.78:1"); rec.Code != http.StatusCreated {
		t.Fatalf("join from another address answered %d (%s)", rec.Code, rec.Body)
	}
	clk.Add(time.Second)
	if rec := join(a, lanAddr); rec.Code != http.StatusCreated {
		t.Fatalf("join a second later answered %d (%s), want one more allowed", rec.Code, rec.Body)
	}
	expectJSONError(t, join(a, lanAddr), 429, protocol.CodeRateLimited)
}

func TestAJoinWithADeviceKeyGetsAGrantForTheParticipantTheCafeNamed(t *testing.T) {
	ts := MustServer(t, server.Config{})
	c := ts.MustCafe(t, protocol.CreateCafe{Title: "Device"})
	rec := httpCall{method: "POST", path: "/api/join", body: fmt.Sprintf(`{"code":%q,"name":"Ana","device":%q}`, c.JoinCode, strings.Repeat("d", 22))}.do(ts)
	if rec.Code != http.StatusCreated {
		t.Fatalf("join answered %d (%s)", rec.Code, rec.Body)
	}
	var j struct {
		protocol.Joined
		Rejoined *bool `json:"rejoined"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &j); err != nil {
		t.Fatal(err)
	}
	if j.Rejoined == nil || *j.Rejoined {
		t.Fatalf("answer %s: want rejoined false for a first join", rec.Body)
	}
	conn := ts.MustDial(t, c.Cafe, j.Token, client.Options{})
	env := NextEvent(t, conn)
	var snap struct {
		Participants []struct {
			ID string `json:"id"`
		} `json:"participants"`
	}
	json.Unmarshal(env.Data, &snap)
	found := false
	for _, p := range snap.Participants {
		found = found || p.ID == j.ParticipantID
	}
	if env.Type != protocol.TypeSnapshot || !found {
		t.Fatalf("the token opened %s without participant %s", env.Type, j.ParticipantID)
	}
}

func TestQRCodesSpendTheAddressBudget(t *testing.T) {
	ts := MustServer(t, server.Config{IPRequestRate: 0.001, IPRequestBurst: 3})
	c := ts.MustCafe(t, protocol.CreateCafe{Title: "QR"}) // 1 of the 3
	for i := range 2 {
		rec := httpCall{method: "GET", path: "/api/qr/" + c.JoinCode, from: "127.0.0.1:1"}.do(ts)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/png" {
			t.Fatalf("QR %d answered %d %s", i+1, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
	expectJSONError(t, httpCall{method: "GET", path: "/api/qr/" + c.JoinCode, from: "127.0.0.1:1"}.do(ts), 429, protocol.CodeRateLimited)
}

// realServer serves ts's server on a real TCP port through Server.Listen
// and Server.HTTPServer, as worldcafe serve does.
func realServer(t *testing.T, cfg server.Config) (*testServer, string) {
	t.Helper()
	ts := MustServer(t, cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := ts.HTTPServer()
	go hs.Serve(ts.Listen(ln))
	t.Cleanup(func() { hs.Close() })
	return ts, ln.Addr().String()
}

func TestASlowBodyIsCutOffAfterTheReadTimeout(t *testing.T) {
	_, addr := realServer(t, server.Config{ReadTimeout: 300 * time.Millisecond})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"title":"` + strings.Repeat("s", 100) + `"}`
	fmt.Fprintf(conn, "POST /api/cafes HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", addr, len(body))
	// Trickle one byte every 50 ms: the whole body would take 5 s.
	start := time.Now()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for i := 0; i < len(body); i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if _, err := conn.Write([]byte{body[i]}); err != nil {
				return
			}
		}
	}()
	conn.SetReadDeadline(time.Now().Add(4 * time.Second))
	io.Copy(io.Discard, conn) // returns when the server closes the connection
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("the server held a trickling body for %v; want it cut after about 300 ms", took)
	}
}

func TestAWebSocketOutlivesTheReadAndIdleTimeouts(t *testing.T) {
	_, addr := realServer(t, server.Config{ReadTimeout: 200 * time.Millisecond, ReadHeaderTimeout: 200 * time.Millisecond, IdleTimeout: 200 * time.Millisecond})
	created, err := client.API{BaseURL: "http://" + addr}.CreateCafe(context.Background(), protocol.CreateCafe{Title: "Long"})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := client.Dial(context.Background(), "ws://"+addr+"/ws", created.Cafe, created.FacilitatorToken, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// The timeouts are what is under test: let them pass several times.
	<-time.After(time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, _, err := conn.ClockOffset(ctx); err != nil {
		t.Fatalf("the socket did not outlive the HTTP timeouts: %v", err)
	}
}

func TestEachAddressMayHoldOnlySoManyConnections(t *testing.T) {
	_, addr := realServer(t, server.Config{IPMaxHTTPConns: 3})
	get := func(c net.Conn) error {
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	}
	var open []net.Conn
	for i := range 3 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := get(c); err != nil {
			t.Fatalf("connection %d: %v", i+1, err)
		}
		open = append(open, c)
	}
	over, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer over.Close()
	if err := get(over); err == nil {
		t.Fatal("a fourth connection from one address was served; want it closed at once")
	}
	// A closed connection gives its place back.
	open[0].Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		err = get(c)
		c.Close()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no connection served after one of three closed: %v", err)
		}
	}
}
