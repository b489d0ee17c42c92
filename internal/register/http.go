package register

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// Routes are Register's lookups (/register/api/v1 and v2's internal party
// reads). All but the person lookup take what the
// InternalOrPlatformAccess policy takes (route.PlatformAccess): a valid
// platform access token in the PlatformAccessToken header, or a bearer
// token holding altinn:register/partylookup.admin. A valid bearer token
// beside an access token still names the caller the party reads look at.
func (s *Service) Routes() []route.Route {
	const tag = "Register"
	scopes := []string{ScopeLookup}
	op := func(method, path string, h route.HandlerFunc, summary, body string, q ...route.Param) route.Route {
		return route.Route{Method: method, Path: path, Guard: route.Bearer, Scopes: scopes, PlatformAccess: true, Handler: route.E(h),
			Tag: tag, Summary: summary, Body: body, Query: q}
	}
	fieldsParam := route.Q("fields", "v2 party fields, comma-separated (identifiers, display-name, party, person, org, user, …); default identifiers,display-name")
	subUnits := route.Q("fetchSubUnits", "accepted; the emulator's organisations have no subunits")
	return []route.Route{
		op("GET", "/register/api/v1/organizations/{orgNr}", s.handleOrganization, "An organisation by organisation number", ""),
		op("GET", "/register/api/v1/parties/{partyId}", s.handlePartyByID,
			"A party by party id (a person's token: only parties the person may represent)", ""),
		op("GET", "/register/api/v1/parties/byuuid/{partyUuid}", s.handlePartyByUUID,
			"A party by party uuid (a person's token: only parties the person may represent)", ""),
		op("POST", "/register/api/v1/parties/lookup", s.handleLookup,
			"A party by organisation number (orgNo) or national identity number (ssn)", "PartyLookup"),
		op("POST", "/register/api/v1/parties/partylist", s.handlePartyList,
			"The parties of a list of party ids (404 when none exists)", "PartyIDs", subUnits),
		op("POST", "/register/api/v1/parties/partylistbyuuid", s.handlePartyListByUUID,
			"The parties of a list of party uuids", "PartyUUIDs", subUnits),
		op("GET", "/register/api/v1/parties/identifiers", s.handleIdentifiers,
			"Party id, uuid and organisation number of up to 100 parties", "",
			route.Q("ids", "party ids, comma-separated or repeated"), route.Q("uuids", "party uuids"), route.Q("orgs", "organisation numbers")),
		op("POST", "/register/api/v1/parties/nameslookup", s.handleNames,
			"The names of parties, by organisation or national identity number", "PartyNamesLookup",
			route.Q("partyComponentOption", "person-name adds a person's first, middle and last name")),
		// Register v2's internal party reads (PartyController, the same
		// InternalOrPlatformAccess policy).
		op("POST", "/register/api/v2/internal/parties/query", s.handleQuery,
			"Parties by URN (urn:altinn:party:id|party:uuid|organization:identifier-no|person:identifier-no|user:id:…), up to 100, in the v2 shapes; 206 when one found none",
			"PartyQuery", fieldsParam),
		op("GET", "/register/api/v2/internal/parties/{uuid}", s.handlePartyV2,
			"A party by uuid in the v2 shape (400 REG-00003 when none)", "", fieldsParam),
		// PersonsController: [Authorize(Policy = "PlatformAccess")] and
		// [Authorize(Policy = "AuthorizationLevel2")], both.
		{Method: "GET", Path: "/register/api/v1/persons", Guard: route.Bearer, RequirePlatformAccess: true, MinAuthLevel: 2,
			Handler: route.E(s.handlePersons), Tag: tag,
			Summary: "A person by national identity number (header " + HeaderNationalIdentityNumber + ") and last name (header " + HeaderLastName +
				", base64 of UTF-8 or plain; the first four letters must match): a user's token (urn:altinn:party:uuid, authlevel 2 or more) and a platform access token; " +
				"10 misses in an hour block the user for an hour (429)"},
	}
}

// routeMiss is the 404 ASP.NET answers when a path value fails the route's
// constraint ({partyId:int}, {partyUuid:guid}): no endpoint matched.
func routeMiss() *problem.Problem {
	return &problem.Problem{Type: "https://tools.ietf.org/html/rfc9110#section-15.5.5", Title: "Not Found", Status: http.StatusNotFound}
}

