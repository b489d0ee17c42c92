package simtest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// System is a vendor's system in the system register.
type System struct {
	// ID is <vendor orgno>_<name>, no spaces; default VendorOrgNo_Name.
	ID string
	// Name is the display name (nb, nn and en alike); default the part of
	// ID after the vendor's org number.
	Name string
	// Rights are resource registry ids the system may be given
	// (e.g. "kravogbetaling").
	Rights []string
	// AccessPackages are access package URNs
	// (e.g. "urn:altinn:accesspackage:regnskapsforer-lonn").
	AccessPackages []string
	// ClientIDs are the Maskinporten clients bound to the system; default
	// the vendor client RegisterSystem is called with.
	ClientIDs []string
	// RedirectURLs are the allowed redirect URLs of requests.
	RedirectURLs []string
	// Hidden registers the system with isVisible false (not offered in
	// the portal's system list). A system asking for client access
	// packages, for agent system users, must be hidden.
	Hidden bool
}

// RegisterSystem registers the system for the vendor client's organisation
// (POST /authentication/api/v1/systemregister/vendor with the client's own
// Maskinporten token, which needs ScopeSystemRegisterWrite) and returns its
// id.
func (s *Server) RegisterSystem(t testing.TB, vendor *Client, sys System) string {
	t.Helper()
	needScope(t, vendor, ScopeSystemRegisterWrite, "register a system")
	if sys.ID == "" {
		if sys.Name == "" {
			t.Fatalf("simtest: register a system: give System.ID or System.Name")
		}
		sys.ID = vendor.OrgNo + "_" + strings.ReplaceAll(sys.Name, " ", "")
	}
	if sys.Name == "" {
		sys.Name = strings.TrimPrefix(sys.ID, vendor.OrgNo+"_")
	}
	if sys.ClientIDs == nil {
		sys.ClientIDs = []string{vendor.ID}
	}
	lang := func(v string) map[string]string { return map[string]string{"nb": v, "nn": v, "en": v} }
	body := map[string]any{
		"id":                  sys.ID,
		"vendor":              map[string]string{"authority": "iso6523-actorid-upis", "ID": "0192:" + vendor.OrgNo},
		"name":                lang(sys.Name),
		"description":         lang(sys.Name + " (registered by simtest)"),
		"rights":              rights(sys.Rights),
		"accessPackages":      packages(sys.AccessPackages),
		"clientId":            sys.ClientIDs,
		"isVisible":           !sys.Hidden,
		"allowedRedirectUrls": orEmpty(sys.RedirectURLs),
	}
	tok := s.Token(t, vendor, ScopeSystemRegisterWrite)
	s.call(t, "register system "+sys.ID, http.MethodPost, "/authentication/api/v1/systemregister/vendor", tok.AccessToken, body, http.StatusOK, nil)
	return sys.ID
}

// SystemUserRequest is what a vendor asks a customer for.
type SystemUserRequest struct {
	SystemID      string
	CustomerOrgNo string
	// ExternalRef tells several system users of one system for one
	// customer apart; the platform defaults it to CustomerOrgNo.
	ExternalRef string
	// Rights are resource ids (standard requests only).
	Rights []string
	// AccessPackages are access package URNs.
	AccessPackages []string
	// RedirectURL is where the person's browser goes after answering; it
	// must be one of the system's RedirectURLs.
	RedirectURL string
}

// Request is a system-user request as the vendor API answers it.
type Request struct {
	ID          string `json:"id"`
	SystemID    string `json:"systemId"`
	PartyOrgNo  string `json:"partyOrgNo"`
	ExternalRef string `json:"externalRef"`
	// Status is New, Accepted, Rejected, Denied or Timedout.
	Status string `json:"status"`
	// ConfirmURL is the page the vendor hands the customer: a person who
	// may manage the customer's access opens it and approves.
	ConfirmURL string `json:"confirmUrl"`
	TimedOut   bool   `json:"timedOut"`
	Escalated  bool   `json:"escalated"`
	// Agent is true for an agent request (client delegation).
	Agent bool `json:"-"`
}

// RequestSystemUser creates a standard system-user request (POST
// /authentication/api/v1/systemuser/request/vendor with the vendor
// client's token, which needs ScopeRequestWrite). The answer is 201 for a
// new request, or 200 with the existing live one for the same system,
// customer and external reference; both are returned.
func (s *Server) RequestSystemUser(t testing.TB, vendor *Client, r SystemUserRequest) Request {
	t.Helper()
	return s.createRequest(t, vendor, r, false)
}

