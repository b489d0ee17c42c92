package systemusers

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// Scopes of the system-user APIs.
const (
	ScopeRequestWrite        = "altinn:authentication/systemuser.request.write"
	ScopeRequestRead         = "altinn:authentication/systemuser.request.read"
	ScopeRegisterWrite       = "altinn:authentication/systemregister.write"
	ScopeRegisterAdmin       = "altinn:authentication/systemregister.admin"
	ScopeMaskinportenLookup  = "altinn:maskinporten/systemuser.read"
	ScopePortal              = "altinn:portal/enduser"
	ScopeClientDelegationsRd = "altinn:clientdelegations.read"
	ScopeClientDelegationsWr = "altinn:clientdelegations.write"
)

// Routes are the system-user operations: the vendor's and Maskinporten's
// lookups, the portal's system users of a party, and client delegation.
// Where a party's access is checked, the handler does it.
func (s *Service) Routes() []route.Route {
	const tagSU, tagClients = "System users", "Client delegation"
	portal := []string{ScopePortal}
	cdRead, cdWrite := []string{ScopeClientDelegationsRd}, []string{ScopeClientDelegationsWr}
	return []route.Route{
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/byExternalId", Guard: route.Bearer, Scopes: []string{ScopeMaskinportenLookup}, Handler: route.E(s.handleByExternalID),
			Query: []route.Param{route.QRequired("clientId", "the Maskinporten client id"), route.QRequired("systemProviderOrgNo", "the vendor's organisation number"), route.QRequired("systemUserOwnerOrgNo", "the customer's organisation number"), route.Q("externalRef", "the system user's external reference (default: the customer's organisation number)")}, Tag: tagSU, Summary: "Maskinporten's lookup: the system user for a client, vendor, owner and external reference", OKSchema: "SystemUser"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/vendor/byquery", Guard: route.Bearer, Scopes: []string{ScopeRequestWrite}, Handler: route.E(s.handleByQuery),
			Query: []route.Param{route.QRequired("system-id", "the system's id"), route.QRequired("orgno", "the customer's organisation number"), route.Q("external-ref", "the external reference (default: orgno)")}, Tag: tagSU, Summary: "A vendor's system user by system, org and external reference", OKSchema: "SystemUser"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/vendor/bysystem/{systemId}", Guard: route.Bearer, Scopes: []string{ScopeRegisterWrite, ScopeRegisterAdmin}, Handler: route.E(s.handleBySystem),
			Query: []route.Param{route.Q("token", "continuation token from the previous page's links.next")}, Tag: tagSU, Summary: "A system's system users, paged"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/internal/systemusers/stream", Guard: route.Bearer, Scopes: []string{ScopeSystemUserAdmin}, PlatformAccess: true, Handler: route.E(s.handleStream),
			Query: []route.Param{route.Q("token", "continuation token from the previous page's links.next")}, Tag: tagSU, Summary: "The change feed of system users (deleted ones too), as Register reads it (or with a platform access token in the PlatformAccessToken header)"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/internal/systemusers/{id}", Guard: route.Bearer, Scopes: []string{ScopeSystemUserAdmin}, PlatformAccess: true, Handler: route.E(s.handleRegisterGet),
			Tag: tagSU, Summary: "A live system user as Register reads it, 410 when deleted or unknown (or with a platform access token in the PlatformAccessToken header)"},
		{Method: http.MethodPut, Path: "/authentication/api/v1/systemuser", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleUpdate),
			Tag: tagSU, Summary: "Update a system user (accepted, no effect, as on the platform)", Body: "SystemUserUpdate"},
		{Method: http.MethodPost, Path: "/authentication/api/v1/systemuser/{party}/create", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleCreateForParty),
			Tag: tagSU, Summary: "Create a standard system user directly (portal)", Body: "CreateSystemUser", OKSchema: "SystemUser"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/{party}", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleList(TypeStandard)),
			Tag: tagSU, Summary: "A party's standard system users"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/{party}/{systemUserId}", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleGet),
			Tag: tagSU, Summary: "A system user", OKSchema: "SystemUser"},
		{Method: http.MethodDelete, Path: "/authentication/api/v1/systemuser/{party}/{systemUserId}", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleDelete(TypeStandard)),
			Tag: tagSU, Summary: "Delete a standard system user", OK: http.StatusAccepted},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/{party}/{systemUserId}/delegations", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleDelegations),
			Tag: tagSU, Summary: "What a system user was given"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/agent/{party}", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleList(TypeAgent)),
			Tag: tagSU, Summary: "A party's agent system users"},
		{Method: http.MethodDelete, Path: "/authentication/api/v1/systemuser/agent/{party}/{systemUserId}", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleDelete(TypeAgent)),
			Tag: tagSU, Summary: "Delete an agent system user (no clients left)", OK: http.StatusAccepted},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/agent/{party}/clients", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleFacilitatorClients),
			Query: []route.Param{route.QRequired("facilitator", "the facilitator's party uuid"), route.Q("packages", "repeatable: only clients a role gives one of these packages (URN or its last segment)")}, Tag: tagClients, Summary: "The facilitator's clients and what each of its roles there gives (portal)"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/agent/{party}/{systemUserId}/self", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleSelf),
			Query: []route.Param{route.QRequired("partyUuid", "the owner's party uuid")}, Tag: tagClients, Summary: "Whether the owner has delegated the agent system user's packages to it (true/false)"},
		{Method: http.MethodPost, Path: "/authentication/api/v1/systemuser/agent/{party}/{systemUserId}/self", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleSelf),
			Query: []route.Param{route.QRequired("partyUuid", "the owner's party uuid")}, Tag: tagClients, Summary: "The owner delegates the agent system user's packages to it, so it acts for the owner too"},
		{Method: http.MethodDelete, Path: "/authentication/api/v1/systemuser/agent/{party}/{systemUserId}/self", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleSelf),
			Query: []route.Param{route.QRequired("partyUuid", "the owner's party uuid")}, Tag: tagClients, Summary: "The owner takes back the packages it delegated to its agent system user"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/agent/{party}/{facilitator}/{systemUserId}/delegations", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleAgentDelegations),
			Tag: tagClients, Summary: "An agent system user's client delegations (portal)"},
		{Method: http.MethodPost, Path: "/authentication/api/v1/systemuser/agent/{party}/{systemUserId}", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleAgentAddClient),
			Query: []route.Param{route.QRequired("client", "the client's party uuid"), route.Q("provider", "the facilitator's party uuid (default: the agent system user's owner)")}, Tag: tagClients, Summary: "Delegate a client to an agent system user (portal)"},
		{Method: http.MethodDelete, Path: "/authentication/api/v1/systemuser/agent/{party}/{systemUserId}/client", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleAgentRemoveClient),
			Query: []route.Param{route.QRequired("client", "the client's party uuid"), route.Q("provider", "the facilitator's party uuid (default: the agent system user's owner)")}, Tag: tagClients, Summary: "Remove a client from an agent system user (portal)"},

		{Method: http.MethodGet, Path: "/accessmanagement/api/v1/enduser/clientdelegations/clients", Guard: route.Bearer, Scopes: cdRead, Handler: route.E(s.handleAMClients),
			Query: []route.Param{route.QRequired("party", "the facilitator's party uuid"), route.Q("roles", "repeatable: only these roles (code, e.g. regnskapsforer, or URN)")}, Tag: tagClients, Summary: "Access Management: the party's clients by ER role, with the packages each role gives"},
		{Method: http.MethodGet, Path: "/accessmanagement/api/v1/enduser/clientdelegations/agents/accesspackages", Guard: route.Bearer, Scopes: cdRead, Handler: route.E(s.handleAMAgentPackages),
			Query: []route.Param{route.QRequired("party", "the facilitator's party uuid"), route.QRequired("to", "the agent (agent system user id, or a person agent's party uuid)")}, Tag: tagClients, Summary: "Access Management: what the party delegated to an agent, per client"},
		{Method: http.MethodPost, Path: "/accessmanagement/api/v1/enduser/clientdelegations/agents/accesspackages", Guard: route.Bearer, Scopes: cdWrite, Handler: route.E(s.handleAMDelegatePackages),
			Query: []route.Param{route.QRequired("party", "the facilitator's party uuid"), route.QRequired("from", "the client's party uuid"), route.QRequired("to", "the agent (agent system user id, or a person agent's party uuid)")}, Tag: tagClients, Summary: "Access Management: the party delegates a client's packages (body {values:[{role, packages}]}) to its agent", Body: "DelegationBatchInput"},
		{Method: http.MethodDelete, Path: "/accessmanagement/api/v1/enduser/clientdelegations/agents/accesspackages", Guard: route.Bearer, Scopes: cdWrite, Handler: route.E(s.handleAMRemovePackages),
			Query: []route.Param{route.QRequired("party", "the facilitator's party uuid"), route.QRequired("from", "the client's party uuid"), route.QRequired("to", "the agent (agent system user id, or a person agent's party uuid)")}, Tag: tagClients, Summary: "Access Management: the party takes a client's packages (body {values:[{role, packages}]}) back from its agent", Body: "DelegationBatchInput"},
		{Method: http.MethodGet, Path: "/accessmanagement/api/v1/enduser/clientdelegations/agents", Guard: route.Bearer, Scopes: cdRead, Handler: route.E(s.handleAMAgents),
			Query: []route.Param{route.QRequired("party", "the facilitator's party uuid")}, Tag: tagClients, Summary: "Access Management: the party's agents (its agent system users and the persons it made agents)"},
		{Method: http.MethodPost, Path: "/accessmanagement/api/v1/enduser/clientdelegations/agents", Guard: route.Bearer, Scopes: cdWrite, Handler: route.E(s.handleAMAddAgent),
			Query: []route.Param{route.QRequired("party", "the facilitator's party uuid"), route.Q("to", "the agent's id (the party's agent system user, or a person connected to it); when given, the body is not read")}, Tag: tagClients,
			Summary: "Access Management: the party makes a person (body {personIdentifier, lastName}) its agent; 200 with the assignment", Body: "PersonInput", OKSchema: "Assignment"},
		{Method: http.MethodDelete, Path: "/accessmanagement/api/v1/enduser/clientdelegations/agents", Guard: route.Bearer, Scopes: cdWrite, Handler: route.E(s.handleAMRemoveAgent), OK: http.StatusNoContent,
			Query: []route.Param{route.QRequired("party", "the facilitator's party uuid"), route.QRequired("to", "the person agent's party uuid"), route.Q("cascade", "true: also remove the agent's client delegations (else an agent holding any is refused)")}, Tag: tagClients,
			Summary: "Access Management: the party removes a person agent"},
		{Method: http.MethodGet, Path: "/accessmanagement/api/v1/enduser/clientdelegations/clients/accesspackages", Guard: route.Bearer, Scopes: cdRead, Handler: route.E(s.handleAMClientPackages),
			Query: []route.Param{route.QRequired("party", "the facilitator's party uuid"), route.QRequired("from", "the client's party uuid")}, Tag: tagClients, Summary: "Access Management: what the party delegated from a client to each of its agents"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/enduser/systemuser/agents", Guard: route.Bearer, Scopes: cdRead, Handler: route.E(s.handleAgents),
			Query: []route.Param{route.QRequired("party", "the facilitator's party uuid or organisation number")}, Tag: tagClients, Summary: "A facilitator's agent system users"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/enduser/systemuser/clients", Guard: route.Bearer, Scopes: cdRead, Handler: route.E(s.handleClients),
			Query: []route.Param{route.QRequired("agent", "the agent system user's id")}, Tag: tagClients, Summary: "An agent system user's clients"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/enduser/systemuser/clients/available", Guard: route.Bearer, Scopes: cdRead, Handler: route.E(s.handleAvailableClients),
			Query: []route.Param{route.QRequired("agent", "the agent system user's id")}, Tag: tagClients, Summary: "Clients the facilitator may delegate (by ER role)"},
		{Method: http.MethodPost, Path: "/authentication/api/v1/enduser/systemuser/clients", Guard: route.Bearer, Scopes: cdWrite, Handler: route.E(s.handleAddClient),
			Query: []route.Param{route.QRequired("agent", "the agent system user's id"), route.QRequired("client", "the client's party uuid")}, Tag: tagClients, Summary: "Delegate a client"},
		{Method: http.MethodDelete, Path: "/authentication/api/v1/enduser/systemuser/clients", Guard: route.Bearer, Scopes: cdWrite, Handler: route.E(s.handleRemoveClient),
			Query: []route.Param{route.QRequired("agent", "the agent system user's id"), route.QRequired("client", "the client's party uuid")}, Tag: tagClients, Summary: "Remove a client"},
	}
}

