package accesslists

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// The registry's problems (Altinn.ResourceRegistry.Core.Errors.Problems)
// and validation errors (ValidationErrors).
var (
	probIncludeMembers = problem.Descriptor{Code: "RR-00000", Status: http.StatusNotImplemented, Title: "Members are not supported yet as an include option for this endpoint."}
	probPartyNotFound  = problem.Descriptor{Code: "RR-00001", Status: http.StatusBadRequest, Title: "One or more party references not found."}
	probResourceNF     = problem.Descriptor{Code: "RR-00002", Status: http.StatusBadRequest, Title: "One or more resource references not found."}
	probOtherOwners    = problem.Descriptor{Code: "RR-00004", Status: http.StatusForbidden, Title: "Cannot create a access-list connection to a resource not owned by the same service-owner as the access-list."}

	vldReplaceTooMany   = problem.ValidationDescriptor{Code: "RR.VLD-00000", Title: "Cannot replace more than 100 members at a time. Use POST and DELETE methods instead."}
	vldAddRemoveTooMany = problem.ValidationDescriptor{Code: "RR.VLD-00001", Title: "Cannot add or remove more than 100 members at a time."}
	vldIncludeResource  = problem.ValidationDescriptor{Code: "RR.VLD-00002", Title: "Resource identifier is required when including resource connections."}
	vldRequiresParty    = problem.ValidationDescriptor{Code: "RR.VLD-00003", Title: "At least 1 party must be specified."}
	vldInvalidParty     = problem.ValidationDescriptor{Code: "RR.VLD-00004", Title: "Invalid party URN."}
	vldInvalidResource  = problem.ValidationDescriptor{Code: "RR.VLD-00005", Title: "Invalid resource URN."}
	vldTooManyParties   = problem.ValidationDescriptor{Code: "RR.VLD-00006", Title: "Multiple parties currently not supported."}
	vldTooManyResources = problem.ValidationDescriptor{Code: "RR.VLD-00007", Title: "Multiple resources currently not supported."}
	vldOwnerNotOrgCode  = problem.ValidationDescriptor{Code: "RR.VLD-00010", Title: "Access list owner must be a valid and registered org-code."}
)

// MaxIdentifier bounds a new list's identifier: the unique index on
// (owner, identifier) takes at most about 2.7 kB.
const MaxIdentifier = 1000

// aspnet is the ProblemDetails ASP.NET writes for a bare status of an
// [ApiController] (NotFound(), 412, 501): RFC 9110's section as the type.
func aspnet(status int, section string) *problem.Problem {
	return &problem.Problem{Type: "https://tools.ietf.org/html/rfc9110#section-" + section, Title: http.StatusText(status), Status: status}
}

func notFound() error           { return aspnet(http.StatusNotFound, "15.5.5") }
func preconditionFailed() error { return aspnet(http.StatusPreconditionFailed, "15.5.13") }

