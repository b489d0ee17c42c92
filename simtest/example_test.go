package simtest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/altinn-sim/altinn-sim/simtest"
)

// A vendor's test of the whole system-user journey: a Maskinporten client,
// a system, a request, its approval by the customer's daglig leder in the
// portal, a system-user token, and the PDP's answer for the customer.
//
// An example has no test's t, so this one is only compiled; write it as
// func TestMyIntegration(t *testing.T) { ... } in your own _test.go file.
// (This package's TestJourney runs the same steps.)
func ExampleStart() {
	t := &testing.T{} // your test's t

	s := simtest.Start(t) // a whole altinn-sim, stopped when the test ends

	// The vendor: a Maskinporten client with a fresh key, and its system.
	vendor := s.NewClient(t, simtest.VendorOrg, simtest.VendorScopes()...)
	systemID := s.RegisterSystem(t, vendor, simtest.System{
		Name:   "smartcloud",
		Rights: []string{simtest.Resource},
	})

	// Ask the customer for a system user; a person there approves it.
	req := s.RequestSystemUser(t, vendor, simtest.SystemUserRequest{
		SystemID:      systemID,
		CustomerOrgNo: simtest.CustomerOrg,
		Rights:        []string{simtest.Resource},
	})
	s.Approve(t, req, simtest.CustomerManagerPID)

	// A system-user token, and what the PDP says about it.
	tok := s.SystemUserToken(t, vendor, simtest.CustomerOrg)
	d := s.Authorize(t, simtest.AuthzRequest{
		SystemUserID: tok.SystemUserID(),
		Resource:     simtest.Resource,
		PartyOrgNo:   simtest.CustomerOrg,
	})
	if d.Decision != simtest.Permit {
		t.Fatalf("the PDP said %s", d.Decision)
	}
}

// Example starts an emulator without a test — as a TestMain does to share
// one among a package's tests (simtest.New, then Close after m.Run) — and
// asks whether it is ready.
func Example() {
	s, err := simtest.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() {
		if err := s.Close(); err != nil {
			fmt.Println(err)
		}
	}()

	res, err := http.Get(s.URL + "/ready")
	if err != nil {
		fmt.Println(err)
		return
	}
	res.Body.Close()
	fmt.Println(res.Status)
	// Output: 200 OK
}