// ExternalDTO is SystemUserExternalDTO (vendor and Maskinporten lookups).
type ExternalDTO struct {
	ID               string    `json:"id"`
	IntegrationTitle string    `json:"integrationTitle"`
	SystemID         string    `json:"systemId"`
	ProductName      string    `json:"productName"`
	ReporteeOrgNo    string    `json:"reporteeOrgNo"`
	Created          time.Time `json:"created"`
	IsDeleted        bool      `json:"isDeleted"`
	SupplierName     string    `json:"supplierName"`
	SupplierOrgNo    string    `json:"supplierOrgno"`
	ExternalRef      string    `json:"externalRef"`
	UserType         string    `json:"userType"`
}

// InternalDTO is SystemUserInternalDTO (portal lists), with rights for the
// single-user view (SystemUserDetailInternalDTO).
type InternalDTO struct {
	ID               string             `json:"id"`
	IntegrationTitle string             `json:"integrationTitle"`
	SystemID         string             `json:"systemId"`
	ProductName      string             `json:"productName"`
	SystemInternalID *uuid.UUID         `json:"systemInternalId"`
	PartyID          string             `json:"partyId"`
	PartyUUID        uuid.UUID          `json:"partyUuId"`
	ReporteeOrgNo    string             `json:"reporteeOrgNo"`
	Created          time.Time          `json:"created"`
	IsDeleted        bool               `json:"isDeleted"`
	SupplierName     string             `json:"supplierName"`
	SupplierOrgNo    string             `json:"supplierOrgno"`
	ExternalRef      string             `json:"externalRef"`
	UserType         string             `json:"userType"`
	AccessPackages   []AccessPackageRef `json:"accessPackages"`
	Rights           []Right            `json:"rights,omitempty"`
}

