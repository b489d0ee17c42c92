package mpclient_test

import (
	"net/http"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
)

// GET /sim/api/v1/clients lists every client, or one organisation's with
// ?orgNo=; an organisation without clients gets [], not null.
func TestClientsControlAPIList(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	base := srv.URL + "/sim/api/v1/clients"
	for _, c := range []map[string]any{
		{"clientId": "list-a", "orgNo": "991825827"},
		{"clientId": "list-b", "orgNo": "974761076"},
	} {
		if resp := apptest.PostJSON(t, base, c, nil); resp.StatusCode != 201 {
			t.Fatalf("create %v: %d", c["clientId"], resp.StatusCode)
		}
	}
	ids := func(query string) []string {
		t.Helper()
		var cs []mpclient.Client
		if resp := apptest.Request(t, http.MethodGet, base+query, "", nil, "", &cs); resp.StatusCode != 200 || cs == nil {
			t.Fatalf("GET %s: %d %v", query, resp.StatusCode, cs)
		}
		out := []string{}
		for _, c := range cs {
			if c.ClientID == "list-a" || c.ClientID == "list-b" {
				out = append(out, c.ClientID)
			}
		}
		return out
	}
	if got := ids(""); len(got) != 2 {
		t.Fatalf("all: %v", got)
	}
	if got := ids("?orgNo=974761076"); len(got) != 1 || got[0] != "list-b" {
		t.Fatalf("of 974761076: %v", got)
	}
	if got := ids("?orgNo=310000001"); len(got) != 0 {
		t.Fatalf("of an organisation without clients: %v", got)
	}
}