// RequestAgentSystemUser creates an agent request (POST
// .../systemuser/request/vendor/agent): access packages only, for an
// accounting or audit firm that then adds its clients.
func (s *Server) RequestAgentSystemUser(t testing.TB, vendor *Client, r SystemUserRequest) Request {
	t.Helper()
	if len(r.Rights) > 0 {
		t.Fatalf("simtest: an agent request takes access packages only, not rights %v", r.Rights)
	}
	return s.createRequest(t, vendor, r, true)
}

func (s *Server) createRequest(t testing.TB, vendor *Client, r SystemUserRequest, agent bool) Request {
	t.Helper()
	needScope(t, vendor, ScopeRequestWrite, "ask for a system user")
	body := map[string]any{
		"systemId": r.SystemID, "partyOrgNo": r.CustomerOrgNo,
		"accessPackages": packages(r.AccessPackages),
	}
	if r.ExternalRef != "" {
		body["externalRef"] = r.ExternalRef
	}
	if r.RedirectURL != "" {
		body["redirectUrl"] = r.RedirectURL
	}
	path := "/authentication/api/v1/systemuser/request/vendor"
	if agent {
		path += "/agent"
	} else {
		body["rights"] = rights(r.Rights)
	}
	tok := s.Token(t, vendor, ScopeRequestWrite)
	what := "ask " + r.CustomerOrgNo + " for a system user of " + r.SystemID
	res := s.Do(t, http.MethodPost, path, tok.AccessToken, body)
	if res.Status != http.StatusCreated && res.Status != http.StatusOK {
		t.Fatalf("simtest: %s: POST %s answered %d, want 201 or 200: %s", what, path, res.Status, clip(res.Body))
	}
	var out Request
	res.JSON(t, &out)
	out.Agent = agent
	return out
}

// GetRequest reads a request as the vendor sees it (GET
// .../systemuser/request/vendor[/agent]/{id}; the client needs
// ScopeRequestRead).
func (s *Server) GetRequest(t testing.TB, vendor *Client, req Request) Request {
	t.Helper()
	needScope(t, vendor, ScopeRequestRead, "read a request")
	path := "/authentication/api/v1/systemuser/request/vendor/"
	if req.Agent {
		path += "agent/"
	}
	var out Request
	s.call(t, "read request "+req.ID, http.MethodGet, path+url.PathEscape(req.ID), s.Token(t, vendor, ScopeRequestRead).AccessToken, nil, http.StatusOK, &out)
	out.Agent = req.Agent
	return out
}

// SystemUser is a system user as the vendor API answers it.
type SystemUser struct {
	ID            string `json:"id"`
	SystemID      string `json:"systemId"`
	ReporteeOrgNo string `json:"reporteeOrgNo"`
	SupplierOrgNo string `json:"supplierOrgno"`
	ExternalRef   string `json:"externalRef"`
	// UserType is "standard" or "agent".
	UserType  string `json:"userType"`
	IsDeleted bool   `json:"isDeleted"`
}

// SystemUser reads the vendor's live system user for a system, customer
// and external reference (GET /authentication/api/v1/systemuser/vendor/
// byquery; the client needs ScopeRequestWrite). externalRef "" means the
// customer's org number, as on the request. It fails the test when there
// is none.
func (s *Server) SystemUser(t testing.TB, vendor *Client, systemID, customerOrgNo, externalRef string) SystemUser {
	t.Helper()
	needScope(t, vendor, ScopeRequestWrite, "read a system user")
	if externalRef == "" {
		externalRef = customerOrgNo
	}
	q := url.Values{"system-id": {systemID}, "orgno": {customerOrgNo}, "external-ref": {externalRef}}
	var out SystemUser
	s.call(t, "the system user of "+systemID+" for "+customerOrgNo, http.MethodGet,
		"/authentication/api/v1/systemuser/vendor/byquery?"+q.Encode(), s.Token(t, vendor, ScopeRequestWrite).AccessToken, nil, http.StatusOK, &out)
	return out
}

// needScope fails the test early, with what to do, when the client was
// made without a scope the helper's API call needs.
func needScope(t testing.TB, c *Client, scope, what string) {
	t.Helper()
	if !slices.Contains(c.Scopes, scope) {
		t.Fatalf("simtest: to %s, client %s (%s) needs scope %s; it has %v (make it with s.NewClient(t, orgNo, simtest.VendorScopes()...))",
			what, c.ID, c.OrgNo, scope, c.Scopes)
	}
}

func rights(ids []string) []any {
	out := []any{}
	for _, id := range ids {
		out = append(out, map[string]any{"resource": []any{map[string]string{"id": "urn:altinn:resource", "value": id}}})
	}
	return out
}

func packages(urns []string) []any {
	out := []any{}
	for _, u := range urns {
		out = append(out, map[string]string{"urn": u})
	}
	return out
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