// External renders su as SystemUserExternalDTO.
func External(su SystemUser) ExternalDTO {
	return ExternalDTO{ID: su.ID.String(), IntegrationTitle: su.IntegrationTitle, SystemID: su.SystemID,
		ReporteeOrgNo: su.ReporteeOrgNo, Created: su.Created, IsDeleted: su.IsDeleted, SupplierOrgNo: su.SupplierOrgNo,
		ExternalRef: su.ExternalRef, UserType: su.UserType}
}

// Internal renders su as SystemUserInternalDTO.
func Internal(su SystemUser) InternalDTO {
	d := InternalDTO{ID: su.ID.String(), IntegrationTitle: su.IntegrationTitle, SystemID: su.SystemID,
		PartyID: strconv.FormatInt(su.PartyID, 10), PartyUUID: su.PartyUUID, ReporteeOrgNo: su.ReporteeOrgNo,
		Created: su.Created, IsDeleted: su.IsDeleted, SupplierOrgNo: su.SupplierOrgNo, ExternalRef: su.ExternalRef,
		UserType: su.UserType, AccessPackages: su.AccessPackages}
	if su.SystemInternalID != uuid.Nil {
		id := su.SystemInternalID
		d.SystemInternalID = &id
	}
	if d.AccessPackages == nil {
		d.AccessPackages = []AccessPackageRef{}
	}
	return d
}