// unauthorized is ASP.NET's bare Unauthorized() in an API controller.
func unauthorized() *problem.Problem {
	return &problem.Problem{Type: "https://tools.ietf.org/html/rfc9110#section-15.5.2", Title: "Unauthorized", Status: http.StatusUnauthorized}
}

func (s *Service) handleOrganization(w http.ResponseWriter, r *http.Request) error {
	o, err := s.Organization(r.Context(), chi.URLParam(r, "orgNr"))
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, o)
	return nil
}

func (s *Service) handleLookup(w http.ResponseWriter, r *http.Request) error {
	var l Lookup
	if p := problem.DecodeJSON(w, r, &l); p != nil {
		return p
	}
	party, err := s.Lookup(r.Context(), l)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, party)
	return nil
}

// bindBool binds an optional bool query value as ASP.NET does; a value
// that is not one is its model-binding 400.
func bindBool(r *http.Request, name string) (bool, error) {
	v, ok := r.URL.Query()[name]
	if !ok || len(v) == 0 {
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(v[0])) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, bindError(name, "The value '"+v[0]+"' is not valid.")
}

// bindError is ASP.NET's automatic 400 for a value it cannot bind.
func bindError(name string, msgs ...string) *problem.Problem {
	return &problem.Problem{
		Type:       "https://tools.ietf.org/html/rfc9110#section-15.5.1",
		Title:      "One or more validation errors occurred.",
		Status:     http.StatusBadRequest,
		Extensions: map[string]any{"errors": map[string][]string{name: msgs}},
	}
}

func (s *Service) handlePartyList(w http.ResponseWriter, r *http.Request) error {
	if _, err := bindBool(r, "fetchSubUnits"); err != nil {
		return err
	}
	var ids []int32
	if p := problem.DecodeJSON(w, r, &ids); p != nil {
		return p
	}
	wide := make([]int64, len(ids))
	for i, id := range ids {
		wide[i] = int64(id)
	}
	out, err := s.PartyList(r.Context(), wide)
	if err != nil {
		return err
	}
	if len(out) == 0 {
		return routeMiss() // the controller's bare NotFound()
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handlePartyListByUUID(w http.ResponseWriter, r *http.Request) error {
	if _, err := bindBool(r, "fetchSubUnits"); err != nil {
		return err
	}
	var ids []uuid.UUID
	if p := problem.DecodeJSON(w, r, &ids); p != nil {
		return p
	}
	out, err := s.PartyListByUUID(r.Context(), ids)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleIdentifiers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	out, err := s.Identifiers(r.Context(), IdentifierQuery{IDs: q["ids"], UUIDs: q["uuids"], Orgs: q["orgs"]})
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleNames(w http.ResponseWriter, r *http.Request) error {
	nameParts, bad := ParseComponents(r.URL.Query()["partyComponentOption"])
	if len(bad) > 0 {
		return bindError("partyComponentOption", bad...)
	}
	var in NamesLookup
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return p
	}
	out, err := s.Names(r.Context(), in, nameParts)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handlePartyByID(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(chi.URLParam(r, "partyId"), 10, 32)
	if err != nil {
		return routeMiss()
	}
	party, err := s.PartyByID(r.Context(), id)
	return s.answerParty(w, r, party, err)
}

func (s *Service) handlePartyByUUID(w http.ResponseWriter, r *http.Request) error {
	id, err := uuid.Parse(chi.URLParam(r, "partyUuid"))
	if err != nil {
		return routeMiss()
	}
	party, err := s.PartyByUUID(r.Context(), id)
	return s.answerParty(w, r, party, err)
}

// answerParty is PartiesController's tail for the party reads: a service
// owner's token (urn:altinn:org) sees any party and a 404 for none; any
// other caller must be a person who may represent the party, and gets 401
// for a party that does not exist, as for one it may not see.
func (s *Service) answerParty(w http.ResponseWriter, r *http.Request, party Party, err error) error {
	c, _ := auth.CallerFrom(r.Context())
	_, isOrg := c.Claims["urn:altinn:org"]
	if err != nil {
		if p := problem.From(err); !isOrg && p.Code == ErrPartyNotFound.Code {
			return unauthorized()
		}
		return err
	}
	if !isOrg {
		if c.UserID == 0 {
			return unauthorized()
		}
		ok, err := s.MayRepresent(r.Context(), c.PID, c.PartyID, party)
		if err != nil {
			return err
		}
		if !ok {
			return unauthorized()
		}
	}
	respond.JSON(w, http.StatusOK, party)
	return nil
}
