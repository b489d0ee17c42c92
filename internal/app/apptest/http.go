package apptest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Do sends a request to the server and returns status, headers and body.
// body may be nil, a string or []byte (sent as JSON), url.Values (sent as a
// form) or anything else (marshalled to JSON). hdr are extra header
// name/value pairs.
func (s *Server) Do(t testing.TB, method, path, bearer string, body any, hdr ...string) (int, http.Header, []byte) {
	t.Helper()
	var (
		rd io.Reader
		ct = "application/json"
	)
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	case url.Values:
		rd, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ct)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, out
}

// DoJSON is Do that decodes a JSON answer into out (when out is not nil
// and the body is not empty) and returns the status.
func (s *Server) DoJSON(t testing.TB, method, path, bearer string, body, out any) int {
	t.Helper()
	st, _, raw := s.Do(t, method, path, bearer, body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %d, not JSON: %s", method, path, st, raw)
		}
	}
	return st
}

// TestToken mints a token through POST /sim/api/v1/tokens, e.g.
// {"type":"enterprise","orgNo":"991825827","scopes":[...]}.
func (s *Server) TestToken(t testing.TB, req map[string]any) string {
	t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if st := s.DoJSON(t, http.MethodPost, "/sim/api/v1/tokens", "", req, &tok); st != http.StatusOK || tok.AccessToken == "" {
		t.Fatalf("test token %v: %d", req, st)
	}
	return tok.AccessToken
}