// Links is the `links` member of the platform's paginated lists.
type Links struct {
	Next *string `json:"next"`
}

// Paginated is the platform's `{links:{next}, data:[...]}` list.
type Paginated[T any] struct {
	Links Links `json:"links"`
	Data  []T   `json:"data"`
}

// EncodeToken makes the opaque continuation token: Base64Url of the JSON
// of v (src/Authentication/Model/Opaque.cs).
func EncodeToken(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeToken reads a continuation token made by EncodeToken.
func DecodeToken(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// NextLink is the absolute URL of the same route with the token set,
// honouring X-Forwarded-Proto/Host as the platform does.
func NextLink(r *http.Request, token string) *string {
	q := r.URL.Query()
	q.Set("token", token)
	s := respond.Origin(r) + (&url.URL{Path: r.URL.Path, RawQuery: q.Encode()}).String()
	return &s
}

// VendorOrg is the vendor org number of the caller, or AUTH-00023.
func VendorOrg(r *http.Request) (string, error) {
	c, _ := auth.CallerFrom(r.Context())
	if c.ConsumerOrgNo == "" {
		return "", VendorOrgNoNotFound.New()
	}
	return c.ConsumerOrgNo, nil
}

// handleByExternalID is Maskinporten's lookup: 400 empty
// without the three required parameters, 404 empty when none, else the DTO
// with productName set to the system id.
func (s *Service) handleByExternalID(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	clientID, provider, owner := q.Get("clientId"), q.Get("systemProviderOrgNo"), q.Get("systemUserOwnerOrgNo")
	if clientID == "" || provider == "" || owner == "" {
		return route.Status(http.StatusBadRequest)
	}
	su, err := s.ByExternalID(r.Context(), clientID, provider, owner, q.Get("externalRef"))
	if errors.Is(err, dberr.ErrNotFound) {
		return route.Status(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	d := External(su)
	d.ProductName = su.SystemID
	w.Header().Set("Cache-Control", "no-store")
	respond.JSON(w, http.StatusOK, d)
	return nil
}

// handleByQuery: the vendor's own live system user for (system, org, ref).
func (s *Service) handleByQuery(w http.ResponseWriter, r *http.Request) error {
	vendor, err := VendorOrg(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	su, err := s.ByTriple(r.Context(), nil, q.Get("system-id"), q.Get("orgno"), q.Get("external-ref"))
	if err != nil || su.SupplierOrgNo != vendor {
		if err == nil || errors.Is(err, dberr.ErrNotFound) {
			return route.Status(http.StatusNotFound)
		}
		return err
	}
	respond.JSON(w, http.StatusOK, External(su))
	return nil
}

// handleBySystem: the vendor's system users of one system, paged by
// sequence number; the token is the first item of the next page.
func (s *Service) handleBySystem(w http.ResponseWriter, r *http.Request) error {
	vendor, err := VendorOrg(r)
	if err != nil {
		return err
	}
	c, _ := auth.CallerFrom(r.Context())
	systemID := chi.URLParam(r, "systemId")
	sys, err := s.systems.System(r.Context(), systemID)
	if err != nil || (sys.Vendor != vendor && !c.HasScope(ScopeRegisterAdmin)) {
		if err == nil || errors.Is(err, dberr.ErrNotFound) {
			return SystemIDNotFound.New()
		}
		return err
	}
	var from int64
	if t := r.URL.Query().Get("token"); t != "" {
		if err := DecodeToken(t, &from); err != nil {
			return problem.BadRequest.WithDetail("invalid continuation token")
		}
	}
	size := s.PageSize
	list, err := s.ListBySystem(r.Context(), systemID, from, size+1)
	if err != nil {
		return err
	}
	page := Paginated[ExternalDTO]{Data: []ExternalDTO{}}
	for i, su := range list {
		if i == size {
			page.Links.Next = NextLink(r, EncodeToken(su.SequenceNo))
			break
		}
		page.Data = append(page.Data, External(su))
	}
	respond.JSON(w, http.StatusOK, page)
	return nil
}

// party resolves the {party} route value and checks that the caller may
// manage its access (a bare 403 when not, as on the platform).
func (s *Service) party(r *http.Request) (parties.Organization, error) {
	org, err := s.parties.OrgByParty(r.Context(), chi.URLParam(r, "party"))
	if err != nil {
		if errors.Is(err, dberr.ErrNotFound) {
			return org, ReporteeOrgNoNotFound.New()
		}
		return org, err
	}
	if !s.mayManage(r, org.OrgNo) {
		return org, route.Status(http.StatusForbidden)
	}
	return org, nil
}

// mayManage: a person who may manage the org's access, or an
// organisation's own enterprise token.
func (s *Service) mayManage(r *http.Request, orgNo string) bool {
	c, _ := auth.CallerFrom(r.Context())
	if c.PID != "" {
		ok, err := s.parties.CanManage(r.Context(), c.PID, orgNo)
		return err == nil && ok
	}
	return c.ConsumerOrgNo != "" && c.ConsumerOrgNo == orgNo
}

// handleList lists a party's system users of one type (standard or agent).
func (s *Service) handleList(userType string) route.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		org, err := s.party(r)
		if err != nil {
			return err
		}
		return s.writeOfType(w, r, org.OrgNo, userType)
	}
}

// writeOfType answers orgNo's system users of one type.
func (s *Service) writeOfType(w http.ResponseWriter, r *http.Request, orgNo, userType string) error {
	list, err := s.ListForParty(r.Context(), orgNo)
	if err != nil {
		return err
	}
	out := []InternalDTO{}
	for _, su := range list {
		if su.UserType == userType {
			out = append(out, Internal(su))
		}
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleGet(w http.ResponseWriter, r *http.Request) error {
	org, err := s.party(r)
	if err != nil {
		return err
	}
	id, err := uuid.Parse(chi.URLParam(r, "systemUserId"))
	if err != nil {
		return route.Status(http.StatusNotFound)
	}
	su, err := s.Get(r.Context(), id)
	if err != nil || su.ReporteeOrgNo != org.OrgNo {
		return route.Status(http.StatusNotFound)
	}
	d := Internal(su)
	d.Rights = orEmptyRights(su.Rights)
	respond.JSON(w, http.StatusOK, d)
	return nil
}

// handleDelete deletes a party's system user of one type. Standard:
// 202 with body 1, or 404 with body 0 when there is no such system user;
// an agent system user is AUTH-00036. Agent: 200 on success, AUTH-00015
// when not found, AUTH-00034 for a standard system user.
func (s *Service) handleDelete(userType string) route.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		org, err := s.party(r)
		if err != nil {
			return err
		}
		id, err := uuid.Parse(chi.URLParam(r, "systemUserId"))
		var su SystemUser
		if err == nil {
			su, err = s.Get(r.Context(), id)
		}
		if err != nil {
			if userType == TypeAgent {
				return SystemUserNotFound.New()
			}
			respond.JSON(w, http.StatusNotFound, 0)
			return nil
		}
		if su.UserType != userType {
			if userType == TypeAgent {
				return ExpectedAgentUserType.New()
			}
			return ExpectedStandardUserType.New()
		}
		if err := s.Delete(r.Context(), id, org.OrgNo); err != nil {
			return err
		}
		if userType == TypeAgent {
			w.WriteHeader(http.StatusOK)
			return nil
		}
		respond.JSON(w, http.StatusAccepted, 1)
		return nil
	}
}

// agentParam reads ?agent= (and ?client= when needed) and the agent
// system user, answering the platform's validation problems.
func (s *Service) agentParam(r *http.Request, needClient bool) (SystemUser, uuid.UUID, error) {
	var errs []problem.ValidationError
	q := r.URL.Query()
	id, err := uuid.Parse(q.Get("agent"))
	var su SystemUser
	if err != nil || id == uuid.Nil {
		errs = append(errs, VldMissingSystemUserID.At("?agent"))
	} else if su, err = s.Get(r.Context(), id); err != nil {
		if !errors.Is(err, dberr.ErrNotFound) {
			return su, uuid.Nil, err
		}
		errs = append(errs, VldSystemUserNotFound.At("?agent"))
	} else if su.UserType != TypeAgent {
		errs = append(errs, VldNotAgent.At("?agent"))
	}
	var client uuid.UUID
	if needClient {
		client, err = uuid.Parse(q.Get("client"))
		if err != nil || client == uuid.Nil {
			errs = append(errs, VldMissingClient.At("?client"))
		}
	}
	if len(errs) > 0 {
		return su, client, problem.Validation(errs...)
	}
	if _, err := s.parties.Org(r.Context(), su.ReporteeOrgNo); err != nil {
		return su, client, &problem.Problem{Status: http.StatusNotFound, Title: "System Owner not Found"}
	}
	if !s.mayManage(r, su.ReporteeOrgNo) {
		return su, client, route.Status(http.StatusForbidden)
	}
	return su, client, nil
}

type clientInfo struct {
	ClientID                 uuid.UUID `json:"clientId"`
	ClientOrganizationNumber string    `json:"clientOrganizationNumber"`
	ClientOrganizationName   string    `json:"clientOrganizationName"`
}

type clientInfoPaginated struct {
	Links                 Links        `json:"links"`
	Data                  []clientInfo `json:"data"`
	SystemUserInformation struct {
		SystemUserID       uuid.UUID `json:"systemUserId"`
		SystemUserOwnerOrg string    `json:"systemUserOwnerOrg"`
	} `json:"systemUserInformation"`
}

func newClientPage(su SystemUser) clientInfoPaginated {
	p := clientInfoPaginated{Data: []clientInfo{}}
	p.SystemUserInformation.SystemUserID = su.ID
	p.SystemUserInformation.SystemUserOwnerOrg = su.ReporteeOrgNo
	return p
}

func (s *Service) handleAvailableClients(w http.ResponseWriter, r *http.Request) error {
	return s.writeClientPage(w, r, func(ctx context.Context, id uuid.UUID) ([]clientInfo, error) {
		cs, err := s.AvailableClients(ctx, id)
		out := make([]clientInfo, 0, len(cs))
		for _, c := range cs {
			out = append(out, clientInfo{ClientID: c.PartyUUID, ClientOrganizationNumber: c.OrgNo, ClientOrganizationName: c.Name})
		}
		return out, err
	})
}
func (s *Service) handleClients(w http.ResponseWriter, r *http.Request) error {
	return s.writeClientPage(w, r, func(ctx context.Context, id uuid.UUID) ([]clientInfo, error) {
		ds, err := s.Clients(ctx, id)
		out := make([]clientInfo, 0, len(ds))
		for _, d := range ds {
			out = append(out, clientInfo{ClientID: d.ClientPartyUUID, ClientOrganizationNumber: d.ClientOrgNo, ClientOrganizationName: d.ClientName})
		}
		return out, err
	})
}

// writeClientPage answers the ?agent= system user's clients, as list
// gives them, in the platform's paginated shape.
func (s *Service) writeClientPage(w http.ResponseWriter, r *http.Request, list func(context.Context, uuid.UUID) ([]clientInfo, error)) error {
	su, _, err := s.agentParam(r, false)
	if err != nil {
		return err
	}
	cs, err := list(r.Context(), su.ID)
	if err != nil {
		return err
	}
	p := newClientPage(su)
	p.Data = append(p.Data, cs...)
	respond.JSON(w, http.StatusOK, p)
	return nil
}

type agentClient struct {
	Agent  uuid.UUID `json:"agent"`
	Client uuid.UUID `json:"client"`
}

func (s *Service) handleAddClient(w http.ResponseWriter, r *http.Request) error {
	return s.changeClient(w, r, ClientNotFound, s.AddClient)
}

func (s *Service) handleRemoveClient(w http.ResponseWriter, r *http.Request) error {
	return s.changeClient(w, r, DelegationNotFound, s.RemoveClient)
}

// changeClient is add and remove: the agent system user, the client's
// party (unknown answers with the given problem), then act.
func (s *Service) changeClient(w http.ResponseWriter, r *http.Request, unknown problem.Descriptor,
	act func(ctx context.Context, systemUserID uuid.UUID, clientOrgNo, facilitatorOrgNo string) error) error {
	su, client, err := s.agentParam(r, true)
	if err != nil {
		return err
	}
	org, err := s.parties.OrgByParty(r.Context(), client.String())
	if err != nil {
		if errors.Is(err, dberr.ErrNotFound) {
			return unknown.WithDetail("no party %s", client)
		}
		return err
	}
	if err := act(r.Context(), su.ID, org.OrgNo, su.ReporteeOrgNo); err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, agentClient{Agent: su.ID, Client: client})
	return nil
}

// handleAgents lists the agent system users of ?party=<orgno>.
func (s *Service) handleAgents(w http.ResponseWriter, r *http.Request) error {
	orgNo := r.URL.Query().Get("party")
	if _, err := s.parties.Org(r.Context(), orgNo); err != nil {
		return &problem.Problem{Status: http.StatusNotFound, Title: "Party not found"}
	}
	if !s.mayManage(r, orgNo) {
		return route.Status(http.StatusForbidden)
	}
	return s.writeOfType(w, r, orgNo, TypeAgent)
}

// handleUpdate is PUT /systemuser: a no-op on the platform that answers
// 200 when the system user exists and 404 otherwise.
func (s *Service) handleUpdate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		ID string `json:"id"`
	}
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return p
	}
	id, err := uuid.Parse(in.ID)
	if err == nil {
		_, err = s.Get(r.Context(), id)
	}
	if err != nil {
		// The platform's NotFound() goes out as a problem body
		// ([ApiController]); ours carries the system-user code.
		return SystemUserNotFound.New()
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Service) handleCreateForParty(w http.ResponseWriter, r *http.Request) error {
	org, err := s.party(r)
	if err != nil {
		return err
	}
	var in struct {
		IntegrationTitle string `json:"integrationTitle"`
		SystemID         string `json:"systemId"`
	}
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return p
	}
	c, _ := auth.CallerFrom(r.Context())
	su, err := s.CreateForParty(r.Context(), in.SystemID, org.OrgNo, in.IntegrationTitle, c.PID)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, Internal(su))
	return nil
}

