package sim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

func TestClockRequest(t *testing.T) {
	wall := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		q    clockRequest
		want time.Duration
		bad  bool
	}{
		{q: clockRequest{Offset: ptr("90s")}, want: 90 * time.Second},
		{q: clockRequest{Offset: ptr("-2h")}, want: -2 * time.Hour},
		{q: clockRequest{OffsetSeconds: ptr(30.5)}, want: 30500 * time.Millisecond},
		{q: clockRequest{Now: ptr(wall.Add(time.Hour))}, want: time.Hour},
		{q: clockRequest{Advance: ptr("10m")}, want: 15 * time.Minute}, // from 5m
		{q: clockRequest{}, bad: true},
		{q: clockRequest{Offset: ptr("1h"), Advance: ptr("1h")}, bad: true},
		{q: clockRequest{Offset: ptr("soon")}, bad: true},
		{q: clockRequest{Advance: ptr("-1h")}, bad: true},
		// Out of range: a time.Duration would saturate or wrap silently.
		{q: clockRequest{OffsetSeconds: ptr(1e300)}, bad: true},
		{q: clockRequest{OffsetSeconds: ptr(-1e12)}, bad: true},
		{q: clockRequest{Now: ptr(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))}, bad: true},
		{q: clockRequest{Offset: ptr("-2000000h")}, bad: true},
		{q: clockRequest{Advance: ptr("2562047h")}, bad: true},
		{q: clockRequest{Now: ptr(wall.AddDate(50, 0, 0))}, want: wall.AddDate(50, 0, 0).Sub(wall)},
	}
	for i, c := range cases {
		got, err := c.q.NewOffset(5*time.Minute, wall)
		if c.bad != (err != nil) || (!c.bad && got != c.want) {
			t.Errorf("case %d: %v, %v; want %v (bad=%v)", i, got, err, c.want, c.bad)
		}
	}
}

func TestFaultValidate(t *testing.T) {
	bad := []Fault{
		{Target: "db", Status: 500, Count: 1},
		{Target: TargetToken, Status: 500, Count: 0},
		{Target: TargetToken, Status: 200, Count: 1},
		{Target: TargetPDP, Count: 1},
		{Target: TargetPDP, DelayMs: -1, Count: 1},
	}
	for _, f := range bad {
		if f.Validate() == nil {
			t.Errorf("%+v accepted", f)
		}
	}
	if err := (Fault{Target: TargetPDP, DelayMs: 5, Count: 1}).Validate(); err != nil {
		t.Error(err)
	}
}

func TestFaultMiddleware(t *testing.T) {
	fs := NewFaults()
	var slept time.Duration
	fs.sleep = func(d time.Duration) { slept += d }
	h := fs.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(299) }))
	call := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, nil))
		return rec
	}
	if err := fs.Arm(Fault{Target: TargetToken, Status: 503, Count: 2}); err != nil {
		t.Fatal(err)
	}
	if err := fs.Arm(Fault{Target: TargetPDP, Status: 500, Error: "Boom", DelayMs: 7, Count: 1}); err != nil {
		t.Fatal(err)
	}
	// Other paths are never touched.
	if rec := call("/authentication/api/v1/systemregister"); rec.Code != 299 {
		t.Fatalf("unrelated path: %d", rec.Code)
	}
	for i := 0; i < 2; i++ {
		rec := call("/token")
		var body map[string]string
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != 503 || body["error"] != "temporarily_unavailable" || body["error_description"] == "" {
			t.Fatalf("token call %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	if rec := call("/token"); rec.Code != 299 {
		t.Fatalf("after count ran out: %d", rec.Code)
	}
	rec := call("/authorization/api/v1/authorize")
	if rec.Code != 500 || !strings.Contains(rec.Header().Get("Content-Type"), "problem+json") || !strings.Contains(rec.Body.String(), `"title":"Boom"`) || slept != 7*time.Millisecond {
		t.Fatalf("pdp: %d %s slept %v", rec.Code, rec.Body, slept)
	}
	if len(fs.List()) != 0 {
		t.Fatalf("faults left: %+v", fs.List())
	}
}
