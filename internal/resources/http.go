package resources

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// Scopes of the resource registry.
const (
	ScopeWrite = "altinn:resourceregistry/resource.write"
	ScopeAdmin = "altinn:resourceregistry/resource.admin"
)

// maxPolicy limits uploaded policy files.
const maxPolicy = 1 << 20

// RegistryRoutes are the resource registry, /resourceregistry/api/v1/resource.
// Reads are public as on the platform; writes need a token with
// resource.write (or .admin).
func (s *Service) RegistryRoutes() []route.Route {
	const tag = "Resource registry"
	scopes := []string{ScopeWrite, ScopeAdmin}
	return append(s.readRoutes(tag), []route.Route{
		{Method: "POST", Path: "/resourceregistry/api/v1/resource", Guard: route.Bearer, Scopes: scopes, Handler: route.E(s.handleCreate),
			Tag: tag, Summary: "Create a resource", Body: "Resource", OK: http.StatusCreated, OKSchema: "Resource"},
		{Method: "GET", Path: "/resourceregistry/api/v1/resource/resourcelist", Handler: route.E(s.handleList),
			Query: []route.Param{route.Q("includeApps", "false leaves out app resources"), route.Q("includeMigratedApps", "true includes migrated Altinn 2 services")}, Tag: tag, Summary: "Every resource"},
		{Method: "GET", Path: "/resourceregistry/api/v1/resource/Search", Handler: route.E(s.handleSearch), Query: searchParams,
			Tag: tag, Summary: "Search resources"},
		{Method: "GET", Path: "/resourceregistry/api/v1/resource/search", Handler: route.E(s.handleSearch), Query: searchParams,
			Tag: tag, Summary: "Search resources (lower-case path)"},
		{Method: "GET", Path: "/resourceregistry/api/v1/resource/{id}", Handler: route.E(s.handleGet),
			Tag: tag, Summary: "A resource", OKSchema: "Resource"},
		{Method: "PUT", Path: "/resourceregistry/api/v1/resource/{id}", Guard: route.Bearer, Scopes: scopes, Handler: route.E(s.handleUpdate),
			Tag: tag, Summary: "Update a resource", Body: "Resource"},
		{Method: "DELETE", Path: "/resourceregistry/api/v1/resource/{id}", Guard: route.Bearer, Scopes: scopes, Handler: route.E(s.handleDelete),
			Tag: tag, Summary: "Delete a resource", OK: http.StatusNoContent},
		{Method: "GET", Path: "/resourceregistry/api/v1/resource/{id}/policy", Handler: route.E(s.handleGetPolicy),
			Tag: tag, Summary: "A resource's policy as XACML XML"},
		{Method: "POST", Path: "/resourceregistry/api/v1/resource/{id}/policy", Guard: route.Bearer, Scopes: scopes, Handler: route.E(s.handlePutPolicy),
			Tag: tag, Body: "policy", Summary: "Upload a policy (multipart policyFile or XML body)", OK: http.StatusCreated},
		{Method: "PUT", Path: "/resourceregistry/api/v1/resource/{id}/policy", Guard: route.Bearer, Scopes: scopes, Handler: route.E(s.handlePutPolicy),
			Tag: tag, Body: "policy", Summary: "Replace a policy", OK: http.StatusCreated},
		{Method: "GET", Path: "/resourceregistry/api/v1/resource/{id}/policy/rules", Handler: route.E(s.handleGetRules),
			Tag: tag, Summary: "A policy's rules, flattened"},
	}...)
}

func writer(r *http.Request) Writer {
	c, _ := auth.CallerFrom(r.Context())
	return Writer{OrgNo: c.ConsumerOrgNo, Admin: c.HasScope(ScopeAdmin)}
}

func (s *Service) handleList(w http.ResponseWriter, r *http.Request) error {
	all, err := s.Resources(r.Context())
	if err != nil {
		return err
	}
	// includeApps defaults to true; we hold no app resources unless
	// created, so it filters only those of type AltinnApp when false.
	dropApps := strings.EqualFold(r.URL.Query().Get("includeApps"), "false")
	dropMigrated := !strings.EqualFold(r.URL.Query().Get("includeMigratedApps"), "true")
	all = slices.DeleteFunc(all, func(x Resource) bool {
		return dropApps && x.ResourceType == TypeAltinnApp || dropMigrated && x.ResourceType == TypeMigratedApp
	})
	respond.JSON(w, http.StatusOK, all)
	return nil
}

