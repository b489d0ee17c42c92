package simtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Response is an HTTP answer as Do returns it.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it is not JSON.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("simtest: answer %d is not the JSON expected (%v): %s", r.Status, err, clip(r.Body))
	}
}

// Do sends one request to the server and returns the answer, whatever its
// status; it fails the test only when the server cannot be reached. path
// is absolute ("/authentication/api/v1/..."). bearer, when not empty, is
// sent as "Authorization: Bearer <bearer>". body may be nil, a string or
// []byte (sent as JSON), url.Values (sent as a form) or any other value
// (marshalled to JSON).
func (s *Server) Do(t testing.TB, method, path, bearer string, body any) Response {
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
			t.Fatalf("simtest: %s %s: encode the body: %v", method, path, err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.path(path), rd)
	if err != nil {
		t.Fatalf("simtest: %s %s: %v", method, path, err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ct)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("simtest: %s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("simtest: %s %s: read the answer: %v", method, path, err)
	}
	return Response{Status: res.StatusCode, Header: res.Header, Body: out}
}

// call is Do that expects status want and decodes a JSON answer into out
// (when out is not nil); any other status fails the test with what, the
// status and the server's body (a ProblemDetails or OAuth error says why).
func (s *Server) call(t testing.TB, what, method, path, bearer string, body any, want int, out any) Response {
	t.Helper()
	r := s.Do(t, method, path, bearer, body)
	if r.Status != want {
		t.Fatalf("simtest: %s: %s %s answered %d, want %d: %s", what, method, path, r.Status, want, clip(r.Body))
	}
	if out != nil {
		if err := json.Unmarshal(r.Body, out); err != nil {
			t.Fatalf("simtest: %s: %s %s answered %d with a body that is not the JSON expected (%v): %s", what, method, path, r.Status, err, clip(r.Body))
		}
	}
	return r
}

// admin is call on the control API, with the admin token.
func (s *Server) admin(t testing.TB, what, method, path string, body any, want int, out any) Response {
	t.Helper()
	return s.call(t, what, method, path, s.AdminToken, body, want, out)
}

// clip shortens a body for a failure message.
func clip(b []byte) string {
	const max = 2000
	s := strings.TrimSpace(string(b))
	if len(s) > max {
		return s[:max] + fmt.Sprintf("… (%d bytes)", len(b))
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}