// ownedBy loads {systemUserId} and checks the party owns it (a bare 403
// when not).
func (s *Service) ownedBy(r *http.Request, org parties.Organization, param string) (SystemUser, error) {
	id, err := uuid.Parse(chi.URLParam(r, param))
	var u SystemUser
	if err == nil {
		u, err = s.Get(r.Context(), id)
	}
	if err != nil {
		return u, SystemUserNotFound.New()
	}
	if u.ReporteeOrgNo != org.OrgNo {
		return u, route.Status(http.StatusForbidden)
	}
	return u, nil
}

// handleDelegations is what the system user has been given.
func (s *Service) handleDelegations(w http.ResponseWriter, r *http.Request) error {
	org, err := s.party(r)
	if err != nil {
		return err
	}
	u, err := s.ownedBy(r, org, "systemUserId")
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, map[string]any{"systemUserId": u.ID, "rights": orEmptyRights(u.Rights), "accessPackages": u.AccessPackages})
	return nil
}

func orEmptyRights(r []Right) []Right {
	if r == nil {
		return []Right{}
	}
	return r
}

// delegationResponse is DelegationResponse. The emulator has
// no separate agent assignment, so assignmentId is the delegation's id.
type delegationResponse struct {
	AgentSystemUserID          uuid.UUID `json:"agentSystemUserId"`
	DelegationID               uuid.UUID `json:"delegationId"`
	CustomerID                 uuid.UUID `json:"customerId"`
	AssignmentID               uuid.UUID `json:"assignmentId"`
	CustomerName               string    `json:"customerName"`
	CustomerOrganizationNumber string    `json:"customerOrganizationNumber"`
}

