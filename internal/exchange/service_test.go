package exchange_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/exchange"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// TestRefusalLogsOnTheGivenLogger: a refused refresh is logged on the
// logger the service was given; a service given none logs on slog's
// default rather than on a nil logger.
func TestRefusalLogsOnTheGivenLogger(t *testing.T) {
	t.Parallel()
	signer, err := signing.New(context.Background(), signing.Deps{Pool: dbtest.New(t), Log: slog.New(slog.DiscardHandler)},
		signing.DefaultSettings("http://sim.test", "ES256", 0))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	for _, c := range []struct {
		name string
		log  *slog.Logger
		want string // in logs
	}{
		{"given a logger", slog.New(slog.NewTextHandler(&logs, nil)), `msg="token refresh refused"`},
		{"given none", nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			logs.Reset()
			s := exchange.New(exchange.Deps{Log: c.log, Signer: signer})
			var refresh http.Handler
			for _, r := range s.Routes() {
				if r.Path == "/authentication/api/v1/refresh" {
					refresh = r.Handler
				}
			}
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, "/authentication/api/v1/refresh", nil)
			req.Header.Set("Authorization", "Bearer not.a.token")
			refresh.ServeHTTP(rec, req)
			if rec.Code != http.StatusUnauthorized {
				t.Fatalf("refresh of a garbage token: %d %s", rec.Code, rec.Body)
			}
			if !strings.Contains(logs.String(), c.want) || (c.want == "" && logs.Len() > 0) {
				t.Fatalf("logged %q; want %q", logs.String(), c.want)
			}
		})
	}
}
