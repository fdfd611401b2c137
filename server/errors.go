package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/worldcafe/worldcafe/protocol"
)

// Errors at the edge. Every failure that reaches a person leaves the server
// through here (HTTP) or session.sendError (WebSocket), which map it to a
// code with protocol's table and log it only if it is the server's fault:
// once, here, never at the layers it passed through.

// publicCode is the code a person is told for err. A context that ran out
// or was cancelled means the server could not finish in time, not a bug.
func publicCode(err error) protocol.Code {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return protocol.CodeUnavailable
	}
	return protocol.ErrorCode(err)
}

// writeError answers with the error's HTTP status and {"error": {...}}.
// Internal errors carry a fixed text; their detail goes to the log.
func (s *Server) writeError(w http.ResponseWriter, err error) {
	s.writeErrorStatus(w, 0, err)
}

// writeErrorStatus is writeError with a status of its own (0: the code's),
// for the few HTTP answers that no error code maps to (405, 415).
func (s *Server) writeErrorStatus(w http.ResponseWriter, status int, err error) {
	code := publicCode(err)
	if code == protocol.CodeInternal {
		s.log.Error("request failed", "err", err)
	}
	if status == 0 {
		status = protocol.HTTPStatus(code)
	}
	writeJSON(w, status, protocol.ErrorBody{
		Error: &protocol.Error{Code: code, Message: protocol.ErrorMessage(err), Field: protocol.ErrorField(err)},
	})
}
