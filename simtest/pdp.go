package simtest

import (
	"encoding/json"
	"net/http"
	"testing"
)

// The PDP's decisions.
const (
	Permit        = "Permit"
	Deny          = "Deny"
	NotApplicable = "NotApplicable"
	Indeterminate = "Indeterminate"
)

// ServiceOwnerOrg is the seeded service owner (Skatteetaten) whose token
// asks the PDP when an AuthzRequest carries none.
const ServiceOwnerOrg = "974761076"

// AuthzRequest is one question to the PDP: may the system user do Action
// on Resource for the organisation PartyOrgNo?
type AuthzRequest struct {
	SystemUserID string // urn:altinn:systemuser:uuid, e.g. Token.SystemUserID()
	Resource     string // urn:altinn:resource, a resource registry id
	Action       string // default "read"
	PartyOrgNo   string // urn:altinn:organization:identifier-no
	// Token is the caller's bearer token, which needs ScopeAuthorize (a
	// service owner's, say from Token on its own client). Default: a test
	// token for ServiceOwnerOrg from POST /sim/api/v1/tokens.
	Token string
}

// Result is one result of the PDP's answer.
type Result struct {
	// Decision is Permit, Deny, NotApplicable or Indeterminate.
	Decision string `json:"decision"`
	// Raw is the whole result (status, obligations, ...).
	Raw json.RawMessage `json:"-"`
}

// Authorize asks the PDP (POST /authorization/api/v1/authorize, XACML 3.0
// JSON profile) and returns the decision.
func (s *Server) Authorize(t testing.TB, q AuthzRequest) Result {
	t.Helper()
	if q.Action == "" {
		q.Action = "read"
	}
	attr := func(id, value string) map[string]string { return map[string]string{"AttributeId": id, "Value": value} }
	body := map[string]any{"Request": map[string]any{
		"AccessSubject": []any{map[string]any{"Attribute": []any{attr("urn:altinn:systemuser:uuid", q.SystemUserID)}}},
		"Action":        []any{map[string]any{"Attribute": []any{attr("urn:oasis:names:tc:xacml:1.0:action:action-id", q.Action)}}},
		"Resource": []any{map[string]any{"Attribute": []any{
			attr("urn:altinn:resource", q.Resource), attr("urn:altinn:organization:identifier-no", q.PartyOrgNo)}}},
	}}
	res := s.AuthorizeXACML(t, q.Token, body)
	if len(res) != 1 {
		t.Fatalf("simtest: the PDP answered %d results to one question", len(res))
	}
	return res[0]
}

// AuthorizeXACML posts any XACML JSON request body (single or
// MultiRequests) to /authorization/api/v1/authorize with bearer (default:
// a test token for ServiceOwnerOrg with ScopeAuthorize) and returns the
// results in order.
func (s *Server) AuthorizeXACML(t testing.TB, bearer string, body any) []Result {
	t.Helper()
	if bearer == "" {
		bearer = s.TestToken(t, "enterprise", map[string]any{"orgNo": ServiceOwnerOrg, "scopes": []string{ScopeAuthorize}})
	}
	var out struct {
		Response []json.RawMessage `json:"response"`
	}
	s.call(t, "ask the PDP", http.MethodPost, "/authorization/api/v1/authorize", bearer, body, http.StatusOK, &out)
	results := make([]Result, len(out.Response))
	for i, raw := range out.Response {
		if err := json.Unmarshal(raw, &results[i]); err != nil {
			t.Fatalf("simtest: the PDP's result %d is not a result: %s", i, raw)
		}
		results[i].Raw = raw
	}
	return results
}
