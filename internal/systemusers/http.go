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
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// Scopes of the system-user APIs (spec §0).
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

// Managers says who may act for an organisation in the end-user APIs.
type Managers interface {
	CanManage(ctx context.Context, pid, orgNo string) (bool, error)
	OrgByParty(ctx context.Context, ref string) (parties.Organization, error)
	Org(ctx context.Context, orgNo string) (parties.Organization, error)
}

// HTTP serves the system-user endpoints of spec §3.2, §3.3 and §5.
type HTTP struct {
	svc      *Service
	verifier auth.Verifier
	managers Managers
	// PageSize of the vendor bysystem listing.
	PageSize int
}

// NewHTTP builds the handlers.
func NewHTTP(svc *Service, v auth.Verifier, m Managers) *HTTP {
	return &HTTP{svc: svc, verifier: v, managers: m, PageSize: 50}
}

// Mount registers the routes at their platform paths on r. Routes are
// registered with full paths in groups (not sub-routers), so other
// packages can mount their routes under the same prefixes.
func (h *HTTP) Mount(r chi.Router) {
	const su = "/authentication/api/v1/systemuser"
	const cd = "/authentication/api/v1/enduser/systemuser"
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate(h.verifier))
		r.With(auth.RequireScope(ScopeMaskinportenLookup)).Get(su+"/byExternalId", h.byExternalID)
		r.With(auth.RequireScope(ScopeRequestWrite)).Get(su+"/vendor/byquery", h.byQuery)
		r.With(auth.RequireScope(ScopeRegisterWrite, ScopeRegisterAdmin)).Get(su+"/vendor/bysystem/{systemId}", h.bySystem)
		portal := r.With(auth.RequireScope(ScopePortal))
		portal.Put(su, h.update)
		portal.Post(su+"/{party}/create", h.createForParty)
		portal.Get(su+"/{party}/{systemUserId}/delegations", h.delegations)
		portal.Get(su+"/agent/{party}/{facilitator}/{systemUserId}/delegations", h.agentDelegations)
		portal.Post(su+"/agent/{party}/{systemUserId}", h.agentAddClient)
		portal.Delete(su+"/agent/{party}/{systemUserId}/client", h.agentRemoveClient)
		portal.Get(su+"/agent/{party}", h.listAgents)
		portal.Delete(su+"/agent/{party}/{systemUserId}", h.deleteAgent)
		portal.Get(su+"/{party}", h.listStandard)
		portal.Get(su+"/{party}/{systemUserId}", h.get)
		portal.Delete(su+"/{party}/{systemUserId}", h.deleteStandard)

		r.With(auth.RequireScope(ScopeClientDelegationsRd)).Get(cd+"/clients/available", h.availableClients)
		r.With(auth.RequireScope(ScopeClientDelegationsRd)).Get(cd+"/clients", h.clients)
		r.With(auth.RequireScope(ScopeClientDelegationsWr)).Post(cd+"/clients", h.addClient)
		r.With(auth.RequireScope(ScopeClientDelegationsWr)).Delete(cd+"/clients", h.removeClient)
		r.With(auth.RequireScope(ScopeClientDelegationsRd)).Get(cd+"/agents", h.agents)
	})
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
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		scheme = p
	}
	host := r.Host
	if h := r.Header.Get("X-Forwarded-Host"); h != "" {
		host = h
	}
	q := r.URL.Query()
	q.Set("token", token)
	u := url.URL{Scheme: scheme, Host: host, Path: r.URL.Path, RawQuery: q.Encode()}
	s := u.String()
	return &s
}

// VendorOf returns the vendor org number of the caller, or writes
// AUTH-00023 and returns false.
func VendorOf(w http.ResponseWriter, r *http.Request) (string, bool) {
	c, _ := auth.CallerFrom(r.Context())
	if c.ConsumerOrgNo == "" {
		problem.Error(w, r, VendorOrgNoNotFound.New())
		return "", false
	}
	return c.ConsumerOrgNo, true
}

