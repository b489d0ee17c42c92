package problem

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
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
	br := bufio.NewReader(rd)
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
