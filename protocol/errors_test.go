package protocol

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

// codesDeclared reads errors.go and returns every constant declared with
// type Code: a code added there without a row in edges fails the test.
func codesDeclared(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "Code" {
				for _, n := range vs.Names {
					names = append(names, n.Name)
				}
			}
		}
	}
	return names
}

func TestEveryCodeHasAStatusAndACloseCode(t *testing.T) {
	names := codesDeclared(t)
	if len(names) < 13 {
		t.Fatalf("found %d codes in errors.go (%v), want at least the 13 the protocol documents", len(names), names)
	}
	if len(edges) != len(names) {
		t.Fatalf("edges has %d rows for %d declared codes %v", len(edges), len(names), names)
	}
	for c, e := range edges {
		if e.status < 400 || e.status > 599 {
			t.Errorf("%s answers HTTP %d, want a 4xx or 5xx status", c, e.status)
		}
		if e.closeCode < 1000 || e.closeCode == CloseNormal || e.closeCode == CloseGoingAway {
			t.Errorf("%s closes with %d, which does not say the connection was refused", c, e.closeCode)
		}
		if HTTPStatus(c) != e.status || CloseCode(c) != e.closeCode {
			t.Errorf("%s: HTTPStatus %d, CloseCode %d do not read the table (%d, %d)", c, HTTPStatus(c), CloseCode(c), e.status, e.closeCode)
		}
	}
}

func TestTheDocumentedMappingsHold(t *testing.T) {
	cases := []struct {
		code         Code
		status, wsCl int
	}{
		{CodeMalformed, 400, CloseBadHandshake},
		{CodeUnauthorized, 401, CloseUnauthorized},
		{CodeForbidden, 403, ClosePolicy},
		{CodeNotFound, 404, CloseNotFound},
		{CodeRateLimited, 429, CloseRateLimited},
		{CodeUnavailable, 503, CloseUnavailable},
		{CodeInternal, 500, CloseInternal},
		{Code("no-such-code"), 500, CloseInternal},
	}
	for _, tc := range cases {
		if got := HTTPStatus(tc.code); got != tc.status {
			t.Errorf("HTTPStatus(%s) = %d, want %d", tc.code, got, tc.status)
		}
		if got := CloseCode(tc.code); got != tc.wsCl {
			t.Errorf("CloseCode(%s) = %d, want %d", tc.code, got, tc.wsCl)
		}
	}
}
