package simtest

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// DelegationScheme is an API provider's delegation scheme: its
// Maskinporten scopes that a consumer may delegate to a supplier in
// Altinn. The scopes need a delegation_source (set on the scope through
// the self-service API /api/v1/scopes) before /token honours consumer_org.
type DelegationScheme struct {
	Identifier  string   `json:"identifier"`
	OwnerOrgNo  string   `json:"owner_orgno"`
	Scopes      []string `json:"scopes"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
}

// APIDelegation is one consumer's delegation of a scheme to a supplier.
type APIDelegation struct {
	ID            string   `json:"id"`
	Scheme        string   `json:"scheme"`
	Scopes        []string `json:"scopes"`
	ConsumerOrgNo string   `json:"consumer_orgno"`
	SupplierOrgNo string   `json:"supplier_orgno"`
	// Withdrawn is set once the delegation was withdrawn.
	Withdrawn string `json:"withdrawn,omitempty"`
}

// CreateDelegationScheme registers the scheme (POST
// /sim/api/v1/apidelegation/schemes, which stands in for the provider's
// registration in Altinn). Each scope must be the owner's own.
func (s *Server) CreateDelegationScheme(t testing.TB, sc DelegationScheme) {
	t.Helper()
	s.admin(t, "create delegation scheme "+sc.Identifier, http.MethodPost, "/sim/api/v1/apidelegation/schemes", sc, http.StatusCreated, nil)
}

// DelegateAPI gives the scheme from consumerOrgNo to supplierOrgNo the way
// a person does it in the portal: pid (one who may manage the consumer's
// access, e.g. its daglig leder) logs in, opens the organisation's API
// delegation page and delegates. It returns the live delegation.
func (s *Server) DelegateAPI(t testing.TB, scheme, consumerOrgNo, supplierOrgNo, pid string) APIDelegation {
	t.Helper()
	b := s.browse(t, fmt.Sprintf("delegate %s from %s to %s as %s in the portal", scheme, consumerOrgNo, supplierOrgNo, pid))
	page := "/portal/org/" + url.PathEscape(consumerOrgNo) + "/apidelegations"
	b.login(s.path(page), pid)
	b.submit(page, url.Values{"scheme": {scheme}, "supplier": {supplierOrgNo}}, "delegate")
	for _, d := range s.APIDelegations(t, consumerOrgNo, supplierOrgNo) {
		if d.Scheme == scheme {
			return d
		}
	}
	t.Fatalf("simtest: the portal delegated %s from %s to %s, but the control API lists no such delegation", scheme, consumerOrgNo, supplierOrgNo)
	return APIDelegation{}
}

// WithdrawAPIDelegation withdraws the delegation in the portal as pid (one
// who may manage the consumer's access). The supplier's consumer_org
// grants are refused from then on (MP-251).
func (s *Server) WithdrawAPIDelegation(t testing.TB, d APIDelegation, pid string) {
	t.Helper()
	b := s.browse(t, fmt.Sprintf("withdraw API delegation %s as %s in the portal", d.ID, pid))
	page := "/portal/org/" + url.PathEscape(d.ConsumerOrgNo) + "/apidelegations"
	b.login(s.path(page), pid)
	b.submit(page+"/"+url.PathEscape(d.ID)+"/withdraw", nil, "withdraw")
}

// APIDelegations lists the live delegations from consumerOrgNo to
// supplierOrgNo ("" for any) through the control API.
func (s *Server) APIDelegations(t testing.TB, consumerOrgNo, supplierOrgNo string) []APIDelegation {
	t.Helper()
	q := url.Values{}
	if consumerOrgNo != "" {
		q.Set("consumer", consumerOrgNo)
	}
	if supplierOrgNo != "" {
		q.Set("supplier", supplierOrgNo)
	}
	var out []APIDelegation
	s.admin(t, "list API delegations", http.MethodGet, "/sim/api/v1/apidelegation/delegations?"+q.Encode(), nil, http.StatusOK, &out)
	return out
}
