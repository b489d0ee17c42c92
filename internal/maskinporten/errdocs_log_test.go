package maskinporten_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/route"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// goneWriter is a client that went away: every write fails.
type goneWriter struct{ h http.Header }

func (g goneWriter) Header() http.Header     { return g.h }
func (goneWriter) Write([]byte) (int, error) { return 0, errors.New("client gone") }
func (goneWriter) WriteHeader(int)           {}

// TestErrorPageLogsOnlyARenderFailure: an error page sent logs nothing; one
// that cannot be written (the client went away) is one error line with the
// cause, for the operator.
func TestErrorPageLogsOnlyARenderFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	clk := clock.NewFixed(time.Now().Truncate(time.Second))
	sg, err := signing.New(ctx, signing.Deps{Pool: pool, Clock: clk}, signing.DefaultSettings("http://mp.test", "RS256", 120*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	s := maskinporten.New(maskinporten.Deps{Pool: pool, Clock: clk, Log: slog.New(slog.NewTextHandler(&buf, nil)), Signer: sg, Clients: mpclient.New(pool, clk, nil, nil)})
	r := chi.NewRouter()
	route.Mount(r, route.Deps{}, s.Routes())

	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/errors/MP-012", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "MP-012") || buf.Len() != 0 {
		t.Errorf("page sent: %d, log %q; want 200 with the page and no log", rec.Code, buf.String())
	}
	r.ServeHTTP(goneWriter{h: http.Header{}}, httptest.NewRequest(http.MethodGet, "/errors/MP-012", nil))
	if !strings.Contains(buf.String(), "level=ERROR") || !strings.Contains(buf.String(), "client gone") {
		t.Errorf("page not written: log %q; want an error line with the cause", buf.String())
	}
}
