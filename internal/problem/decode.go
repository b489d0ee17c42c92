package problem

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// MaxBody is the default limit for JSON request bodies.
const MaxBody = 1 << 20

// DecodeJSON reads r's body into v. Like ASP.NET, property names match
// case-insensitively and unknown members are ignored; a malformed body, a
// wrong type or an oversized body becomes a 400/413 problem naming the JSON
// path where it went wrong.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) *Problem {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json") && mt != "text/json") {
			p := BadRequest.WithDetail("Content-Type must be application/json, got %q", ct)
			p.Status = http.StatusUnsupportedMediaType
			p.Title = "Unsupported Media Type"
			return p
		}
	}
	body := http.MaxBytesReader(w, r.Body, MaxBody)
	return decodeFrom(body, v)
}

func decodeFrom(rd io.Reader, v any) *Problem {
	// ASP.NET's input formatter treats a body that is the JSON literal null
	// like no body at all ("A non-empty request body is required."), so
	// `null` must not bind as an empty object (or slice) and then succeed
	// as, say, "replace the rights with none".
	// A \u0000 escape would reach PostgreSQL, which cannot store NUL in
	// text, as a 500; refuse it up front (nulScan watches the stream).
	ns := &nulScan{r: rd}
	br := bufio.NewReader(ns)
	for {
		b, err := br.Peek(1)
		if err != nil || (b[0] != ' ' && b[0] != '\t' && b[0] != '\n' && b[0] != '\r') {
			break
		}
		_, _ = br.ReadByte()
	}
	lead, _ := br.Peek(4)
	isNull := string(lead) == "null"
	dec := json.NewDecoder(br)
	if err := dec.Decode(v); err != nil {
		return decodeProblem(err)
	}
	if isNull {
		return validationAt("$", "A non-empty request body is required.")
	}
	if ns.found {
		return validationAt("$", "A JSON string contains the NUL character (\\u0000), which is not allowed.")
	}
	if dec.More() {
		return BadRequest.WithDetail("the body has data after the JSON value")
	}
	if _, err := dec.Token(); err != nil && !errors.Is(err, io.EOF) {
		return decodeProblem(err)
	}
	return nil
}

func decodeProblem(err error) *Problem {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &mbe):
		return TooLarge.WithDetail("the body exceeds %d bytes", mbe.Limit)
	case errors.Is(err, io.EOF):
		return validationAt("$", "A non-empty request body is required.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return validationAt("$", "The JSON value is incomplete.")
	case errors.As(err, &syn):
		return validationAt("$", fmt.Sprintf("The JSON is malformed at byte %d: %s", syn.Offset, syn.Error()))
	case errors.As(err, &typ):
		path := "$"
		if typ.Field != "" {
			path = "$." + typ.Field
		}
		return validationAt(path, fmt.Sprintf("The JSON value at %s could not be converted: got %s, want %s.", path, typ.Value, typ.Type))
	}
	return validationAt("$", err.Error())
}

// validationAt mimics ASP.NET's model-binding failure: one validation
// error whose path is the JSON path of the bad value.
func validationAt(path, detail string) *Problem {
	p := Validation(ValidationError{Code: "STD-00001", Title: "Invalid JSON", Detail: detail, Paths: []string{path}})
	p.Detail = detail
	return p
}

// HasNULEscape reports whether JSON text holds a \u0000 escape, which
// decodes to a NUL character PostgreSQL cannot store or compare.
func HasNULEscape(b []byte) bool {
	if !bytes.Contains(b, []byte("u0000")) {
		return false
	}
	s := &nulScan{r: bytes.NewReader(b)}
	_, _ = io.Copy(io.Discard, s)
	return s.found
}

// nulScan passes a JSON stream through and notes whether it holds a
// \u0000 escape (an odd run of backslashes, then u0000).
type nulScan struct {
	r     io.Reader
	odd   bool // the bytes before ended in an odd run of backslashes
	zeros int  // zeros still expected after "\u"
	found bool
}

func (s *nulScan) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	for _, c := range p[:n] {
		if s.zeros > 0 {
			if c == '0' {
				if s.zeros--; s.zeros == 0 {
					s.found = true
				}
				continue
			}
			s.zeros = 0
		}
		if c == '\\' {
			s.odd = !s.odd
			continue
		}
		if s.odd && c == 'u' {
			s.zeros = 4
		}
		s.odd = false
	}
	return n, err
}

// FormStorable says whether every name and value of a form is text
// PostgreSQL can store: valid UTF-8 without NUL. A form carries any byte
// (%00, %FF), which would reach the database as a 500; a JSON body cannot
// (DecodeJSON refuses \u0000, and bad UTF-8 decodes as U+FFFD).
func FormStorable(form url.Values) bool {
	ok := func(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
	for k, vs := range form {
		if !ok(k) {
			return false
		}
		for _, v := range vs {
			if !ok(v) {
				return false
			}
		}
	}
	return true
}
