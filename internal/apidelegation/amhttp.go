package apidelegation

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// The scopes of Maskinporten's delegation lookup (AuthzConstants: the
// MaskinportenDelegationsProxy policy takes either).
const (
	ScopeMPDelegations      = "altinn:maskinporten/delegations"
	ScopeMPDelegationsAdmin = "altinn:maskinporten/delegations.admin"
)

// OrganizationNumberHeader carries the organisation when the path's party
// is "organization" (IdentifierUtil.OrganizationNumberHeader).
const OrganizationNumberHeader = "Altinn-Party-OrganizationNumber"

// AMRoutes are Access Management's Maskinporten-schema operations over the
// same schemes and delegations: Maskinporten's lookup of delegations, and
// the end-user API an organisation's person uses to list, give and
// revoke them (MaskinportenSchemaController).
func (s *Service) AMRoutes() []route.Route {
	const tag = "Access Management: Maskinporten schema delegations"
	return []route.Route{
		{Method: "GET", Path: "/accessmanagement/api/v1/maskinporten/delegations", Guard: route.Bearer,
			Scopes: []string{ScopeMPDelegations, ScopeMPDelegationsAdmin}, Handler: route.E(s.handleMPLookup),
			Query: []route.Param{route.Q("supplierOrg", "the supplier's organisation number"), route.Q("consumerOrg", "the consumer's organisation number"),
				route.Q("scope", "the Maskinporten scope (required without the .admin scope, and then under one of the caller's prefixes)")},
			Tag: tag, Summary: "Maskinporten's lookup of live delegations of the schemes holding a scope", OKSchema: "MPDelegations"},
		{Method: "GET", Path: "/accessmanagement/api/v1/{party}/maskinportenschema/offered", Guard: route.Bearer, Handler: route.E(s.handleOffered),
			Tag: tag, Summary: "The Maskinporten schemas the party delegated to others (party id, or organization with the Altinn-Party-OrganizationNumber header)",
			OKSchema: "MaskinportenSchemaDelegations"},
		{Method: "GET", Path: "/accessmanagement/api/v1/{party}/maskinportenschema/received", Guard: route.Bearer, Handler: route.E(s.handleReceived),
			Tag: tag, Summary: "The Maskinporten schemas others delegated to the party", OKSchema: "MaskinportenSchemaDelegations"},
		{Method: "POST", Path: "/accessmanagement/api/v1/{party}/maskinportenschema/offered", Guard: route.Bearer, Handler: route.E(s.handleDelegateSchema),
			Tag: tag, Summary: "The party delegates a Maskinporten schema to an organisation", Body: "RightsDelegationRequest",
			OK: http.StatusCreated, OKSchema: "RightsDelegationResponse"},
		{Method: "POST", Path: "/accessmanagement/api/v1/{party}/maskinportenschema/offered/revoke", Guard: route.Bearer, Handler: route.E(s.handleRevokeOffered),
			Tag: tag, Summary: "The party revokes a Maskinporten schema it delegated (body: to, rights)", Body: "RightsDelegationRequest", OK: http.StatusNoContent},
		{Method: "POST", Path: "/accessmanagement/api/v1/{party}/maskinportenschema/received/revoke", Guard: route.Bearer, Handler: route.E(s.handleRevokeReceived),
			Tag: tag, Summary: "The party gives back a Maskinporten schema it received (body: from, rights)", Body: "RightsDelegationRequest", OK: http.StatusNoContent},
		{Method: "POST", Path: "/accessmanagement/api/v1/{party}/maskinportenschema/delegationcheck", Guard: route.Bearer, Handler: route.E(s.handleDelegationCheck),
			Tag: tag, Summary: "What the person may delegate of a Maskinporten schema for the party", Body: "DelegationCheckRequest", OKSchema: "RightDelegationCheckResults"},
	}
}

// lookupForbidden is the lookup's own 403 (MaskinportenSchemaAuthorizer).
func lookupForbidden(scope string) *problem.Problem {
	title := "Not authorized for lookup of delegations for the scope: " + scope
	if strings.TrimSpace(scope) == "" {
		title = "Not authorized for lookup of delegations without specifying parameter: scope"
	}
	return plainProblem(http.StatusForbidden, "https://tools.ietf.org/html/rfc7231#section-6.5.3", title)
}

