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
	// Field names the request field the message is about ("title",
	// "questions.1", "tables", "seats", "round_seconds", "groups.0"), so
	// a form can show it beside that field; empty for the rest.
	Field string `json:"field,omitempty"`
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

// ErrorField returns the Field of the first *Error in err's chain.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
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

// edge is how a code is answered at each edge: the HTTP status of the JSON
// API, and the WebSocket close code when the code ends a connection (a
// refused hello, a refused reconnect). The close code tells the client
// whether to reconnect, so codes a client cannot cure by retrying close
// with a code that says "do not retry".
type edge struct {
	status    int
	closeCode int
}

// edges is the one table of codes to statuses and close codes; every Code
// has an entry.
var edges = map[Code]edge{
	CodeInvalid:      {400, CloseBadHandshake},
	CodeMalformed:    {400, CloseBadHandshake},
	CodeBadVersion:   {400, CloseBadHandshake},
	CodeUnknownType:  {400, CloseBadHandshake},
	CodeUnauthorized: {401, CloseUnauthorized},
	CodeForbidden:    {403, ClosePolicy},
	CodeNotFound:     {404, CloseNotFound},
	CodeConflict:     {409, CloseUnavailable},
	CodeWrongPhase:   {409, CloseUnavailable},
	CodeTooLarge:     {413, CloseBadHandshake},
	CodeRateLimited:  {429, CloseRateLimited},
	CodeUnavailable:  {503, CloseUnavailable},
	CodeInternal:     {500, CloseInternal},
}

// HTTPStatus maps a code to the HTTP status that the JSON API answers with.
func HTTPStatus(c Code) int {
	if e, ok := edges[c]; ok {
		return e.status
	}
	return 500
}

// CloseCode maps a code to the WebSocket close code that ends a connection
// refused with it.
func CloseCode(c Code) int {
	if e, ok := edges[c]; ok {
		return e.closeCode
	}
	return CloseInternal
}

// WebSocket close codes. 1000-range codes are the standard ones; 4000-range
// codes are worldcafe's own and tell the client whether to reconnect.
const (
	CloseNormal       = 1000 // the client or server closed on purpose
	CloseGoingAway    = 1001 // the server is shutting down: reconnect (to another node) with backoff
	ClosePolicy       = 1008 // the role may not do this: do not reconnect automatically
	CloseInvalidData  = 1007 // a text frame that is not valid UTF-8: do not resend it
	CloseTooBig       = 1009 // a frame above MaxFrameBytes: do not resend it
	CloseInternal     = 1011 // server failure: reconnect with backoff
	CloseUnauthorized = 4001 // the token is missing or unknown: do not reconnect with it
	CloseSlowConsumer = 4002 // the client did not read fast enough: reconnect and resume at once
	CloseBadHandshake = 4003 // the first frame was not a valid hello: fix the client
	CloseNotFound     = 4004 // the café does not exist (anymore)
	CloseHelloTimeout = 4005 // no hello within HelloTimeout
	CloseUnavailable  = 4006 // the café cannot be served now: reconnect with backoff
	CloseRateLimited  = 4029 // too many connections or reconnects for this token or participant: reconnect later with backoff
)
