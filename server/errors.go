package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/worldcafe/worldcafe/i18n"
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

// The public pages' refusals. Each is a *protocol.Error (so the JSON form
// and the logs treat it like any other) with the catalogue key of what a
// person reads on the page, in the page's language. They are the only
// refusals the public pages make themselves; the café's own refusals are
// told by their code (publicCodeKeys).
type pageRefusal struct {
	pe   *protocol.Error
	key  string
	args []any
}

func (r *pageRefusal) Error() string { return r.pe.Error() }
func (r *pageRefusal) Unwrap() error { return r.pe }

func publicRefusal(code protocol.Code, field, key, message string, args ...any) *pageRefusal {
	return &pageRefusal{pe: &protocol.Error{Code: code, Message: message, Field: field}, key: key, args: args}
}

var (
	errFormMissing    = publicRefusal(protocol.CodeInvalid, "", "public.error.form", "this form is incomplete; reload the page and send it again")
	errFormForged     = publicRefusal(protocol.CodeInvalid, "", "public.error.form", "this form is not one of this page's; reload the page and send it again")
	errFormExpired    = publicRefusal(protocol.CodeInvalid, "", "public.error.expired", "this page was open for too long; your text is kept below: send it again")
	errFormTooYoung   = publicRefusal(protocol.CodeRateLimited, "", "public.error.tooFast", "that was very fast; check your text and send it again")
	errFormUsed       = publicRefusal(protocol.CodeConflict, "", "public.error.used", "this form was sent already; look for your text on the page")
	errHoneypot       = publicRefusal(protocol.CodeInvalid, "", "public.error.form", "this form could not be sent; reload the page and send it again")
	errPostFlood      = publicRefusal(protocol.CodeRateLimited, "", "public.error.flood", "you have sent a lot in a short time; wait a minute and send again")
	errCafeFlood      = publicRefusal(protocol.CodeRateLimited, "", "public.error.crowd", "many people are writing right now; wait a minute and send again")
	errFormTooBig     = publicRefusal(protocol.CodeTooLarge, "", "public.error.bodyTooBig", "this form is far too long to send")
	errFormType       = publicRefusal(protocol.CodeMalformed, "", "public.error.form", "send the form as a web form")
	errVoted          = publicRefusal(protocol.CodeConflict, "", "public.error.voted", "you have voted for this question already")
	errNoVoter        = publicRefusal(protocol.CodeInvalid, "", "public.error.noCookie", "to vote, this browser must accept the site's cookie; reload the page and vote again")
	errNoPublicCode   = publicRefusal(protocol.CodeNotFound, "", "public.error.noCode", "there is no consultation at this address; check the link")
	errNoQuestion     = publicRefusal(protocol.CodeNotFound, "", "public.error.noQuestion", "this consultation has no such question")
	errNoTownHall     = publicRefusal(protocol.CodeNotFound, "", "public.error.noTownHall", "this consultation has no town hall")
	errNoPage         = publicRefusal(protocol.CodeNotFound, "", "paging.error.noPage", "there is no such page; go back to the first one")
	errNoContribution = publicRefusal(protocol.CodeNotFound, "", "paging.error.noContribution", "there is no such contribution here; check the link")
	errNoItem         = publicRefusal(protocol.CodeNotFound, "on", "public.error.noItem", "say what this is about")
)

// errEmpty and errTooLong refuse a field of a public form.
func errEmpty(field string) *pageRefusal {
	return publicRefusal(protocol.CodeInvalid, field, "public.error.empty", "please write something here")
}

func errTooLong(field string, max int) *pageRefusal {
	return publicRefusal(protocol.CodeTooLarge, field, "public.error.tooLong", fmt.Sprintf("this is too long: at most %d characters", max), "n", max)
}

// publicCodeKeys tell a person on a public page what the café's refusal of
// their post means; the café's own message is English, and the page may
// not be.
var publicCodeKeys = map[protocol.Code]string{
	protocol.CodeInvalid:     "public.error.invalid",
	protocol.CodeTooLarge:    "public.error.invalid",
	protocol.CodeNotFound:    "public.error.gone",
	protocol.CodeForbidden:   "public.error.hidden",
	protocol.CodeConflict:    "public.error.used",
	protocol.CodeWrongPhase:  "public.error.closed",
	protocol.CodeRateLimited: "public.error.crowd",
	protocol.CodeUnavailable: "public.error.busy",
}

// publicMessage is what a person reads for err on a page in lang, and the
// field it is about.
func publicMessage(lang string, err error) (string, string) {
	var r *pageRefusal
	if errors.As(err, &r) {
		return i18n.Format(lang, r.key, r.args...), r.pe.Field
	}
	key, ok := publicCodeKeys[publicCode(err)]
	if !ok {
		key = "public.error.internal"
	}
	return i18n.Format(lang, key), protocol.ErrorField(err)
}