func toDelegationResponse(d ClientDelegation) delegationResponse {
	return delegationResponse{AgentSystemUserID: d.SystemUserID, DelegationID: d.ID, CustomerID: d.ClientPartyUUID,
		AssignmentID: d.ID, CustomerName: d.ClientName, CustomerOrganizationNumber: d.ClientOrgNo}
}

// handleAgentDelegations lists an agent system user's clients; [] on
// error, as the platform does.
func (s *Service) handleAgentDelegations(w http.ResponseWriter, r *http.Request) error {
	org, err := s.party(r)
	if err != nil {
		return err
	}
	out := []delegationResponse{}
	id, err := uuid.Parse(chi.URLParam(r, "systemUserId"))
	if err == nil {
		if u, err := s.Get(r.Context(), id); err == nil && u.ReporteeOrgNo == org.OrgNo {
			if ds, err := s.Clients(r.Context(), id); err == nil {
				for _, d := range ds {
					out = append(out, toDelegationResponse(d))
				}
			}
		}
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

// facilitatorAndClient reads ?provider= (the facilitator's party uuid,
// optional) and ?client= (the client's party uuid).
func (s *Service) facilitatorAndClient(r *http.Request, owner parties.Organization) (facilitator, client string, err error) {
	q := r.URL.Query()
	facilitator = owner.OrgNo
	if p := q.Get("provider"); p != "" {
		f, err := s.parties.OrgByParty(r.Context(), p)
		if err != nil {
			return "", "", InvalidDelegationFacilitator.WithDetail("no party %s", p)
		}
		facilitator = f.OrgNo
	}
	c, err := s.parties.OrgByParty(r.Context(), q.Get("client"))
	if err != nil {
		return "", "", ClientNotFound.WithDetail("no client party %q", q.Get("client"))
	}
	return facilitator, c.OrgNo, nil
}

// agentAndClient reads the portal's client-delegation request: the
// party's own system user, the facilitator and the client.
func (s *Service) agentAndClient(r *http.Request) (u SystemUser, facilitator, client string, err error) {
	org, err := s.party(r)
	if err != nil {
		return u, "", "", err
	}
	if u, err = s.ownedBy(r, org, "systemUserId"); err != nil {
		return u, "", "", err
	}
	facilitator, client, err = s.facilitatorAndClient(r, org)
	return u, facilitator, client, err
}

// handleAgentAddClient is the portal's POST /systemuser/agent/{party}/{id}.
func (s *Service) handleAgentAddClient(w http.ResponseWriter, r *http.Request) error {
	u, facilitator, client, err := s.agentAndClient(r)
	if err != nil {
		return err
	}
	d, err := s.AddClientDelegation(r.Context(), u.ID, client, facilitator)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, []delegationResponse{toDelegationResponse(d)})
	return nil
}

// handleAgentRemoveClient is the portal's DELETE
// /systemuser/agent/{party}/{id}/client.
func (s *Service) handleAgentRemoveClient(w http.ResponseWriter, r *http.Request) error {
	u, facilitator, client, err := s.agentAndClient(r)
	if err != nil {
		return err
	}
	if err := s.RemoveClient(r.Context(), u.ID, client, facilitator); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}
