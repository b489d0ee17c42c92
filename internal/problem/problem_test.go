package problem

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type body struct {
	SystemID string `json:"systemId"`
	Vendor   struct {
		Authority string `json:"authority"`
		ID        string `json:"ID"`
	} `json:"vendor"`
	Rights []struct {
		Resource []struct{ ID, Value string } `json:"resource"`
	} `json:"rights"`
	IsVisible bool `json:"isVisible"`
}

func decode(t *testing.T, contentType, in string) (body, *Problem) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(in))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	var b body
	return b, DecodeJSON(httptest.NewRecorder(), r, &b)
}

func TestDecodeJSONAcceptsPascalCaseAndUnknownFields(t *testing.T) {
	b, p := decode(t, "application/json", `{"SystemId":"991825827_x","Vendor":{"Authority":"iso6523-actorid-upis","ID":"0192:991825827"},"Unknown":1,"Rights":[{"Resource":[{"Id":"urn:altinn:resource","Value":"kravogbetaling"}]}]}`)
	if p != nil {
		t.Fatalf("unexpected problem: %v", p)
	}
	if b.SystemID != "991825827_x" || b.Vendor.ID != "0192:991825827" || b.Rights[0].Resource[0].Value != "kravogbetaling" {
		t.Fatalf("decoded %+v", b)
	}
}

// TestDecodeJSONNotNUL: escapes that only look like \u0000 are fine.
func TestDecodeJSONNotNUL(t *testing.T) {
	for _, in := range []string{`{"systemId":"a\\u0000"}`, `{"systemId":"\u0030000"}`, `{"systemId":"\\\\u0000"}`} {
		if _, p := decode(t, "application/json", in); p != nil {
			t.Errorf("%s: %v", in, p)
		}
	}
	for _, in := range []string{`{"systemId":"\\\u0000"}`, `{"systemId":"x\u0000"}`} {
		if _, p := decode(t, "application/json", in); p == nil {
			t.Errorf("%s: accepted", in)
		}
	}
}

func TestHasNULEscape(t *testing.T) {
	for in, want := range map[string]bool{`{"a":"\u0000"}`: true, `{"a":"\\u0000"}`: false, `{"a":"u0000"}`: false, `{}`: false} {
		if got := HasNULEscape([]byte(in)); got != want {
			t.Errorf("%s: %v, want %v", in, got, want)
		}
	}
}

func TestDecodeJSONProblems(t *testing.T) {
	cases := []struct {
		name, ct, in string
		status       int
		path         string
	}{
		{"empty", "application/json", ``, 400, "$"},
		{"null", "application/json", `null`, 400, "$"},
		{"NUL escape", "application/json", `{"systemId":"a\u0000b"}`, 400, "$"},
		{"NUL escape in a nested string", "application/json", `{"vendor":{"ID":"\u0000"}}`, 400, "$"},
		{"null with whitespace", "application/json", " \n null \t", 400, "$"},
		{"malformed", "application/json", `{"systemId":`, 400, "$"},
		{"syntax", "application/json", `{"systemId" "x"}`, 400, "$"},
		{"wrong type", "application/json", `{"isVisible":"yes"}`, 400, "$.isVisible"},
		{"nested wrong type", "", `{"vendor":{"ID":5}}`, 400, "$.vendor.ID"},
		{"trailing data", "application/json", `{} {}`, 400, ""},
		{"not json", "text/plain", `{}`, 415, ""},
		{"too large", "application/json", `{"systemId":"` + strings.Repeat("a", MaxBody) + `"}`, 413, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, p := decode(t, c.ct, c.in)
			if p == nil {
				t.Fatal("no problem")
			}
			if p.Status != c.status {
				t.Fatalf("status %d, want %d (%v)", p.Status, c.status, p)
			}
			if c.path != "" {
				if len(p.ValidationErrors) != 1 || p.ValidationErrors[0].Paths[0] != c.path {
					t.Fatalf("paths %+v, want %s", p.ValidationErrors, c.path)
				}
			}
		})
	}
}

func TestWriteAltinnShape(t *testing.T) {
	d := Descriptor{"AUTH-00010", 404, "The Request was not found"}
	rec := httptest.NewRecorder()
	p := d.WithDetail("id %s", "abc")
	p.Extensions = map[string]any{"extra": "x"}
	Write(rec, httptest.NewRequest("GET", "/", nil), p)
	if rec.Code != 404 || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d, content-type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"type": "urn:altinn:error:AUTH-00010", "title": "The Request was not found", "status": 404.0,
		"statusDescription": "Not Found", "code": "AUTH-00010", "detail": "id abc", "extra": "x"}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
}

func TestValidationShape(t *testing.T) {
	rec := httptest.NewRecorder()
	v := ValidationDescriptor{"AUTH.VLD-00001", "The system id does not match the format orgnumber_xxxx..."}
	Write(rec, httptest.NewRequest("POST", "/", nil), Validation(v.At("/registersystemrequest/systemid")))
	var m struct {
		Code             string
		Status           int
		ValidationErrors []struct {
			Code  string
			Paths []string
		} `json:"validationErrors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m.Code != "STD-00000" || m.Status != 400 || len(m.ValidationErrors) != 1 || m.ValidationErrors[0].Code != "AUTH.VLD-00001" || m.ValidationErrors[0].Paths[0] != "/registersystemrequest/systemid" {
		t.Fatalf("got %s", rec.Body.String())
	}
}
