package simtest_test

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/simtest"
)

// srv is one server shared by the tests that do not change global state
// (Reset, the clock, faults); they make their own.
var srv *simtest.Server

func TestMain(m *testing.M) {
	var err error
	srv, err = simtest.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, "simtest:", err)
		os.Exit(1)
	}
	code := m.Run()
	if err := srv.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "simtest:", err)
		code = 1
	}
	os.Exit(code)
}

// uniq makes names unique among the tests sharing srv.
func uniq(prefix string) string {
	return fmt.Sprintf("%s%d", prefix, time.Now().UnixNano())
}

// journey is the vendor's path to an approved system user on s; it returns
// the vendor client, the system id and the approved request.
func journey(t *testing.T, s *simtest.Server) (*simtest.Client, string, simtest.Request) {
	t.Helper()
	vendor := s.NewClient(t, simtest.VendorOrg, simtest.VendorScopes()...)
	sysID := s.RegisterSystem(t, vendor, simtest.System{Name: uniq("journey"), Rights: []string{simtest.Resource}})
	req := s.RequestSystemUser(t, vendor, simtest.SystemUserRequest{
		SystemID: sysID, CustomerOrgNo: simtest.CustomerOrg, Rights: []string{simtest.Resource},
	})
	if req.Status != "New" || !strings.HasPrefix(req.ConfirmURL, s.URL+"/") {
		t.Fatalf("new request %+v: want status New and a confirmUrl on %s", req, s.URL)
	}
	s.Approve(t, req, simtest.CustomerManagerPID)
	return vendor, sysID, req
}

// TestJourney: client, system, request, approval in the portal, a
// system-user token and the PDP's Permit — and the PDP refuses the same
// system user for an organisation it does not act for.
func TestJourney(t *testing.T) {
	t.Parallel()
	s := srv
	vendor, sysID, req := journey(t, s)

	if got := s.GetRequest(t, vendor, req); got.Status != "Accepted" {
		t.Fatalf("after Approve the request is %q, want Accepted", got.Status)
	}
	tok := s.SystemUserToken(t, vendor, simtest.CustomerOrg)
	suID := tok.SystemUserID()
	if suID == "" {
		t.Fatalf("system-user token without systemuser_id: %v", tok.Claims())
	}
	su := s.SystemUser(t, vendor, sysID, simtest.CustomerOrg, "")
	if su.ID != suID || su.SystemID != sysID || su.ReporteeOrgNo != simtest.CustomerOrg || su.UserType != "standard" {
		t.Fatalf("system user %+v, want %s of %s for %s", su, suID, sysID, simtest.CustomerOrg)
	}
	if c := tok.Claims(); c["iss"] != s.Issuer || c["client_id"] != vendor.ID {
		t.Errorf("token claims iss %v client_id %v, want %s and %s", c["iss"], c["client_id"], s.Issuer, vendor.ID)
	}

	if d := s.Authorize(t, simtest.AuthzRequest{SystemUserID: suID, Resource: simtest.Resource, PartyOrgNo: simtest.CustomerOrg}); d.Decision != simtest.Permit {
		t.Fatalf("PDP for the customer: %s (%s), want Permit", d.Decision, d.Raw)
	}
	if d := s.Authorize(t, simtest.AuthzRequest{SystemUserID: suID, Resource: simtest.Resource, PartyOrgNo: "310385980"}); d.Decision == simtest.Permit {
		t.Fatalf("PDP for another organisation: Permit (%s)", d.Raw)
	}
	// A service owner's own client asks the PDP with its own token.
	owner := s.NewClient(t, simtest.ServiceOwnerOrg, simtest.ScopeAuthorize)
	if d := s.Authorize(t, simtest.AuthzRequest{SystemUserID: suID, Resource: simtest.Resource, PartyOrgNo: simtest.CustomerOrg,
		Token: s.Token(t, owner).AccessToken}); d.Decision != simtest.Permit {
		t.Fatalf("PDP with the service owner's token: %s", d.Raw)
	}
}

// TestRejected: a rejected request makes no system user, so the
// system-user grant is refused with Maskinporten's error.
func TestRejected(t *testing.T) {
	t.Parallel()
	s := srv
	vendor := s.NewClient(t, simtest.VendorOrg, simtest.VendorScopes()...)
	sysID := s.RegisterSystem(t, vendor, simtest.System{Name: uniq("rejected"), Rights: []string{simtest.Resource}})
	req := s.RequestSystemUser(t, vendor, simtest.SystemUserRequest{SystemID: sysID, CustomerOrgNo: simtest.CustomerOrg, Rights: []string{simtest.Resource}})
	s.Reject(t, req, simtest.CustomerManagerPID)
	if got := s.GetRequest(t, vendor, req); got.Status != "Rejected" {
		t.Fatalf("after Reject the request is %q", got.Status)
	}
	_, err := s.PostGrant(t, s.SignGrant(t, vendor, simtest.Grant{Scopes: vendor.Scopes, SystemUserOrg: simtest.CustomerOrg}))
	var te *simtest.TokenError
	if !errors.As(err, &te) || te.Status != http.StatusBadRequest || te.Code != "invalid_altinn_customer_configuration" || te.URI == "" {
		t.Fatalf("system-user grant without a system user: %v, want 400 invalid_altinn_customer_configuration with an error_uri", err)
	}
}