// MayLookUp is MaskinportenSchemaAuthorizer.IsAuthorizedDelegationLookupAccess:
// the admin scope may look up anything; otherwise the scope must be asked
// for and lie under one of the caller's prefixes.
func MayLookUp(hasAdmin bool, prefixes []string, scope string) bool {
	if hasAdmin {
		return true
	}
	if strings.TrimSpace(scope) == "" {
		return false
	}
	for _, p := range prefixes {
		if strings.HasPrefix(scope, p+":") {
			return true
		}
	}
	return false
}

// callerPrefixes are the scope prefixes the caller's organisation owns: a
// Maskinporten token's consumer_prefix claim when it has one, else the
// scope register's owner of the asked scope's prefix (the emulator's
// tokens carry no consumer_prefix claim).
func (s *Service) callerPrefixes(ctx context.Context, c auth.Caller, scope string) ([]string, error) {
	switch v := c.Claims["consumer_prefix"].(type) {
	case string:
		return []string{v}, nil
	case []any:
		var out []string
		for _, p := range v {
			if str, ok := p.(string); ok {
				out = append(out, str)
			}
		}
		return out, nil
	}
	prefix, _, ok := strings.Cut(scope, ":")
	if !ok || c.ConsumerOrgNo == "" {
		return nil, nil
	}
	st, err := s.scopes.StandingOf(ctx, c.ConsumerOrgNo, scope)
	if err != nil {
		return nil, fmt.Errorf("scope %q: %w", scope, err)
	}
	if st.PrefixOwner == c.ConsumerOrgNo {
		return []string{prefix}, nil
	}
	return nil, nil
}