// searchParams are the resource search's filters (names in any case).
var searchParams = []route.Param{
	route.Q("id", "part of the resource id"), route.Q("title", "part of the title, any language"),
	route.Q("description", "part of the description"), route.Q("resourceType", "e.g. GenericAccessResource"),
	route.Q("keyword", "a keyword"), route.Q("reference", "a reference value"),
}

func (s *Service) handleSearch(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	get := func(k string) string {
		for key, vs := range q {
			if strings.EqualFold(key, k) && len(vs) > 0 {
				return vs[0]
			}
		}
		return ""
	}
	out, err := s.Search(r.Context(), Search{ID: get("id"), Title: get("title"), Description: get("description"),
		ResourceType: get("resourceType"), Keyword: get("keyword"), Reference: get("reference")})
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleGet(w http.ResponseWriter, r *http.Request) error {
	res, err := s.Resource(r.Context(), chi.URLParam(r, "id"))
	if errors.Is(err, dberr.ErrNotFound) {
		return problem.NotFound.WithDetail("resource %s not found", chi.URLParam(r, "id"))
	}
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, res)
	return nil
}

// policyOf reads the policy of the resource in the path, with the
// platform's two 404s: no such resource, and a resource without a policy.
func (s *Service) policyOf(r *http.Request) (Policy, error) {
	id := chi.URLParam(r, "id")
	if _, err := s.Resource(r.Context(), id); err != nil {
		if errors.Is(err, dberr.ErrNotFound) {
			return Policy{}, problem.NotFound.WithDetail("Unable to find resource")
		}
		return Policy{}, err
	}
	p, err := s.Policy(r.Context(), id)
	if errors.Is(err, dberr.ErrNotFound) {
		return Policy{}, problem.NotFound.WithDetail("Unable to find requested policy")
	}
	return p, err
}

func (s *Service) handleGetPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := s.policyOf(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Disposition", `attachment; filename=policy.xml; filename*=UTF-8''policy.xml`)
	_, _ = w.Write(ExportXACML(p))
	return nil
}

// handleGetRules is GET {id}/policy/rules: the policy flattened to one
// subject, action and resource match per entry; 404 without a policy.
func (s *Service) handleGetRules(w http.ResponseWriter, r *http.Request) error {
	if err := consumesJSON(r); err != nil {
		return err
	}
	p, err := s.storedPolicy(r)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, FlattenRules(p))
	return nil
}

func (s *Service) handleCreate(w http.ResponseWriter, r *http.Request) error {
	res := NewResource()
	if p := problem.DecodeJSON(w, r, &res); p != nil {
		return p
	}
	created, err := s.CreateResource(r.Context(), writer(r), res)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/resourceregistry/api/v1/resource/"+created.Identifier)
	w.WriteHeader(http.StatusCreated)
	return nil
}

func (s *Service) handleUpdate(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	if _, err := s.Resource(r.Context(), id); errors.Is(err, dberr.ErrNotFound) {
		return problem.NotFound.WithDetail("resource %s not found", id)
	}
	res := NewResource()
	if p := problem.DecodeJSON(w, r, &res); p != nil {
		return p
	}
	if _, err := s.UpdateResource(r.Context(), writer(r), id, res); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Service) handleDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.DeleteResource(r.Context(), writer(r), chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handlePutPolicy takes the policy as the platform does — a multipart form
// file named policyFile — or, for convenience, as a raw XML body.
func (s *Service) handlePutPolicy(w http.ResponseWriter, r *http.Request) error {
	id := chi.URLParam(r, "id")
	r.Body = http.MaxBytesReader(w, r.Body, maxPolicy+64<<10)
	var data []byte
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		f, _, err := r.FormFile("policyFile")
		if err != nil {
			return problem.BadRequest.WithDetail("The policy file can not be null")
		}
		defer f.Close()
		data, err = io.ReadAll(io.LimitReader(f, maxPolicy+1))
		if err != nil {
			return err
		}
	default:
		var err error
		data, err = io.ReadAll(r.Body)
		if err != nil {
			return problem.TooLarge.WithDetail("the policy exceeds %d bytes", maxPolicy)
		}
	}
	if len(data) > maxPolicy {
		return problem.TooLarge.WithDetail("the policy exceeds %d bytes", maxPolicy)
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return problem.BadRequest.WithDetail("The policy file can not be null")
	}
	p, err := ParseXACML(id, data)
	if err != nil {
		return err
	}
	if err := s.ReplacePolicy(r.Context(), writer(r), p); err != nil {
		return err
	}
	w.Header().Set("Location", id+"/policy")
	w.WriteHeader(http.StatusCreated)
	return nil
}