// TestAgentRequest: an accounting firm's agent system user, asked for
// with client access packages and approved by the firm's daglig leder.
func TestAgentRequest(t *testing.T) {
	t.Parallel()
	s := srv
	vendor := s.NewClient(t, simtest.VendorOrg, simtest.VendorScopes()...)
	pkg := "urn:altinn:accesspackage:regnskapsforer-lonn"
	sysID := s.RegisterSystem(t, vendor, simtest.System{Name: uniq("agent"), AccessPackages: []string{pkg}, Hidden: true})
	req := s.RequestAgentSystemUser(t, vendor, simtest.SystemUserRequest{SystemID: sysID, CustomerOrgNo: simtest.AccountingFirmOrg, AccessPackages: []string{pkg}})
	if !req.Agent || req.Status != "New" {
		t.Fatalf("agent request %+v", req)
	}
	s.Approve(t, req, simtest.AccountingFirmManagerPID)
	if got := s.GetRequest(t, vendor, req); got.Status != "Accepted" {
		t.Fatalf("after Approve the agent request is %q", got.Status)
	}
	su := s.SystemUser(t, vendor, sysID, simtest.AccountingFirmOrg, "")
	if su.UserType != "agent" || su.ReporteeOrgNo != simtest.AccountingFirmOrg {
		t.Fatalf("agent system user %+v", su)
	}
	tok := s.SystemUserToken(t, vendor, simtest.AccountingFirmOrg)
	if tok.SystemUserID() != su.ID {
		t.Fatalf("token for system user %q, want %s", tok.SystemUserID(), su.ID)
	}
	// The package regnskapsforer-lonn reaches nav-a-ordningen for the
	// firm's clients, once a client is added.
	const client, resource = "310385980", "nav-a-ordningen"
	q := simtest.AuthzRequest{SystemUserID: su.ID, Resource: resource, PartyOrgNo: client}
	if d := s.Authorize(t, q); d.Decision == simtest.Permit {
		t.Fatalf("PDP before the client was added: Permit")
	}
	s.AddClient(t, su, client, simtest.AccountingFirmManagerPID)
	if d := s.Authorize(t, q); d.Decision != simtest.Permit {
		t.Fatalf("PDP after the client was added: %s (%s)", d.Decision, d.Raw)
	}
	// A client the firm does not keep the accounts of is refused.
	msg := fatalOf(t, func(tb testing.TB) { s.AddClient(tb, su, simtest.CustomerOrg, simtest.AccountingFirmManagerPID) })
	t.Logf("refused: %s", msg)
	if !strings.Contains(msg, "add client "+simtest.CustomerOrg) || !strings.Contains(msg, "answered 4") {
		t.Fatalf("adding a client that is not the firm's failed with %q", msg)
	}
}

// TestHelpersFailClearly: a helper whose call the server refuses fails
// the test with a message naming what it tried and why it was refused.
func TestHelpersFailClearly(t *testing.T) {
	t.Parallel()
	s := srv
	vendor := s.NewClient(t, simtest.VendorOrg, simtest.VendorScopes()...)
	sysID := s.RegisterSystem(t, vendor, simtest.System{Name: uniq("refused"), Rights: []string{simtest.Resource}})
	req := s.RequestSystemUser(t, vendor, simtest.SystemUserRequest{SystemID: sysID, CustomerOrgNo: simtest.CustomerOrg, Rights: []string{simtest.Resource}})
	cases := []struct {
		name string
		f    func(tb testing.TB)
		want []string
	}{
		{"a person without roles approves", func(tb testing.TB) { s.Approve(tb, req, simtest.NoRolesPID) },
			[]string{"approve request " + req.ID + " as " + simtest.NoRolesPID, "403"}},
		{"a client without the scope registers", func(tb testing.TB) {
			c := s.NewClient(tb, simtest.VendorOrg, simtest.ScopeRequestRead)
			s.RegisterSystem(tb, c, simtest.System{Name: "x"})
		}, []string{"needs scope " + simtest.ScopeSystemRegisterWrite}},
		{"an unknown resource", func(tb testing.TB) {
			s.RegisterSystem(tb, vendor, simtest.System{Name: uniq("bad"), Rights: []string{"no-such-resource"}})
		}, []string{"register system", "answered 400", "no-such-resource"}},
		{"no system user yet", func(tb testing.TB) { s.SystemUserToken(tb, vendor, simtest.CustomerOrg) },
			[]string{"system-user token for client " + vendor.ID + " acting for " + simtest.CustomerOrg, "invalid_altinn_customer_configuration", "no active system user"}},
	}
	for _, c := range cases {
		msg := fatalOf(t, c.f)
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: failure %q does not say %q", c.name, msg, w)
			}
		}
	}
	// The refused approval changed nothing: the request is still New.
	if got := s.GetRequest(t, vendor, req); got.Status != "New" {
		t.Fatalf("after a refused approval the request is %q", got.Status)
	}
}

// fatalTB records a helper's t.Fatalf instead of failing the test.
type fatalTB struct {
	testing.TB
	mu  sync.Mutex
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.msg = fmt.Sprintf(format, args...)
	f.mu.Unlock()
	runtime.Goexit()
}

// fatalOf runs f and returns the message it failed with; it fails the
// test when f did not fail.
func fatalOf(t *testing.T, f func(tb testing.TB)) string {
	t.Helper()
	tb := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(tb)
	}()
	<-done
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if tb.msg == "" {
		t.Fatalf("the helper did not fail")
	}
	return tb.msg
}