// byExternalID is Maskinporten's lookup (spec §5.3): 400 empty without
// the three required parameters, 404 empty when none, else the DTO with
// productName set to the system id.
func (h *HTTP) byExternalID(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	clientID, provider, owner := q.Get("clientId"), q.Get("systemProviderOrgNo"), q.Get("systemUserOwnerOrgNo")
	if clientID == "" || provider == "" || owner == "" {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	su, err := h.svc.ByExternalID(r.Context(), clientID, provider, owner, q.Get("externalRef"))
	if errors.Is(err, db.ErrNotFound) {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	d := External(su)
	d.ProductName = su.SystemID
	w.Header().Set("Cache-Control", "no-store")
	problem.WriteJSON(w, http.StatusOK, d)
}

// byQuery: the vendor's own live system user for (system, org, ref).
func (h *HTTP) byQuery(w http.ResponseWriter, r *http.Request) {
	vendor, ok := VendorOf(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	su, err := h.svc.ByTriple(r.Context(), nil, q.Get("system-id"), q.Get("orgno"), q.Get("external-ref"))
	if err != nil || su.SupplierOrgNo != vendor {
		if err == nil || errors.Is(err, db.ErrNotFound) {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		problem.Error(w, r, err)
		return
	}
	problem.WriteJSON(w, http.StatusOK, External(su))
}

// bySystem: the vendor's system users of one system, paged by sequence
// number; the token is the first item of the next page.
func (h *HTTP) bySystem(w http.ResponseWriter, r *http.Request) {
	vendor, ok := VendorOf(w, r)
	if !ok {
		return
	}
	c, _ := auth.CallerFrom(r.Context())
	systemID := chi.URLParam(r, "systemId")
	sys, err := h.svc.systems.System(r.Context(), systemID)
	if err != nil || (sys.Vendor != vendor && !c.HasScope(ScopeRegisterAdmin)) {
		if err == nil || errors.Is(err, db.ErrNotFound) {
			problem.Error(w, r, SystemIDNotFound.New())
			return
		}
		problem.Error(w, r, err)
		return
	}
	var from int64
	if t := r.URL.Query().Get("token"); t != "" {
		if err := DecodeToken(t, &from); err != nil {
			problem.Write(w, r, problem.BadRequest.WithDetail("invalid continuation token"))
			return
		}
	}
	size := h.PageSize
	list, err := h.svc.ListBySystem(r.Context(), systemID, from, size+1)
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	page := Paginated[ExternalDTO]{Data: []ExternalDTO{}}
	for i, su := range list {
		if i == size {
			page.Links.Next = NextLink(r, EncodeToken(su.SequenceNo))
			break
		}
		page.Data = append(page.Data, External(su))
	}
	problem.WriteJSON(w, http.StatusOK, page)
}

// party resolves the {party} route value and checks that the person may
// manage its access.
func (h *HTTP) party(w http.ResponseWriter, r *http.Request) (parties.Organization, bool) {
	org, err := h.managers.OrgByParty(r.Context(), chi.URLParam(r, "party"))
	if err != nil {
		if errors.Is(err, db.ErrNotFound) {
			problem.Error(w, r, ReporteeOrgNoNotFound.New())
			return org, false
		}
		problem.Error(w, r, err)
		return org, false
	}
	if !h.mayManage(r, org.OrgNo) {
		w.WriteHeader(http.StatusForbidden)
		return org, false
	}
	return org, true
}

// mayManage: a person who may manage the org's access, or an
// organisation's own enterprise token.
func (h *HTTP) mayManage(r *http.Request, orgNo string) bool {
	c, _ := auth.CallerFrom(r.Context())
	if c.PID != "" {
		ok, err := h.managers.CanManage(r.Context(), c.PID, orgNo)
		return err == nil && ok
	}
	return c.ConsumerOrgNo != "" && c.ConsumerOrgNo == orgNo
}

func (h *HTTP) listOfType(w http.ResponseWriter, r *http.Request, userType string) {
	org, ok := h.party(w, r)
	if !ok {
		return
	}
	list, err := h.svc.ListForParty(r.Context(), org.OrgNo)
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	out := []InternalDTO{}
	for _, su := range list {
		if su.UserType == userType {
			out = append(out, Internal(su))
		}
	}
	problem.WriteJSON(w, http.StatusOK, out)
}

func (h *HTTP) listStandard(w http.ResponseWriter, r *http.Request) { h.listOfType(w, r, TypeStandard) }
func (h *HTTP) listAgents(w http.ResponseWriter, r *http.Request)   { h.listOfType(w, r, TypeAgent) }

func (h *HTTP) get(w http.ResponseWriter, r *http.Request) {
	org, ok := h.party(w, r)
	if !ok {
		return
	}
	id, err := uuid.Parse(chi.URLParam(r, "systemUserId"))
	if err != nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	su, err := h.svc.Get(r.Context(), id)
	if err != nil || su.ReporteeOrgNo != org.OrgNo {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	d := Internal(su)
	d.Rights = orEmptyRights(su.Rights)
	problem.WriteJSON(w, http.StatusOK, d)
}

// deleteStandard answers 202 with body 1, or 404 with body 0 when there
// is no such system user (spec §5.2); an agent system user is AUTH-00036.
func (h *HTTP) deleteStandard(w http.ResponseWriter, r *http.Request) { h.delete(w, r, TypeStandard) }

// deleteAgent is the agent variant: 200 on success, AUTH-00015 when not
// found, AUTH-00034 for a standard system user.
func (h *HTTP) deleteAgent(w http.ResponseWriter, r *http.Request) { h.delete(w, r, TypeAgent) }

func (h *HTTP) delete(w http.ResponseWriter, r *http.Request, userType string) {
	org, ok := h.party(w, r)
	if !ok {
		return
	}
	id, err := uuid.Parse(chi.URLParam(r, "systemUserId"))
	var su SystemUser
	if err == nil {
		su, err = h.svc.Get(r.Context(), id)
	}
	if err != nil {
		if userType == TypeAgent {
			problem.Error(w, r, SystemUserNotFound.New())
			return
		}
		problem.WriteJSON(w, http.StatusNotFound, 0)
		return
	}
	if su.UserType != userType {
		if userType == TypeAgent {
			problem.Error(w, r, ExpectedAgentUserType.New())
		} else {
			problem.Error(w, r, ExpectedStandardUserType.New())
		}
		return
	}
	if err := h.svc.Delete(r.Context(), id, org.OrgNo); err != nil {
		problem.Error(w, r, err)
		return
	}
	if userType == TypeAgent {
		w.WriteHeader(http.StatusOK)
		return
	}
	problem.WriteJSON(w, http.StatusAccepted, 1)
}

// agentParam reads ?agent= (and ?client= when needed) and the agent
// system user, answering the platform's validation problems.
func (h *HTTP) agentParam(w http.ResponseWriter, r *http.Request, needClient bool) (SystemUser, uuid.UUID, bool) {
	var errs []problem.ValidationError
	q := r.URL.Query()
	id, err := uuid.Parse(q.Get("agent"))
	var su SystemUser
	if err != nil || id == uuid.Nil {
		errs = append(errs, VldMissingSystemUserID.At("?agent"))
	} else if su, err = h.svc.Get(r.Context(), id); err != nil {
		if !errors.Is(err, db.ErrNotFound) {
			problem.Error(w, r, err)
			return su, uuid.Nil, false
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
		problem.Write(w, r, problem.Validation(errs...))
		return su, client, false
	}
	if _, err := h.managers.Org(r.Context(), su.ReporteeOrgNo); err != nil {
		problem.Write(w, r, &problem.Problem{Status: http.StatusNotFound, Title: "System Owner not Found"})
		return su, client, false
	}
	if !h.mayManage(r, su.ReporteeOrgNo) {
		w.WriteHeader(http.StatusForbidden)
		return su, client, false
	}
	return su, client, true
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

func (h *HTTP) availableClients(w http.ResponseWriter, r *http.Request) {
	su, _, ok := h.agentParam(w, r, false)
	if !ok {
		return
	}
	cs, err := h.svc.AvailableClients(r.Context(), su.ID)
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	p := newClientPage(su)
	for _, c := range cs {
		p.Data = append(p.Data, clientInfo{ClientID: c.PartyUUID, ClientOrganizationNumber: c.OrgNo, ClientOrganizationName: c.Name})
	}
	problem.WriteJSON(w, http.StatusOK, p)
}

func (h *HTTP) clients(w http.ResponseWriter, r *http.Request) {
	su, _, ok := h.agentParam(w, r, false)
	if !ok {
		return
	}
	ds, err := h.svc.Clients(r.Context(), su.ID)
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	p := newClientPage(su)
	for _, d := range ds {
		p.Data = append(p.Data, clientInfo{ClientID: d.ClientPartyUUID, ClientOrganizationNumber: d.ClientOrgNo, ClientOrganizationName: d.ClientName})
	}
	problem.WriteJSON(w, http.StatusOK, p)
}

type agentClient struct {
	Agent  uuid.UUID `json:"agent"`
	Client uuid.UUID `json:"client"`
}

func (h *HTTP) addClient(w http.ResponseWriter, r *http.Request) {
	h.changeClient(w, r, ClientNotFound, h.svc.AddClient)
}

func (h *HTTP) removeClient(w http.ResponseWriter, r *http.Request) {
	h.changeClient(w, r, DelegationNotFound, h.svc.RemoveClient)
}

// changeClient is add and remove: the agent system user, the client's
// party (unknown answers with the given problem), then act.
func (h *HTTP) changeClient(w http.ResponseWriter, r *http.Request, unknown problem.Descriptor,
	act func(ctx context.Context, systemUserID uuid.UUID, clientOrgNo, facilitatorOrgNo string) error) {
	su, client, ok := h.agentParam(w, r, true)
	if !ok {
		return
	}
	org, err := h.managers.OrgByParty(r.Context(), client.String())
	if err != nil {
		if errors.Is(err, db.ErrNotFound) {
			problem.Error(w, r, unknown.WithDetail("no party %s", client))
			return
		}
		problem.Error(w, r, err)
		return
	}
	if err := act(r.Context(), su.ID, org.OrgNo, su.ReporteeOrgNo); err != nil {
		problem.Error(w, r, err)
		return
	}
	problem.WriteJSON(w, http.StatusOK, agentClient{Agent: su.ID, Client: client})
}

// agents lists the agent system users of ?party=<orgno>.
func (h *HTTP) agents(w http.ResponseWriter, r *http.Request) {
	orgNo := r.URL.Query().Get("party")
	if _, err := h.managers.Org(r.Context(), orgNo); err != nil {
		problem.Write(w, r, &problem.Problem{Status: http.StatusNotFound, Title: "Party not found"})
		return
	}
	if !h.mayManage(r, orgNo) {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	list, err := h.svc.ListForParty(r.Context(), orgNo)
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	out := []InternalDTO{}
	for _, su := range list {
		if su.UserType == TypeAgent {
			out = append(out, Internal(su))
		}
	}
	problem.WriteJSON(w, http.StatusOK, out)
}

// update is PUT /systemuser: a no-op on the platform that answers 200
// when the system user exists and 404 otherwise.
func (h *HTTP) update(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ID string `json:"id"`
	}
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		problem.Write(w, r, p)
		return
	}
	id, err := uuid.Parse(in.ID)
	if err == nil {
		_, err = h.svc.Get(r.Context(), id)
	}
	if err != nil {
		// The platform's NotFound() goes out as a problem body
		// ([ApiController]); ours carries the system-user code.
		problem.Error(w, r, SystemUserNotFound.New())
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (h *HTTP) createForParty(w http.ResponseWriter, r *http.Request) {
	org, ok := h.party(w, r)
	if !ok {
		return
	}
	var in struct {
		IntegrationTitle string `json:"integrationTitle"`
		SystemID         string `json:"systemId"`
	}
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		problem.Write(w, r, p)
		return
	}
	c, _ := auth.CallerFrom(r.Context())
	su, err := h.svc.CreateForParty(r.Context(), in.SystemID, org.OrgNo, in.IntegrationTitle, c.PID)
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	problem.WriteJSON(w, http.StatusOK, Internal(su))
}

// ownedBy loads {systemUserId} and checks the party owns it.
func (h *HTTP) ownedBy(w http.ResponseWriter, r *http.Request, org parties.Organization, param string) (SystemUser, bool) {
	id, err := uuid.Parse(chi.URLParam(r, param))
	var u SystemUser
	if err == nil {
		u, err = h.svc.Get(r.Context(), id)
	}
	if err != nil {
		problem.Error(w, r, SystemUserNotFound.New())
		return u, false
	}
	if u.ReporteeOrgNo != org.OrgNo {
		w.WriteHeader(http.StatusForbidden)
		return u, false
	}
	return u, true
}

// delegations is what the system user has been given (spec §5.2).
func (h *HTTP) delegations(w http.ResponseWriter, r *http.Request) {
	org, ok := h.party(w, r)
	if !ok {
		return
	}
	u, ok := h.ownedBy(w, r, org, "systemUserId")
	if !ok {
		return
	}
	problem.WriteJSON(w, http.StatusOK, map[string]any{"systemUserId": u.ID, "rights": orEmptyRights(u.Rights), "accessPackages": u.AccessPackages})
}

func orEmptyRights(r []Right) []Right {
	if r == nil {
		return []Right{}
	}
	return r
}

// delegationResponse is DelegationResponse (spec §3.3). The emulator has
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

// agentDelegations lists an agent system user's clients; [] on error, as
// the platform does.
func (h *HTTP) agentDelegations(w http.ResponseWriter, r *http.Request) {
	org, ok := h.party(w, r)
	if !ok {
		return
	}
	out := []delegationResponse{}
	id, err := uuid.Parse(chi.URLParam(r, "systemUserId"))
	if err == nil {
		if u, err := h.svc.Get(r.Context(), id); err == nil && u.ReporteeOrgNo == org.OrgNo {
			if ds, err := h.svc.Clients(r.Context(), id); err == nil {
				for _, d := range ds {
					out = append(out, toDelegationResponse(d))
				}
			}
		}
	}
	problem.WriteJSON(w, http.StatusOK, out)
}

// facilitatorAndClient reads ?provider= (the facilitator's party uuid,
// optional) and ?client= (the client's party uuid).
func (h *HTTP) facilitatorAndClient(w http.ResponseWriter, r *http.Request, owner parties.Organization) (facilitator, client string, ok bool) {
	q := r.URL.Query()
	facilitator = owner.OrgNo
	if p := q.Get("provider"); p != "" {
		f, err := h.managers.OrgByParty(r.Context(), p)
		if err != nil {
			problem.Error(w, r, InvalidDelegationFacilitator.WithDetail("no party %s", p))
			return "", "", false
		}
		facilitator = f.OrgNo
	}
	c, err := h.managers.OrgByParty(r.Context(), q.Get("client"))
	if err != nil {
		problem.Error(w, r, ClientNotFound.WithDetail("no client party %q", q.Get("client")))
		return "", "", false
	}
	return facilitator, c.OrgNo, true
}

// agentAddClient is the portal's POST /systemuser/agent/{party}/{id}.
func (h *HTTP) agentAddClient(w http.ResponseWriter, r *http.Request) {
	org, ok := h.party(w, r)
	if !ok {
		return
	}
	u, ok := h.ownedBy(w, r, org, "systemUserId")
	if !ok {
		return
	}
	facilitator, client, ok := h.facilitatorAndClient(w, r, org)
	if !ok {
		return
	}
	d, err := h.svc.AddClientDelegation(r.Context(), u.ID, client, facilitator)
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	problem.WriteJSON(w, http.StatusOK, []delegationResponse{toDelegationResponse(d)})
}

// agentRemoveClient is the portal's DELETE /systemuser/agent/{party}/{id}/client.
func (h *HTTP) agentRemoveClient(w http.ResponseWriter, r *http.Request) {
	org, ok := h.party(w, r)
	if !ok {
		return
	}
	u, ok := h.ownedBy(w, r, org, "systemUserId")
	if !ok {
		return
	}
	facilitator, client, ok := h.facilitatorAndClient(w, r, org)
	if !ok {
		return
	}
	if err := h.svc.RemoveClient(r.Context(), u.ID, client, facilitator); err != nil {
		problem.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}
