package server

import (
	"log/slog"
	"net"
	"net/http"
	"sync"
)

// HTTPServer is the http.Server to serve s with: its timeouts come from
// the Config, so a client that sends headers and then trickles its body is
// cut off after ReadTimeout instead of holding a connection for ever.
// Upgraded WebSockets leave these timeouts behind: the session sets its
// own deadlines (pings, writes).
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// Listen wraps ln so that no address holds more than IPMaxHTTPConns open
// connections: one over the cap is closed as soon as it is accepted,
// before anything is read from it.
func (s *Server) Listen(ln net.Listener) net.Listener {
	if s.cfg.IPMaxHTTPConns <= 0 {
		return ln
	}
	return &capListener{Listener: ln, max: s.cfg.IPMaxHTTPConns, open: map[string]int{}, srv: s}
}

type capListener struct {
	net.Listener
	srv  *Server
	max  int
	mu   sync.Mutex
	open map[string]int
}

func (l *capListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ip := peerIP(c)
		l.mu.Lock()
		if l.open[ip] >= l.max {
			l.mu.Unlock()
			l.srv.metrics.RateLimited.Add(1)
			c.Close()
			continue
		}
		l.open[ip]++
		l.mu.Unlock()
		return &capConn{Conn: c, l: l, ip: ip}, nil
	}
}

func (l *capListener) release(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[ip]--; l.open[ip] <= 0 {
		delete(l.open, ip)
	}
}

// capConn gives its place back when closed, once, however often Close is
// called (the HTTP server and a hijacking WebSocket may both close it).
type capConn struct {
	net.Conn
	l    *capListener
	ip   string
	once sync.Once
}

func (c *capConn) Close() error {
	c.once.Do(func() { c.l.release(c.ip) })
	return c.Conn.Close()
}

func peerIP(c net.Conn) string {
	addr := c.RemoteAddr().String()
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return addressKey(host)
}
