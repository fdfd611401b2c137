package protocol

import (
	"errors"
	"fmt"
)

// Code is a machine-readable error code. Clients switch on the code; the
// message is for people and never contains internal detail.
type Code string

const (
	CodeInvalid      Code = "invalid"      // the command's data breaks a rule (empty note, bad length, …)
	CodeMalformed    Code = "malformed"    // the frame is not a JSON envelope
	CodeBadVersion   Code = "bad_version"  // the envelope's v is not Version
	CodeUnknownType  Code = "unknown_type" // no such command
	CodeUnauthorized Code = "unauthorized" // missing or unknown token
	CodeForbidden    Code = "forbidden"    // the role may not send this command
	CodeNotFound     Code = "not_found"    // no such café, note or participant
	CodeConflict     Code = "conflict"     // the id is taken, or the command repeats with other content
	CodeWrongPhase   Code = "wrong_phase"  // not possible in the café's current phase
	CodeTooLarge     Code = "too_large"    // a text or request above its limit
	CodeRateLimited  Code = "rate_limited" // too many commands or requests; retry later
	CodeUnavailable  Code = "unavailable"  // the server cannot take commands now (shutting down, store down)
	CodeInternal     Code = "internal"     // a bug or failure on the server; details are in its log only
)

// Error is the wire form of a rejection. It is also the error type that the
// domain and the server return, so that one value carries the code from where
// the rule lives to the edge where it is mapped to HTTP and WebSocket codes.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Errorf returns an *Error with the given code and a formatted message that is
// safe to show to users.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, CodeInternal
// for any other non-nil error and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user-facing message of err. Internal errors get a
// fixed text: their detail belongs in the server log, not on a phone.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "something went wrong on the server; please try again"
}

// HTTPStatus maps a code to the HTTP status that the JSON API answers with.
func HTTPStatus(c Code) int {
	switch c {
	case CodeInvalid, CodeMalformed, CodeBadVersion, CodeUnknownType:
		return 400
	case CodeUnauthorized:
		return 401
	case CodeForbidden:
		return 403
	case CodeNotFound:
		return 404
	case CodeConflict, CodeWrongPhase:
		return 409
	case CodeTooLarge:
		return 413
	case CodeRateLimited:
		return 429
	case CodeUnavailable:
		return 503
	}
	return 500
}

// WebSocket close codes. 1000-range codes are the standard ones; 4000-range
// codes are worldcafe's own and tell the client whether to reconnect.
const (
	CloseNormal       = 1000 // the client or server closed on purpose
	CloseGoingAway    = 1001 // the server is shutting down: reconnect (to another node) with backoff
	ClosePolicy       = 1008 // cross-origin or abusive use: do not reconnect automatically
	CloseTooBig       = 1009 // a frame above MaxFrameBytes: do not resend it
	CloseInternal     = 1011 // server failure: reconnect with backoff
	CloseUnauthorized = 4001 // the token is missing or unknown: do not reconnect with it
	CloseSlowConsumer = 4002 // the client did not read fast enough: reconnect and resume at once
	CloseBadHandshake = 4003 // the first frame was not a valid hello: fix the client
	CloseNotFound     = 4004 // the café does not exist (anymore)
	CloseHelloTimeout = 4005 // no hello within HelloTimeout
	CloseUnavailable  = 4006 // the café cannot be served now: reconnect with backoff
	CloseRateLimited  = 4029 // too many connections from this address: reconnect later with backoff
)
