// Package integration is a vendor's own module, outside altinn-sim's: its
// test imports github.com/altinn-sim/altinn-sim/simtest as any vendor would
// (go get github.com/altinn-sim/altinn-sim), with no TestMain, and runs
// the system-user journey through the helpers. altinn-sim's
// acceptance/simtest_outside_test.go runs it with `go test`.
package integration

import (
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/simtest"
)

func TestSystemUserJourney(t *testing.T) {
	start := time.Now()
	s := simtest.Start(t) // stopped, with its database, when the test ends
	t.Logf("simtest.Start: %v, database %s", time.Since(start).Round(time.Millisecond), s.DatabaseURL)

	// The vendor: a Maskinporten client with a fresh key, and its system.
	vendor := s.NewClient(t, simtest.VendorOrg, simtest.VendorScopes()...)
	systemID := s.RegisterSystem(t, vendor, simtest.System{
		Name:   "smartcloud",
		Rights: []string{simtest.Resource},
	})

	// Ask the customer for a system user; its daglig leder approves it in
	// the portal.
	req := s.RequestSystemUser(t, vendor, simtest.SystemUserRequest{
		SystemID:      systemID,
		CustomerOrgNo: simtest.CustomerOrg,
		Rights:        []string{simtest.Resource},
	})
	s.Approve(t, req, simtest.CustomerManagerPID)
	if got := s.GetRequest(t, vendor, req); got.Status != "Accepted" {
		t.Fatalf("request %s is %s after approval", req.ID, got.Status)
	}

	// A system-user token, and the PDP's answer for the customer and for
	// an organisation the system user does not act for.
	tok := s.SystemUserToken(t, vendor, simtest.CustomerOrg)
	d := s.Authorize(t, simtest.AuthzRequest{
		SystemUserID: tok.SystemUserID(),
		Resource:     simtest.Resource,
		PartyOrgNo:   simtest.CustomerOrg,
	})
	if d.Decision != simtest.Permit {
		t.Fatalf("the PDP said %s for the customer, want Permit: %s", d.Decision, d.Raw)
	}
	other := s.Authorize(t, simtest.AuthzRequest{
		SystemUserID: tok.SystemUserID(),
		Resource:     simtest.Resource,
		PartyOrgNo:   "310385980",
	})
	if other.Decision == simtest.Permit {
		t.Fatalf("the PDP permitted the system user for another organisation")
	}
	t.Logf("JOURNEY: PDP %s; start to decision %v", d.Decision, time.Since(start).Round(time.Millisecond))
}