// CatalogueRoutes are Access Management's metadata API for the package
// catalogue, and the part of its role metadata the emulator models (which
// access packages an ER role gives). Public; texts follow Accept-Language
// (nb default; nn; en).
func (s *Service) CatalogueRoutes() []route.Route {
	const tag = "Access packages"
	get := func(path, summary string, h route.HandlerFunc, q ...route.Param) route.Route {
		return route.Route{Method: http.MethodGet, Path: path, Handler: route.E(h), Tag: tag, Summary: summary, Query: q}
	}
	return []route.Route{
		get("/accessmanagement/api/v1/meta/info/accesspackages/search", "Search access packages", s.handlePkgSearch,
			route.Q("term", "words to look for in names and descriptions"), route.Q("typeName", "organization, organisasjon or person")),
		get("/accessmanagement/api/v1/meta/info/accesspackages/export", "The whole catalogue", s.handleExport),
		get("/accessmanagement/api/v1/meta/info/accesspackages/group", "Area groups", s.handleGroups),
		get("/accessmanagement/api/v1/meta/info/accesspackages/group/", "Area groups (trailing slash)", s.handleGroups),
		get("/accessmanagement/api/v1/meta/info/accesspackages/group/{id}", "An area group", s.handleGroup),
		get("/accessmanagement/api/v1/meta/info/accesspackages/group/{id}/areas", "A group's areas", s.handleGroupAreas),
		get("/accessmanagement/api/v1/meta/info/accesspackages/area/{id}", "An area", s.handleArea),
		get("/accessmanagement/api/v1/meta/info/accesspackages/area/{id}/packages", "An area's packages", s.handleAreaPackages),
		get("/accessmanagement/api/v1/meta/info/accesspackages/package/urn/{urn}", "A package by URN", s.handlePackageByURN),
		get("/accessmanagement/api/v1/meta/info/accesspackages/package/{id}", "A package", s.handlePackage),
		get("/accessmanagement/api/v1/meta/info/accesspackages/package/{id}/resources", "A package's resources", s.handlePackageResources),
		get("/accessmanagement/api/v1/meta/info/roles/packages", "The packages an ER role gives", s.handleRolePackages,
			route.QRequired("role", "the ER role code, e.g. DAGL"), route.Q("variant", "the organisation form, e.g. AS")),
	}
}