// Routes are the registry's access-list operations. Reads need one of the
// access-list scopes, writes accesslist.write (or resource.admin); both
// need the caller to own {owner} (checked in the handler, as the
// registry's policy does).
func (s *Service) Routes() []route.Route {
	const (
		tag  = "Resource registry: access lists"
		base = "/resourceregistry/api/v1/access-lists/{owner}"
	)
	read := []string{ScopeResourceAdmin, ScopeRead, ScopeWrite, ScopePDP}
	write := []string{ScopeResourceAdmin, ScopeWrite}
	admin := []string{ScopeResourceAdmin}
	tokenQ := route.Q("token", "continuation token from the previous page's links.next")
	return []route.Route{
		{Method: "GET", Path: base, Guard: route.Bearer, Scopes: read, Handler: s.owned(s.handleLists), Tag: tag,
			Query: []route.Param{tokenQ, route.Q("include", "resources or resource-actions: each list's connections to ?resource="),
				route.Q("resource", "the resource whose connections include= adds")},
			Summary: "The owner's access lists, 20 a page", OKSchema: "AccessListPage"},
		{Method: "GET", Path: base + "/{identifier}", Guard: route.Bearer, Scopes: read, Handler: s.owned(s.handleGet), Tag: tag,
			Query:   []route.Param{route.Q("include", "resources or resource-actions: the list's resource connections")},
			Summary: "An access list (ETag, If-None-Match → 304)", OKSchema: "AccessList"},
		{Method: "PUT", Path: base + "/{identifier}", Guard: route.Bearer, Scopes: write, Handler: s.owned(s.handleUpsert), Tag: tag,
			Body: "AccessListUpsert", Summary: "Create or update an access list (If-Match / If-None-Match)", OKSchema: "AccessList"},
		{Method: "PATCH", Path: base + "/{identifier}", Guard: route.Bearer, Scopes: write, Handler: s.owned(s.handlePatch), Tag: tag,
			Summary: "Not implemented on the platform either (501)", OK: http.StatusNotImplemented},
		{Method: "DELETE", Path: base + "/{identifier}", Guard: route.Bearer, Scopes: write, Handler: s.owned(s.handleDelete), Tag: tag,
			Summary: "Delete an access list (204 when there was none)", OKSchema: "AccessList"},
		{Method: "GET", Path: base + "/{identifier}/members", Guard: route.Bearer, Scopes: read, Handler: s.owned(s.handleMembers), Tag: tag,
			Query: []route.Param{tokenQ}, Summary: "The list's members, 100 a page", OKSchema: "AccessListMemberPage"},
		{Method: "PUT", Path: base + "/{identifier}/members", Guard: route.Bearer, Scopes: write, Handler: s.owned(s.memberWrite(opReplace)), Tag: tag,
			Body: "AccessListMembers", Summary: "Replace the members (at most 100)", OKSchema: "AccessListMemberPage"},
		{Method: "POST", Path: base + "/{identifier}/members", Guard: route.Bearer, Scopes: write, Handler: s.owned(s.memberWrite(opAdd)), Tag: tag,
			Body: "AccessListMembers", Summary: "Add members (at most 100; idempotent)", OKSchema: "AccessListMemberPage"},
		{Method: "DELETE", Path: base + "/{identifier}/members", Guard: route.Bearer, Scopes: write, Handler: s.owned(s.memberWrite(opRemove)), Tag: tag,
			Body: "AccessListMembers", Summary: "Remove members (at most 100; idempotent)", OKSchema: "AccessListMemberPage"},
		{Method: "GET", Path: base + "/{identifier}/resource-connections", Guard: route.Bearer, Scopes: read, Handler: s.owned(s.handleConnections), Tag: tag,
			Query: []route.Param{tokenQ}, Summary: "The list's resource connections, 100 a page", OKSchema: "AccessListConnectionPage"},
		{Method: "PUT", Path: base + "/{identifier}/resource-connections/{resourceIdentifier}", Guard: route.Bearer, Scopes: write, Handler: s.owned(s.handleUpsertConnection), Tag: tag,
			Body: "AccessListConnectionUpsert", Summary: "Connect a resource of the caller's with the actions allowed (none: all)", OKSchema: "AccessListConnection"},
		{Method: "DELETE", Path: base + "/{identifier}/resource-connections/{resourceIdentifier}", Guard: route.Bearer, Scopes: write, Handler: s.owned(s.handleDeleteConnection), Tag: tag,
			Summary: "Disconnect a resource (204 when it was not connected)", OKSchema: "AccessListConnection"},
		{Method: "GET", Path: "/resourceregistry/api/v1/access-lists/memberships", Guard: route.OwnBearer, Scopes: admin, Handler: s.platformOnly(s.handleMemberships, admin...), Tag: tag,
			Query:   []route.Param{route.QRequired("party", "one party URN"), route.Q("resource", "one urn:altinn:resource:<id>")},
			Summary: "A party's memberships per resource (a platform access token from \"platform\", or resource.admin)", OKSchema: "AccessListMemberships"},
		{Method: "GET", Path: "/resourceregistry/api/v1/access-lists/get-by-member", Guard: route.OwnBearer, Handler: s.platformOnly(s.handleByMember), Tag: tag,
			Query:   []route.Param{route.QRequired("party", "urn:altinn:party:uuid:<uuid>")},
			Summary: "The lists a party is on (a platform access token from \"platform\" only)", OKSchema: "AccessListArray"},
	}
}

