package app_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// concrete fills a route's {params} so it can be called.
var paramRE = regexp.MustCompile(`\{[^}]+\}`)

func concrete(path string) string { return paramRE.ReplaceAllString(path, "x") }

// TestEveryRouteGuarded calls every Bearer operation of the route tables
// without a token (401) and with a token that holds none of its scopes
// (403): an operation mounted without its guard fails here.
func TestEveryRouteGuarded(t *testing.T) {
	s := apptest.Start(t)
	noScope := s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"altinn:sim/none"}})
	n := 0
	for _, table := range s.Routes() {
		for _, rt := range table {
			if rt.Guard != route.Bearer {
				continue
			}
			n++
			path := concrete(rt.Path)
			if st, _, body := s.Do(t, rt.Method, path, "", nil); st != http.StatusUnauthorized {
				t.Errorf("%s %s without a token: %d %s, want 401", rt.Method, rt.Path, st, body)
			}
			if len(rt.Scopes) == 0 {
				continue
			}
			if st, _, body := s.Do(t, rt.Method, path, noScope, nil); st != http.StatusForbidden {
				t.Errorf("%s %s with no fitting scope: %d %s, want 403", rt.Method, rt.Path, st, body)
			}
		}
	}
	t.Logf("%d bearer operations checked", n)
}

// TestAdminRoutesGuarded: with an admin token configured, every Admin and
// AdminPage operation refuses a caller without it.
func TestAdminRoutesGuarded(t *testing.T) {
	s := apptest.Start(t, func(c *config.Config) { c.AdminToken = "s3cret" })
	n := 0
	for _, table := range s.Routes() {
		for _, rt := range table {
			if rt.Guard != route.Admin && rt.Guard != route.AdminPage {
				continue
			}
			n++
			if st, _, body := s.Do(t, rt.Method, concrete(rt.Path), "", nil); st != http.StatusUnauthorized {
				t.Errorf("%s %s without the admin token: %d %s, want 401", rt.Method, rt.Path, st, body)
			}
			if st, _, _ := s.Do(t, rt.Method, concrete(rt.Path), "s3cret", nil); st == http.StatusUnauthorized {
				t.Errorf("%s %s with the admin token: 401", rt.Method, rt.Path)
			}
		}
	}
	if n == 0 {
		t.Fatal("no admin operations in the route tables")
	}
}