// handleRolePackages: GET roles/packages?role=<code>&variant=<org form>.
// role is the ER role's code in any spelling (regnskapsforer, REGN,
// urn:altinn:external-role:ccr:regnskapsforer); variant is the
// organisation form (AS, ENK, NUF, ESEK, BRL, ...), required as on the
// platform. Packages the role may only pass on (HasAccess false) are
// included, as the platform lists every role-package row.
func (s *Service) handleRolePackages(w http.ResponseWriter, r *http.Request) error {
	role, variant := r.URL.Query().Get("role"), r.URL.Query().Get("variant")
	rows := s.RolePackages(role)
	if role == "" || len(rows) == 0 {
		return problem.NotFound.WithDetail("Role '%s' not found", role)
	}
	if strings.TrimSpace(variant) == "" {
		return problem.NotFound.WithDetail("Variant '%s' not found", variant)
	}
	v := s.lenientView(r)
	out := []packageDTO{}
	seen := map[string]bool{}
	for _, rp := range rows {
		if rp.EntityVariant != "" && !strings.EqualFold(rp.EntityVariant, variant) || seen[rp.PackageURN] {
			continue
		}
		seen[rp.PackageURN] = true
		if p, err := s.Package(r.Context(), rp.PackageURN); err == nil {
			out = append(out, v.packageOf(p, true))
		}
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

// Wire shapes of the metadata API (PackageDto, AreaDto, AreaGroupDto).
type packageDTO struct {
	ID                        uuid.UUID     `json:"id"`
	Name                      string        `json:"name"`
	URN                       string        `json:"urn"`
	Description               string        `json:"description"`
	IsDelegable               bool          `json:"isDelegable"`
	IsAssignable              bool          `json:"isAssignable"`
	IsResourcePolicyAvailable bool          `json:"isResourcePolicyAvailable"`
	Area                      *areaDTO      `json:"area,omitempty"`
	Type                      typeDTO       `json:"type"`
	Resources                 []resourceDTO `json:"resources"`
}

type typeDTO struct {
	Name string `json:"name"`
}

type resourceDTO struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	RefID       string `json:"refId"`
	Description string `json:"description"`
}

type areaDTO struct {
	ID          uuid.UUID    `json:"id"`
	Name        string       `json:"name"`
	URN         string       `json:"urn"`
	Description string       `json:"description"`
	IconURL     string       `json:"iconUrl"`
	Packages    []packageDTO `json:"packages,omitempty"`
	Group       *groupDTO    `json:"group,omitempty"`
}

type groupDTO struct {
	ID          uuid.UUID `json:"id"`
	Name        string    `json:"name"`
	URN         string    `json:"urn"`
	Description string    `json:"description"`
	Type        string    `json:"type"`
	Areas       []areaDTO `json:"areas,omitempty"`
}

func lang(r *http.Request) string {
	al := strings.ToLower(r.Header.Get("Accept-Language"))
	switch {
	case strings.HasPrefix(al, "en"):
		return "en"
	case strings.HasPrefix(al, "nn"):
		return "nn"
	}
	return "nb"
}

func pick(l, nb, nn, en string) string {
	switch l {
	case "en":
		return en
	case "nn":
		return nn
	}
	return nb
}

func groupOf(l string, g AreaGroup) *groupDTO {
	return &groupDTO{ID: g.ID, Name: pick(l, g.Name, g.NameNN, g.NameEN), Type: g.EntityType}
}

func areaOf(l string, a Area, withGroup bool) *areaDTO {
	d := &areaDTO{ID: a.ID, Name: pick(l, a.Name, a.NameNN, a.NameEN), URN: a.URN,
		Description: pick(l, a.Description, a.DescriptionNN, a.DescriptionEN), IconURL: a.IconURL}
	if withGroup {
		d.Group = groupOf(l, a.Group)
	}
	return d
}

// packageView renders access packages for one request: in its language,
// with the registry resources whose policy names each package, read once
// for the request instead of once per package listed.
type packageView struct {
	l         string
	resources map[string][]resourceDTO // by package URN, ordered by resource id
}

func (s *Service) packageView(r *http.Request) (packageView, error) {
	v := packageView{l: lang(r), resources: map[string][]resourceDTO{}}
	named, err := policySubjects(r.Context(), s.pool)
	if err != nil {
		return v, err
	}
	all, err := s.Resources(r.Context())
	if err != nil {
		return v, err
	}
	byID := make(map[string]Resource, len(all))
	for _, res := range all {
		byID[res.Identifier] = res
	}
	for _, n := range named {
		res, ok := byID[n.ResourceID]
		if !ok {
			continue
		}
		v.resources[n.Subject] = append(v.resources[n.Subject], resourceDTO{ID: n.ResourceID, RefID: n.ResourceID,
			Name:        pick(v.l, res.Title["nb"], res.Title["nn"], res.Title["en"]),
			Description: pick(v.l, res.Description["nb"], res.Description["nn"], res.Description["en"])})
	}
	return v, nil
}

// lenientView is packageView for the package answers, which show a
// package without its resources when they cannot be read.
func (s *Service) lenientView(r *http.Request) packageView {
	v, _ := s.packageView(r)
	return v
}

// resourcesOf lists the registry resources whose policy names the package
// as a subject ([] when none).
func (v packageView) resourcesOf(urn string) []resourceDTO {
	if res := v.resources[urn]; res != nil {
		return res
	}
	return []resourceDTO{}
}

func (v packageView) packageOf(p AccessPackage, withArea bool) packageDTO {
	d := packageDTO{ID: p.ID, Name: pick(v.l, p.Name, p.NameNN, p.NameEN), URN: p.URN,
		Description: pick(v.l, p.Description, p.DescriptionNN, p.DescriptionEN),
		IsDelegable: p.IsDelegable, IsAssignable: p.IsAssignable, Type: typeDTO{Name: p.EntityType},
		Resources: v.resourcesOf(p.URN)}
	if withArea {
		d.Area = areaOf(v.l, p.Area, true)
	}
	d.IsResourcePolicyAvailable = len(d.Resources) > 0
	return d
}

func (s *Service) handlePkgSearch(w http.ResponseWriter, r *http.Request) error {
	term := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("term")))
	var typ string
	switch strings.ToLower(r.URL.Query().Get("typeName")) {
	case "":
	case "organization", "organisasjon":
		typ = "Organization"
	case "person":
		typ = "Person"
	default:
		return problem.BadRequest.WithDetail("Type '%s' not found. Try organization, organisasjon or person", r.URL.Query().Get("typeName"))
	}
	type hit struct {
		Object packageDTO `json:"object"`
		Score  float64    `json:"score"`
		Fields []string   `json:"fields"`
	}
	v := s.lenientView(r)
	out := []hit{}
	for _, p := range s.cat.packages {
		if typ != "" && p.EntityType != typ {
			continue
		}
		var fields []string
		score := 0.0
		for _, f := range []struct {
			name, val string
			w         float64
		}{{"name", p.Name + " " + p.NameNN + " " + p.NameEN, 2}, {"urn", p.URN, 1}, {"description", p.Description + " " + p.DescriptionEN, 0.5}} {
			if term == "" || strings.Contains(strings.ToLower(f.val), term) {
				fields = append(fields, f.name)
				score += f.w
			}
		}
		if len(fields) == 0 {
			continue
		}
		out = append(out, hit{Object: v.packageOf(p, true), Score: score, Fields: fields})
	}
	if len(out) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	respond.JSON(w, http.StatusOK, out)
	return nil
}