func (s *Service) handleMPLookup(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	supplier, consumer, scope := q.Get("supplierOrg"), q.Get("consumerOrg"), q.Get("scope")
	c, _ := auth.CallerFrom(r.Context())
	admin := c.HasScope(ScopeMPDelegationsAdmin)
	var prefixes []string
	if !admin {
		var err error
		if prefixes, err = s.callerPrefixes(r.Context(), c, scope); err != nil {
			return err
		}
	}
	if !MayLookUp(admin, prefixes, scope) {
		return lookupForbidden(scope)
	}
	if strings.TrimSpace(scope) == "" && strings.TrimSpace(supplier) == "" && strings.TrimSpace(consumer) == "" {
		return plainProblem(http.StatusBadRequest, "https://tools.ietf.org/html/rfc7231#section-6.5.1",
			"Missing query parameters; provide at least one of: scope, supplierOrg, consumerOrg")
	}
	if supplier != "" && !parties.ValidOrgNo(supplier, true) {
		return aspValidation("supplierOrg", "supplierOrg is not a valid organization number")
	}
	if consumer != "" && !parties.ValidOrgNo(consumer, true) {
		return aspValidation("consumerOrg", "consumerOrg is not a valid organization number")
	}
	out, err := s.MaskinportenLookup(r.Context(), supplier, consumer, scope)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

// amParty resolves the {party} of an end-user operation and checks the
// caller: a person (an Altinn token with a national identity number) who
// may manage the organisation's access. The party is a party id, or
// "organization" with the organisation number in the
// Altinn-Party-OrganizationNumber header (IdentifierUtil). A malformed
// party is upstream's 400; an unknown one, a person's party, another
// caller or a person who may not act for it a bare 403, as the platform's
// resource-access policy refuses.
func (s *Service) amParty(r *http.Request) (parties.Organization, string, error) {
	ctx := r.Context()
	c, _ := auth.CallerFrom(ctx)
	party := chi.URLParam(r, "party")
	var org parties.Organization
	var err error
	switch {
	case party == "organization":
		no, ok := r.Header[http.CanonicalHeaderKey(OrganizationNumberHeader)]
		if !ok {
			return org, "", aspValidation("Validation Error", "When using the 'organization' path parameter the organization number must be provided as a request header value: '"+OrganizationNumberHeader+"'")
		}
		if len(no) != 1 || !parties.ValidOrgNo(no[0], true) {
			return org, "", aspValidation("Validation Error", "The request header '"+OrganizationNumberHeader+"' does not provide a well-formed organization number value: '"+strings.Join(no, ",")+"'")
		}
		org, err = s.orgs.Org(ctx, no[0])
	case party == "person":
		return org, "", aspValidation("Validation Error", "Maskinporten schema delegations is not supported between persons. Invalid argument: "+attrPersonID)
	default:
		id, perr := strconv.ParseInt(party, 10, 32)
		if perr != nil || id == 0 {
			return org, "", aspValidation("Validation Error", "The party path parameter is not a well-formed party id: '"+party+"'")
		}
		org, err = s.orgs.OrgByPartyID(ctx, id)
	}
	if errors.Is(err, dberr.ErrNotFound) || c.PID == "" {
		return org, "", route.Status(http.StatusForbidden)
	}
	if err != nil {
		return org, "", err
	}
	ok, err := s.orgs.CanManage(ctx, c.PID, org.OrgNo)
	if err != nil {
		return org, "", fmt.Errorf("may the person act for %s: %w", org.OrgNo, err)
	}
	if !ok {
		return org, "", route.Status(http.StatusForbidden)
	}
	return org, c.PID, nil
}

func (s *Service) handleOffered(w http.ResponseWriter, r *http.Request) error {
	return s.list(w, r, s.Offered)
}

func (s *Service) handleReceived(w http.ResponseWriter, r *http.Request) error {
	return s.list(w, r, s.Received)
}

func (s *Service) list(w http.ResponseWriter, r *http.Request, of func(context.Context, parties.Organization) ([]SchemaDelegation, error)) error {
	org, _, err := s.amParty(r)
	if err != nil {
		return err
	}
	out, err := of(r.Context(), org)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

// decodeRights reads a delegate or revoke body; ASP.NET's model binding
// first: the [Required] lists must be there.
func decodeRights(w http.ResponseWriter, r *http.Request, need string) (RightsDelegationRequest, error) {
	var raw struct {
		To     *[]AttributeMatch `json:"to"`
		From   *[]AttributeMatch `json:"from"`
		Rights *[]BaseRight      `json:"rights"`
	}
	if p := problem.DecodeJSON(w, r, &raw); p != nil {
		return RightsDelegationRequest{}, p
	}
	errs := map[string][]string{}
	if need == "To" && raw.To == nil {
		errs["To"] = []string{"The To field is required."}
	}
	if need == "From" && raw.From == nil {
		errs["From"] = []string{"The From field is required."}
	}
	if raw.Rights == nil {
		errs["Rights"] = []string{"The Rights field is required."}
	}
	if len(errs) > 0 {
		return RightsDelegationRequest{}, aspValidationAll(errs)
	}
	var in RightsDelegationRequest
	in.Rights = *raw.Rights
	if raw.To != nil {
		in.To = *raw.To
	}
	if raw.From != nil {
		in.From = *raw.From
	}
	return in, nil
}

func (s *Service) handleDelegateSchema(w http.ResponseWriter, r *http.Request) error {
	org, pid, err := s.amParty(r)
	if err != nil {
		return err
	}
	in, err := decodeRights(w, r, "To")
	if err != nil {
		return err
	}
	out, err := s.DelegateSchema(r.Context(), org, in, pid)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusCreated, out)
	return nil
}

func (s *Service) handleRevokeOffered(w http.ResponseWriter, r *http.Request) error {
	org, pid, err := s.amParty(r)
	if err != nil {
		return err
	}
	in, err := decodeRights(w, r, "To")
	if err != nil {
		return err
	}
	if err := s.RevokeSchema(r.Context(), in.Rights, []AttributeMatch{{ID: attrOrgNo, Value: org.OrgNo}}, in.To, pid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) handleRevokeReceived(w http.ResponseWriter, r *http.Request) error {
	org, pid, err := s.amParty(r)
	if err != nil {
		return err
	}
	in, err := decodeRights(w, r, "From")
	if err != nil {
		return err
	}
	if err := s.RevokeSchema(r.Context(), in.Rights, in.From, []AttributeMatch{{ID: attrOrgNo, Value: org.OrgNo}}, pid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) handleDelegationCheck(w http.ResponseWriter, r *http.Request) error {
	org, pid, err := s.amParty(r)
	if err != nil {
		return err
	}
	var in DelegationCheckRequest
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return p
	}
	out, err := s.DelegationCheck(r.Context(), org, pid, in)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}