// owned guards an {owner} operation as the registry does: the caller must
// own the owner (403), which must be a registered org code (400
// RR.VLD-00010); the handler sees it as the register spells it.
func (s *Service) owned(h func(w http.ResponseWriter, r *http.Request, owner string) error) http.Handler {
	return route.E(func(w http.ResponseWriter, r *http.Request) error {
		c, _ := auth.CallerFrom(r.Context())
		raw := chi.URLParam(r, "owner")
		ok, err := s.owners.Owns(r.Context(), c, raw)
		if err != nil {
			return err
		}
		if !ok {
			return problem.Forbidden.WithDetail("the token's organisation is not the service owner %q", raw)
		}
		owner, ok, err := s.owners.Canonical(r.Context(), raw)
		if err != nil {
			return err
		}
		if !ok {
			return problem.Validation(vldOwnerNotOrgCode.At("/$PATH/owner"))
		}
		if r.Method != http.MethodPatch {
			if err := consumesJSON(r); err != nil {
				return err
			}
		}
		return h(w, r, owner)
	})
}

// consumesJSON is the controllers' [Consumes("application/json")], which
// holds for reads too: a request that names another Content-Type is 415,
// one that names none passes.
func consumesJSON(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == "application/json" {
		return nil
	}
	return aspnet(http.StatusUnsupportedMediaType, "15.5.16")
}

// conditions reads the precondition headers (a malformed ETag is 400).
func conditions(r *http.Request) (Conditions, error) {
	c, err := ParseConditions(r)
	if err != nil {
		return c, problem.Validation(problem.ValidationError{Code: "STD-00001", Title: "Invalid header",
			Detail: "Invalid If-Match or If-None-Match header: only * or weak ETags from this API are supported.", Paths: []string{"$HEADER"}})
	}
	return c, nil
}

// parseInclude reads ?include= (comma-separated, case-sensitive as upstream).
func parseInclude(r *http.Request) (Include, error) {
	var inc Include
	for _, v := range r.URL.Query()["include"] {
		for _, name := range strings.Split(v, ",") {
			switch strings.TrimSpace(name) {
			case "":
			case "resources":
				inc.Connections = true
			case "resource-actions":
				inc.Connections, inc.Actions = true, true
			case "members":
				inc.Members = true
			default:
				return inc, problem.Validation(problem.ValidationError{Code: "STD-00001", Title: "Invalid value",
					Detail: fmt.Sprintf("Invalid value: '%s'", strings.TrimSpace(name)), Paths: []string{"/$QUERY/include"}})
			}
		}
	}
	return inc, nil
}

// nextLink is the absolute URL of the route with its query replaced, as
// ASP.NET's Url.Link makes it (honouring X-Forwarded-Proto/Host).
func nextLink(r *http.Request, path string, q url.Values) *string {
	s := respond.Origin(r) + (&url.URL{Path: path, RawQuery: q.Encode()}).String()
	return &s
}