// handleExport is the whole hierarchy: groups → areas → packages.
func (s *Service) handleExport(w http.ResponseWriter, r *http.Request) error {
	v := s.lenientView(r)
	l := v.l
	out := []groupDTO{}
	for _, g := range s.cat.groups {
		gd := *groupOf(l, g)
		for _, a := range s.cat.areas {
			if a.Group.ID != g.ID {
				continue
			}
			ad := *areaOf(l, a, false)
			for _, p := range s.cat.packages {
				if p.Area.ID == a.ID {
					ad.Packages = append(ad.Packages, v.packageOf(p, false))
				}
			}
			gd.Areas = append(gd.Areas, ad)
		}
		out = append(out, gd)
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleGroups(w http.ResponseWriter, r *http.Request) error {
	l := lang(r)
	out := []groupDTO{}
	for _, g := range s.cat.groups {
		out = append(out, *groupOf(l, g))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func idParam(r *http.Request) (uuid.UUID, error) {
	id, err := uuid.Parse(chi.URLParam(r, "id"))
	if err != nil {
		return id, problem.BadRequest.WithDetail("The value '%s' is not valid.", chi.URLParam(r, "id"))
	}
	return id, nil
}

func (s *Service) handleGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	for _, g := range s.cat.groups {
		if g.ID == id {
			respond.JSON(w, http.StatusOK, groupOf(lang(r), g))
			return nil
		}
	}
	return problem.NotFound.WithDetail("no area group %s", id)
}

func (s *Service) handleGroupAreas(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(s.cat.groups, func(g AreaGroup) bool { return g.ID == id }) {
		return problem.NotFound.WithDetail("no area group %s", id)
	}
	out := []areaDTO{}
	for _, a := range s.cat.areas {
		if a.Group.ID == id {
			out = append(out, *areaOf(lang(r), a, true))
		}
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleArea(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	for _, a := range s.cat.areas {
		if a.ID == id {
			respond.JSON(w, http.StatusOK, areaOf(lang(r), a, true))
			return nil
		}
	}
	return problem.NotFound.WithDetail("no area %s", id)
}

func (s *Service) handleAreaPackages(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r)
	if err != nil {
		return err
	}
	v := s.lenientView(r)
	out := []packageDTO{}
	for _, p := range s.cat.packages {
		if p.Area.ID == id {
			out = append(out, v.packageOf(p, true))
		}
	}
	if len(out) == 0 {
		return problem.NotFound.WithDetail("no area %s", id)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	respond.JSON(w, http.StatusOK, out)
	return nil
}

// packageParam is the access package the {id} path value names, or the
// 400 or 404 problem when there is none.
func (s *Service) packageParam(r *http.Request) (AccessPackage, error) {
	id, err := idParam(r)
	if err != nil {
		return AccessPackage{}, err
	}
	p, err := s.PackageByID(r.Context(), id)
	if err != nil {
		return p, problem.NotFound.WithDetail("no access package %s", id)
	}
	return p, nil
}

func (s *Service) handlePackage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.packageParam(r)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, s.lenientView(r).packageOf(p, true))
	return nil
}

// handlePackageByURN takes the full URN or the bare code.
func (s *Service) handlePackageByURN(w http.ResponseWriter, r *http.Request) error {
	urn := chi.URLParam(r, "urn")
	p, err := s.Package(r.Context(), urn)
	if err != nil {
		return problem.NotFound.WithDetail("no access package %s", urn)
	}
	respond.JSON(w, http.StatusOK, s.lenientView(r).packageOf(p, true))
	return nil
}

func (s *Service) handlePackageResources(w http.ResponseWriter, r *http.Request) error {
	p, err := s.packageParam(r)
	if err != nil {
		return err
	}
	v, err := s.packageView(r)
	if err != nil {
		return err
	}
	res := v.resourcesOf(p.URN)
	if len(res) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	respond.JSON(w, http.StatusOK, res)
	return nil
}