// opaque is the registry's Opaque<T>: Base64Url of the JSON of v.
func opaque(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func fromOpaque(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func badToken() error {
	return problem.Validation(problem.ValidationError{Code: "STD-00001", Title: "Invalid value",
		Detail: "The continuation token is not one this API made.", Paths: []string{"/$QUERY/token"}})
}

func (s *Service) handleLists(w http.ResponseWriter, r *http.Request, owner string) error {
	inc, err := parseInclude(r)
	if err != nil {
		return err
	}
	if inc.Members {
		return probIncludeMembers.New()
	}
	resource := r.URL.Query().Get("resource")
	if inc.Connections && strings.TrimSpace(resource) == "" {
		return problem.Validation(vldIncludeResource.At("/$QUERY/include", "/$QUERY/resource"))
	}
	from := ""
	if t := r.URL.Query().Get("token"); t != "" {
		if err := fromOpaque(t, &from); err != nil || from == "" {
			return badToken()
		}
	}
	ls, next, err := s.Lists(r.Context(), owner, from, inc, resource)
	if err != nil {
		return err
	}
	out := page[listDTO]{Data: make([]listDTO, 0, len(ls))}
	for _, l := range ls {
		out.Data = append(out.Data, toListDTO(l))
	}
	if next != "" {
		// The registry's own link: the include under "includes", which its
		// model binder does not read, and no resource.
		q := url.Values{"token": {opaque(next)}}
		if v := includeString(inc); v != "" {
			q.Set("includes", v)
		}
		out.Links.Next = nextLink(r, "/resourceregistry/api/v1/access-lists/"+owner, q)
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func includeString(inc Include) string {
	var parts []string
	if inc.Connections {
		parts = append(parts, "resources")
	}
	if inc.Actions {
		parts = append(parts, "resource-actions")
	}
	return strings.Join(parts, ",")
}

// answer writes a conditional result as the registry's ConditionalResult
// does: 412 without headers, 304 with ETag and Last-Modified, else v with
// them.
func answer(w http.ResponseWriter, out Outcome, version int64, l List, v any) error {
	switch out {
	case Failed:
		return preconditionFailed()
	case Unmodified:
		setVersionHeaders(w, version, l.Modified)
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	setVersionHeaders(w, version, l.Modified)
	respond.JSON(w, http.StatusOK, v)
	return nil
}

func (s *Service) handleGet(w http.ResponseWriter, r *http.Request, owner string) error {
	c, err := conditions(r)
	if err != nil {
		return err
	}
	inc, err := parseInclude(r)
	if err != nil {
		return err
	}
	l, out, err := s.Get(r.Context(), owner, chi.URLParam(r, "identifier"), inc, c)
	if isNotFound(err) {
		return notFound()
	}
	if err != nil {
		return err
	}
	return answer(w, out, l.Version, l, toListDTO(l))
}

// upsertBody is CreateAccessListModel: name is required, description
// may be left out.
type upsertBody struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

func (s *Service) handleUpsert(w http.ResponseWriter, r *http.Request, owner string) error {
	c, err := conditions(r)
	if err != nil {
		return err
	}
	var b upsertBody
	if p := problem.DecodeJSON(w, r, &b); p != nil {
		return p
	}
	if b.Name == nil || *b.Name == "" {
		return problem.Validation(problem.ValidationError{Code: "STD-00001", Title: "Required", Detail: "The Name field is required.", Paths: []string{"$.name"}})
	}
	desc := ""
	if b.Description != nil {
		desc = *b.Description
	}
	identifier := chi.URLParam(r, "identifier")
	if len(identifier) > MaxIdentifier {
		// PostgreSQL cannot index it; the registry would answer 500.
		return problem.Validation(problem.ValidationError{Code: "STD-00001", Title: "Invalid value",
			Detail: fmt.Sprintf("The identifier is longer than %d bytes.", MaxIdentifier), Paths: []string{"/$PATH/identifier"}})
	}
	l, out, err := s.Upsert(r.Context(), owner, identifier, *b.Name, desc, c)
	if err != nil {
		return err
	}
	return answer(w, out, l.Version, l, toListDTO(l))
}

// handlePatch is the registry's UpdateAccessList: declared, guarded,
// JSON Patch only, and not implemented (501).
func (s *Service) handlePatch(w http.ResponseWriter, r *http.Request, owner string) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json-patch+json" {
		p := problem.BadRequest.WithDetail("Content-Type must be application/json-patch+json, got %q", r.Header.Get("Content-Type"))
		p.Status, p.Title = http.StatusUnsupportedMediaType, "Unsupported Media Type"
		return p
	}
	return aspnet(http.StatusNotImplemented, "15.6.2")
}

func (s *Service) handleDelete(w http.ResponseWriter, r *http.Request, owner string) error {
	c, err := conditions(r)
	if err != nil {
		return err
	}
	l, out, err := s.Delete(r.Context(), owner, chi.URLParam(r, "identifier"), c)
	if isNotFound(err) {
		// The list did not exist or was already deleted.
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if err != nil {
		return err
	}
	return answer(w, out, l.Version, l, toListDTO(l))
}

// memberToken is AccessListMembersContinuationToken.
type memberToken struct {
	Version      int64     `json:"Version"`
	ContinueFrom uuid.UUID `json:"ContinueFrom"`
}

// connectionToken is AccessListResourceConnectionContinuationToken.
type connectionToken struct {
	Version      int64  `json:"Version"`
	ContinueFrom string `json:"ContinueFrom"`
}

func (s *Service) handleMembers(w http.ResponseWriter, r *http.Request, owner string) error {
	c, err := conditions(r)
	if err != nil {
		return err
	}
	var from uuid.UUID
	if t := r.URL.Query().Get("token"); t != "" {
		var tok memberToken
		if err := fromOpaque(t, &tok); err != nil || tok.ContinueFrom == uuid.Nil {
			return badToken()
		}
		// A page follows the version of the first: a list changed
		// since is 412.
		c, from = c.WithMatch(tok.Version), tok.ContinueFrom
	}
	identifier := chi.URLParam(r, "identifier")
	p, out, err := s.Members(r.Context(), owner, identifier, from, c)
	if isNotFound(err) {
		return notFound()
	}
	if err != nil {
		return err
	}
	return answer(w, out, p.Version, List{Modified: p.Modified}, memberPageDTO(r, owner, identifier, p))
}

func memberPageDTO(r *http.Request, owner, identifier string, p MemberPage) page[memberDTO] {
	out := page[memberDTO]{Data: make([]memberDTO, 0, len(p.Items))}
	for _, m := range p.Items {
		out.Data = append(out.Data, toMemberDTO(m))
	}
	if p.Next != nil {
		out.Links.Next = nextLink(r, "/resourceregistry/api/v1/access-lists/"+owner+"/"+url.PathEscape(identifier)+"/members",
			url.Values{"token": {opaque(memberToken{Version: p.Version, ContinueFrom: *p.Next})}})
	}
	return out
}

// decodeMembers reads UpsertAccessListPartyMembersListDto: an object whose
// one property is "data" (spelled so), an array of party URNs.
func decodeMembers(w http.ResponseWriter, r *http.Request) ([]PartyRef, error) {
	var raw map[string]json.RawMessage
	if p := problem.DecodeJSON(w, r, &raw); p != nil {
		return nil, p
	}
	data, ok := raw["data"]
	if !ok || len(raw) != 1 {
		return nil, problem.Validation(problem.ValidationError{Code: "STD-00001", Title: "Invalid JSON",
			Detail: `The body must be {"data": [<party URN>, ...]}.`, Paths: []string{"$"}})
	}
	var urns []string
	if err := json.Unmarshal(data, &urns); err != nil || urns == nil {
		return nil, problem.Validation(problem.ValidationError{Code: "STD-00001", Title: "Invalid JSON",
			Detail: "data must be an array of party URNs.", Paths: []string{"$.data"}})
	}
	refs := make([]PartyRef, 0, len(urns))
	var bad []problem.ValidationError
	for i, u := range urns {
		ref, ok := ParsePartyURN(u)
		if !ok {
			bad = append(bad, problem.ValidationError{Code: "STD-00001", Title: "Invalid JSON",
				Detail: fmt.Sprintf("%q is not urn:altinn:organization:identifier-no:<orgno>, urn:altinn:party:uuid:<uuid> or urn:altinn:party:id:<id>.", u),
				Paths:  []string{fmt.Sprintf("$.data[%d]", i)}})
			continue
		}
		refs = append(refs, ref)
	}
	if len(bad) > 0 {
		return nil, problem.Validation(bad...)
	}
	return refs, nil
}

func (s *Service) memberWrite(op memberOp) func(w http.ResponseWriter, r *http.Request, owner string) error {
	return func(w http.ResponseWriter, r *http.Request, owner string) error {
		c, err := conditions(r)
		if err != nil {
			return err
		}
		refs, err := decodeMembers(w, r)
		if err != nil {
			return err
		}
		if len(refs) > maxMembersPerWrite {
			if op == opReplace {
				return problem.Validation(vldReplaceTooMany.At("/data"))
			}
			return problem.Validation(vldAddRemoveTooMany.At("/data"))
		}
		identifier := chi.URLParam(r, "identifier")
		var p MemberPage
		var out Outcome
		switch op {
		case opReplace:
			p, out, err = s.ReplaceMembers(r.Context(), owner, identifier, refs, c)
		case opAdd:
			p, out, err = s.AddMembers(r.Context(), owner, identifier, refs, c)
		default:
			p, out, err = s.RemoveMembers(r.Context(), owner, identifier, refs, c)
		}
		switch {
		case isNotFound(err):
			return notFound()
		case errors.Is(err, ErrPartyNotFound):
			return probPartyNotFound.New()
		case err != nil:
			return err
		}
		return answer(w, out, p.Version, List{Modified: p.Modified}, memberPageDTO(r, owner, identifier, p))
	}
}

func (s *Service) handleConnections(w http.ResponseWriter, r *http.Request, owner string) error {
	c, err := conditions(r)
	if err != nil {
		return err
	}
	from := ""
	if t := r.URL.Query().Get("token"); t != "" {
		var tok connectionToken
		if err := fromOpaque(t, &tok); err != nil || tok.ContinueFrom == "" {
			return badToken()
		}
		c, from = c.WithMatch(tok.Version), tok.ContinueFrom
	}
	identifier := chi.URLParam(r, "identifier")
	p, out, err := s.Connections(r.Context(), owner, identifier, from, c)
	if isNotFound(err) {
		return notFound()
	}
	if err != nil {
		return err
	}
	body := page[connectionDTO]{Data: make([]connectionDTO, 0, len(p.Items))}
	for _, cn := range p.Items {
		body.Data = append(body.Data, toConnectionDTO(cn))
	}
	if p.Next != "" {
		body.Links.Next = nextLink(r, "/resourceregistry/api/v1/access-lists/"+owner+"/"+url.PathEscape(identifier)+"/resource-connections",
			url.Values{"token": {opaque(connectionToken{Version: p.Version, ContinueFrom: p.Next})}})
	}
	return answer(w, out, p.Version, List{Modified: p.Modified}, body)
}

// connectionBody is UpsertAccessListResourceConnectionDto.
type connectionBody struct {
	ActionFilters []string `json:"actionFilters"`
}

func (s *Service) handleUpsertConnection(w http.ResponseWriter, r *http.Request, owner string) error {
	c, err := conditions(r)
	if err != nil {
		return err
	}
	var b connectionBody
	if p := problem.DecodeJSON(w, r, &b); p != nil {
		return p
	}
	resource := chi.URLParam(r, "resourceIdentifier")
	// The resource must exist and be the caller's own (admins excepted),
	// before the list is even looked at.
	resOwner, err := s.owners.ResourceOwner(r.Context(), resource)
	if errors.Is(err, ErrResourceNotFound) {
		return probResourceNF.New()
	}
	if err != nil {
		return err
	}
	caller, _ := auth.CallerFrom(r.Context())
	if ok, err := s.owners.Owns(r.Context(), caller, resOwner); err != nil {
		return err
	} else if !ok {
		return probOtherOwners.New()
	}
	conn, l, out, err := s.UpsertConnection(r.Context(), owner, chi.URLParam(r, "identifier"), resource, b.ActionFilters, c)
	if isNotFound(err) {
		return notFound()
	}
	if err != nil {
		return err
	}
	return answer(w, out, l.Version, l, toConnectionDTO(conn))
}

func (s *Service) handleDeleteConnection(w http.ResponseWriter, r *http.Request, owner string) error {
	c, err := conditions(r)
	if err != nil {
		return err
	}
	conn, l, out, existed, err := s.DeleteConnection(r.Context(), owner, chi.URLParam(r, "identifier"), chi.URLParam(r, "resourceIdentifier"), c)
	if isNotFound(err) {
		return notFound()
	}
	if err != nil {
		return err
	}
	if out == Succeeded && !existed {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return answer(w, out, l.Version, l, toConnectionDTO(conn))
}

// splitQuery is ASP.NET's binding of a repeated, comma-separated list.
func splitQuery(vals []string) []string {
	var out []string
	for _, v := range vals {
		out = append(out, strings.Split(v, ",")...)
	}
	return out
}

func (s *Service) handleMemberships(w http.ResponseWriter, r *http.Request) error {
	if err := consumesJSON(r); err != nil {
		return err
	}
	q := r.URL.Query()
	var (
		errs      []problem.ValidationError
		parties   []PartyRef
		resources []string
	)
	for _, p := range splitQuery(q["party"]) {
		ref, ok := ParsePartyURN(p)
		if !ok {
			e := vldInvalidParty.At("/$QUERY/party")
			e.Extensions = map[string]any{"value": p}
			errs = append(errs, e)
			continue
		}
		parties = append(parties, ref)
	}
	for _, v := range splitQuery(q["resource"]) {
		id, ok := ParseResourceURN(v)
		if !ok {
			e := vldInvalidResource.At("/$QUERY/resource")
			e.Extensions = map[string]any{"value": v}
			errs = append(errs, e)
			continue
		}
		resources = append(resources, id)
	}
	switch {
	case len(parties) == 0:
		errs = append(errs, vldRequiresParty.At("/$QUERY/party"))
	case len(parties) > 1:
		errs = append(errs, vldTooManyParties.At("/$QUERY/party"))
	}
	if len(resources) > 1 {
		errs = append(errs, vldTooManyResources.At("/$QUERY/resource"))
	}
	if len(errs) > 0 {
		return problem.Validation(errs...)
	}
	resource := ""
	if len(resources) == 1 {
		resource = resources[0]
	}
	ms, err := s.Memberships(r.Context(), parties[0], resource)
	if errors.Is(err, ErrPartyNotFound) {
		return probPartyNotFound.New()
	}
	if err != nil {
		return err
	}
	out := listObject[membershipDTO]{Data: make([]membershipDTO, 0, len(ms))}
	for _, m := range ms {
		out.Data = append(out.Data, membershipDTO{Party: prefixPartyUUID + m.PartyUUID.String(), Resource: prefixResource + m.ResourceID,
			Since: dotnetTime(m.Since), ActionFilters: m.Actions})
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleByMember(w http.ResponseWriter, r *http.Request) error {
	if err := consumesJSON(r); err != nil {
		return err
	}
	v := r.URL.Query().Get("party")
	ref, ok := ParsePartyURN(v)
	if !ok || ref.UUID == uuid.Nil {
		return problem.Validation(problem.ValidationError{Code: "STD-00001", Title: "Invalid value",
			Detail: fmt.Sprintf("The value '%s' is not valid: party must be urn:altinn:party:uuid:<uuid>.", v), Paths: []string{"/$QUERY/party"}})
	}
	ls, err := s.ByMember(r.Context(), ref.UUID)
	if err != nil {
		return err
	}
	out := make([]listDTO, 0, len(ls))
	for _, l := range ls {
		out = append(out, toListDTO(l))
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}
