package resources

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// Service is the resource registry and the access-package catalogue.
type Service struct {
	pool  *pgxpool.Pool
	cat   *catalogue
	clock clock.Clock
}

// NewService loads the access-package catalogue (reference data that only
// migrations change) and returns the service.
func NewService(ctx context.Context, pool *pgxpool.Pool) (*Service, error) {
	cat, err := loadCatalogue(ctx, pool)
	if err != nil {
		return nil, fmt.Errorf("resources: %w", err)
	}
	return &Service{pool: pool, cat: cat, clock: clock.System{}}, nil
}

// Resource returns a registry resource (dberr.ErrNotFound when unknown).
func (s *Service) Resource(ctx context.Context, id string) (Resource, error) {
	return getResource(ctx, s.pool, id)
}

// Resources lists every resource.
func (s *Service) Resources(ctx context.Context) ([]Resource, error) {
	return listResources(ctx, s.pool)
}

// Search filters the resources like the registry's Search endpoint: every
// given criterion must match (case-insensitive substring for id, title,
// description, keyword and reference; exact type).
type Search struct {
	ID, Title, Description, ResourceType, Keyword, Reference string
}

// Search returns the resources that match q.
func (s *Service) Search(ctx context.Context, q Search) ([]Resource, error) {
	all, err := listResources(ctx, s.pool)
	if err != nil {
		return nil, err
	}
	out := []Resource{}
	for _, r := range all {
		if matches(r, q) {
			out = append(out, r)
		}
	}
	return out, nil
}

func contains(s, sub string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(sub)) }

func anyValue(m map[string]string, sub string) bool {
	for _, v := range m {
		if contains(v, sub) {
			return true
		}
	}
	return false
}

func matches(r Resource, q Search) bool {
	if q.ID != "" && !contains(r.Identifier, q.ID) {
		return false
	}
	if q.Title != "" && !anyValue(r.Title, q.Title) {
		return false
	}
	if q.Description != "" && !anyValue(r.Description, q.Description) {
		return false
	}
	if q.ResourceType != "" && !strings.EqualFold(r.ResourceType, q.ResourceType) {
		return false
	}
	if q.Keyword != "" && !slices.ContainsFunc(r.Keywords, func(k Keyword) bool { return contains(k.Word, q.Keyword) }) {
		return false
	}
	if q.Reference != "" && !slices.ContainsFunc(r.ResourceReferences, func(x ResourceReference) bool { return contains(x.Reference, q.Reference) }) {
		return false
	}
	return true
}

// Writer is who changes the registry: the organisation from the token and
// whether it holds the registry's admin scope.
type Writer struct {
	OrgNo string
	Admin bool
}

// may reports whether w may change a resource owned by ownerOrgNo (the
// registry's HasWriteAccess: admin, or the token's org owns it).
func (w Writer) may(ownerOrgNo string) bool {
	return w.Admin || (w.OrgNo != "" && w.OrgNo == ownerOrgNo)
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// Problems of the resource registry; it answers with plain ASP.NET
// results, which we render as problem details with the same status.
var (
	ErrResourceExists  = problem.Descriptor{Code: "RR-00001", Status: http.StatusConflict, Title: "The Resource already exist"}
	ErrForbidden       = problem.Descriptor{Code: "RR-00002", Status: http.StatusForbidden, Title: "Forbidden"}
	ErrInvalidResource = problem.Descriptor{Code: "RR-00003", Status: http.StatusBadRequest, Title: "Invalid resource"}
	ErrInvalidPolicy   = problem.Descriptor{Code: "RR-00004", Status: http.StatusBadRequest, Title: "Invalid policy"}
	ErrUnknownResource = problem.Descriptor{Code: "RR-00005", Status: http.StatusBadRequest, Title: "Unknown resource"}
)

// Normalise fills defaults and checks a resource body, as the registry's
// writes do; errors are ErrInvalidResource problems whose detail says why.
func Normalise(r *Resource) error {
	r.Identifier = strings.TrimSpace(r.Identifier)
	if r.Identifier == "" || !idPattern.MatchString(r.Identifier) {
		return ErrInvalidResource.WithDetail("identifier %q: required, letters, digits, '-' and '_' only", r.Identifier)
	}
	if r.ResourceType == "" {
		r.ResourceType = TypeDefault
	}
	i := slices.IndexFunc(ResourceTypes, func(t string) bool { return strings.EqualFold(t, r.ResourceType) })
	if i < 0 {
		return ErrInvalidResource.WithDetail("resourceType %q is not one of %s", r.ResourceType, strings.Join(ResourceTypes, ", "))
	}
	r.ResourceType = ResourceTypes[i]
	if len(r.Title) == 0 {
		return ErrInvalidResource.WithDetail("title is required (nb, nn, en)")
	}
	switch {
	case r.AccessListMode == "", strings.EqualFold(r.AccessListMode, "Disabled"):
		r.AccessListMode = "Disabled"
	case strings.EqualFold(r.AccessListMode, "Enabled"):
		r.AccessListMode = "Enabled"
	default:
		return ErrInvalidResource.WithDetail("accessListMode %q is not Disabled or Enabled", r.AccessListMode)
	}
	if r.Description == nil {
		r.Description = map[string]string{}
	}
	return nil
}

// NewResource returns a resource with the registry's defaults (delegable
// and visible) to decode a request body into.
func NewResource() Resource { return Resource{Delegable: true, Visible: true} }

// CreateResource registers a new resource owned by its competent authority
// (the writer's org when the body names none).
func (s *Service) CreateResource(ctx context.Context, w Writer, r Resource) (Resource, error) {
	if err := Normalise(&r); err != nil {
		return r, err
	}
	if r.HasCompetentAuthority == nil || r.HasCompetentAuthority.Organization == "" {
		if w.OrgNo == "" {
			return r, ErrInvalidResource.WithDetail("hasCompetentAuthority.organization is required")
		}
		if r.HasCompetentAuthority == nil {
			r.HasCompetentAuthority = &CompetentAuthority{}
		}
		r.HasCompetentAuthority.Organization = w.OrgNo
	}
	if !w.may(r.HasCompetentAuthority.Organization) {
		return r, ErrForbidden.WithDetail("organisation %s may not create resources owned by %s", w.OrgNo, r.HasCompetentAuthority.Organization)
	}
	r.VersionID = 1
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		if err := insertResource(ctx, q, r); err != nil {
			return err
		}
		if err := bumpChange(ctx, q, r.Identifier, s.now(), false); err != nil {
			return err
		}
		return db.Invalidate(ctx, q, "resource:"+r.Identifier)
	})
	if errors.Is(err, dberr.ErrConflict) {
		return r, ErrResourceExists.WithDetail("The Resource already exist: %s", r.Identifier)
	}
	return r, err
}

// UpdateResource replaces a resource. The row lock serialises concurrent
// updates of one resource.
func (s *Service) UpdateResource(ctx context.Context, w Writer, id string, r Resource) (Resource, error) {
	if r.Identifier != id {
		return r, ErrInvalidResource.WithDetail("Id in path does not match ID in resource")
	}
	if err := Normalise(&r); err != nil {
		return r, err
	}
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		if err := lockResource(ctx, q, id); err != nil {
			return err
		}
		cur, err := getResource(ctx, q, id)
		if err != nil {
			return err
		}
		owner := ""
		if cur.HasCompetentAuthority != nil {
			owner = cur.HasCompetentAuthority.Organization
		}
		if r.HasCompetentAuthority == nil {
			r.HasCompetentAuthority = cur.HasCompetentAuthority
		}
		newOwner := ""
		if r.HasCompetentAuthority != nil {
			newOwner = r.HasCompetentAuthority.Organization
		}
		if !w.may(owner) || !w.may(newOwner) {
			return ErrForbidden.WithDetail("organisation %s does not own resource %s", w.OrgNo, id)
		}
		v, err := updateResource(ctx, q, r)
		if err != nil {
			return err
		}
		r.VersionID = v
		if err := bumpChange(ctx, q, id, s.now(), false); err != nil {
			return err
		}
		return db.Invalidate(ctx, q, "resource:"+id)
	})
	return r, err
}

// DeleteResource removes a resource and its policy.
func (s *Service) DeleteResource(ctx context.Context, w Writer, id string) error {
	return db.InTx(ctx, s.pool, func(q db.Querier) error {
		if err := lockResource(ctx, q, id); err != nil {
			return err
		}
		cur, err := getResource(ctx, q, id)
		if err != nil {
			return err
		}
		if cur.HasCompetentAuthority != nil && !w.may(cur.HasCompetentAuthority.Organization) {
			return ErrForbidden.WithDetail("organisation %s does not own resource %s", w.OrgNo, id)
		}
		if err := deleteResource(ctx, q, id); err != nil {
			return err
		}
		// The pairs go away with the resource, so /updated tells its
		// readers (the registry leaves them as they were).
		if err := syncSubjects(ctx, q, id, nil, s.now()); err != nil {
			return err
		}
		if err := db.Invalidate(ctx, q, "resource:"+id); err != nil {
			return err
		}
		return db.Invalidate(ctx, q, "policy:"+id)
	})
}

// Policy returns a resource's policy (dberr.ErrNotFound when the resource has
// none).
func (s *Service) Policy(ctx context.Context, resourceID string) (Policy, error) {
	return getPolicy(ctx, s.pool, resourceID)
}

// ReplacePolicy stores p as the whole policy of its resource, after
// checking that every rule has a subject, a resource and an action.
func (s *Service) ReplacePolicy(ctx context.Context, w Writer, p Policy) error {
	if err := validatePolicy(&p); err != nil {
		return err
	}
	return db.InTx(ctx, s.pool, func(q db.Querier) error {
		if err := lockResource(ctx, q, p.ResourceID); err != nil {
			if errors.Is(err, dberr.ErrNotFound) {
				return ErrUnknownResource.WithDetail("Unknown resource")
			}
			return err
		}
		cur, err := getResource(ctx, q, p.ResourceID)
		if err != nil {
			return err
		}
		if cur.HasCompetentAuthority != nil && !w.may(cur.HasCompetentAuthority.Organization) {
			return ErrForbidden.WithDetail("organisation %s does not own resource %s", w.OrgNo, p.ResourceID)
		}
		if err := replacePolicy(ctx, q, p); err != nil {
			return err
		}
		now := s.now()
		if err := syncSubjects(ctx, q, p.ResourceID, PolicySubjects(p), now); err != nil {
			return err
		}
		if err := bumpChange(ctx, q, p.ResourceID, now, true); err != nil {
			return err
		}
		return db.Invalidate(ctx, q, "policy:"+p.ResourceID)
	})
}

func validatePolicy(p *Policy) error {
	if p.PolicyID == "" {
		p.PolicyID = "urn:altinn:resource:" + p.ResourceID + ":policy"
	}
	if p.MinAuthLevel < 0 || p.MinAuthLevel > 4 {
		return ErrInvalidPolicy.WithDetail("minimum authentication level %d is not 0-4", p.MinAuthLevel)
	}
	if len(p.Rules) == 0 {
		return ErrInvalidPolicy.WithDetail("the policy has no rules")
	}
	for i := range p.Rules {
		r := &p.Rules[i]
		if r.RuleID == "" {
			r.RuleID = fmt.Sprintf("urn:altinn:resource:%s:ruleid:%d", p.ResourceID, i+1)
		}
		switch {
		case r.Effect == "", strings.EqualFold(r.Effect, EffectPermit):
			r.Effect = EffectPermit
		case strings.EqualFold(r.Effect, EffectDeny):
			r.Effect = EffectDeny
		default:
			return ErrInvalidPolicy.WithDetail("rule %s: effect %q is not Permit or Deny", r.RuleID, r.Effect)
		}
		if len(r.Subjects) == 0 {
			return ErrInvalidPolicy.WithDetail("rule %s has no subject", r.RuleID)
		}
		for j, sub := range r.Subjects {
			n, err := normaliseSubject(sub)
			if err != nil {
				return ErrInvalidPolicy.WithDetail("rule %s: %v", r.RuleID, err)
			}
			r.Subjects[j] = n
		}
		if len(r.Resources) == 0 {
			return ErrInvalidPolicy.WithDetail("rule %s has no resource", r.RuleID)
		}
		for _, all := range r.Resources {
			if len(all) == 0 {
				return ErrInvalidPolicy.WithDetail("rule %s has an empty resource match", r.RuleID)
			}
			for _, m := range all {
				if m.ID == "" || m.Value == "" {
					return ErrInvalidPolicy.WithDetail("rule %s has a resource match without id or value", r.RuleID)
				}
			}
		}
		if len(r.Actions) == 0 {
			return ErrInvalidPolicy.WithDetail("rule %s has no action", r.RuleID)
		}
		for _, anyOf := range r.Target {
			for _, all := range anyOf {
				for _, m := range all {
					if m.Category != catSubject && m.Category != catResource && m.Category != catAction {
						return ErrInvalidPolicy.WithDetail("rule %s: unknown attribute category %q", r.RuleID, m.Category)
					}
					if m.AttributeID == "" || m.Value == "" {
						return ErrInvalidPolicy.WithDetail("rule %s has a target match without attribute id or value", r.RuleID)
					}
				}
			}
		}
	}
	return nil
}

// subjectAttrs are the subject attribute ids a stored rule may use: every
// one the platform's own policies (Authorization's and the Resource
// Registry's test data) name as a subject. The real registry stores any
// attribute; ours must split a stored "attribute:value" URN again, so it
// knows them by name.
var subjectAttrs = []string{AttrRoleCode, AttrAccessPackage, AttrExternalRole, AttrSystemUser,
	"urn:altinn:userid", "urn:altinn:partyid", "urn:altinn:party:uuid", "urn:altinn:org",
	"urn:altinn:organization:identifier-no", "urn:altinn:organizationnumber", "urn:altinn:organization:uuid",
	"urn:altinn:person:identifier-no", "urn:altinn:person:uuid", "urn:altinn:enterpriseuser:uuid",
	"urn:altinn:resource:delegation", "urn:altinn:apiscope", "urn:digitaltdodsbo:rolecode",
	"urn:altinn:role", "urn:altinn:partytype", "urn:altinn:access-list"}

// SplitSubject splits a subject URN into its attribute id and value, e.g.
// "urn:altinn:rolecode:dagl" → ("urn:altinn:rolecode", "dagl").
func SplitSubject(urn string) (attr, value string, ok bool) {
	for _, a := range subjectAttrs {
		if v, found := strings.CutPrefix(urn, a+":"); found && v != "" {
			// The longest attribute id wins (urn:altinn:role vs urn:altinn:rolecode).
			if len(a) > len(attr) {
				attr, value, ok = a, v, true
			}
		}
	}
	return attr, value, ok
}

func normaliseSubject(urn string) (string, error) {
	attr, v, ok := SplitSubject(strings.TrimSpace(urn))
	if !ok {
		return "", fmt.Errorf("subject %q is not a known subject attribute (%s)", urn, strings.Join(subjectAttrs, ", "))
	}
	if attr == AttrRoleCode {
		v = strings.ToLower(v)
	}
	return attr + ":" + v, nil
}

// Package returns an access package by URN (dberr.ErrNotFound when unknown).
// The bare code ("regnskapsforer-lonn") is accepted too, as the platform's
// catalogue lookup does.
func (s *Service) Package(ctx context.Context, urn string) (AccessPackage, error) {
	if i, ok := s.cat.byURN[urn]; ok {
		return s.cat.packages[i], nil
	}
	if !strings.Contains(urn, ":") {
		if i, ok := s.cat.byURN[AttrAccessPackage+":"+urn]; ok {
			return s.cat.packages[i], nil
		}
	}
	return AccessPackage{}, fmt.Errorf("access package %q: %w", urn, dberr.ErrNotFound)
}

// PackageByID returns an access package by its id.
func (s *Service) PackageByID(ctx context.Context, id uuid.UUID) (AccessPackage, error) {
	if i, ok := s.cat.byID[id]; ok {
		return s.cat.packages[i], nil
	}
	return AccessPackage{}, fmt.Errorf("access package %s: %w", id, dberr.ErrNotFound)
}

// Packages lists the whole catalogue, ordered by URN.
func (s *Service) Packages(ctx context.Context) ([]AccessPackage, error) {
	return slices.Clone(s.cat.packages), nil
}

// Areas lists the access-package areas, ordered by name.
func (s *Service) Areas(ctx context.Context) ([]Area, error) { return slices.Clone(s.cat.areas), nil }

// AreaGroups lists the area groups, ordered by name.
func (s *Service) AreaGroups(ctx context.Context) ([]AreaGroup, error) {
	return slices.Clone(s.cat.groups), nil
}

// ccrNames maps the ER roles' long names (urn:altinn:external-role:ccr:<name>)
// to the legacy codes the catalogue is keyed by.
var ccrNames = map[string]string{
	"daglig-leder": "DAGL", "styreleder": "LEDE", "innehaver": "INNH", "deltaker-fullt-ansvar": "DTSO",
	"deltaker-delt-ansvar": "DTPR", "komplementar": "KOMP", "bestyrende-reder": "BEST", "bostyrer": "BOBE",
	"regnskapsforer": "REGN", "revisor": "REVI", "forretningsforer": "FFØR", "kontaktperson-nuf": "KNUF",
	"norsk-representant": "REPR", "hovedadministrator": "HADM", "privatperson": "PRIV",
}

// RoleURN is the URN Access Management names an ER role by
// (urn:altinn:external-role:ccr:regnskapsforer for REGN); a code without a
// long name keeps its code, lower-cased.
func RoleURN(roleCode string) string {
	code := NormaliseRole(roleCode)
	for name, c := range ccrNames {
		if c == code {
			return AttrExternalRole + ":" + name
		}
	}
	return AttrExternalRole + ":" + strings.ToLower(code)
}

// NormaliseRole turns any spelling of an ER role into its legacy code:
// "regn", "REGN", "urn:altinn:rolecode:regn",
// "urn:altinn:external-role:ccr:regnskapsforer" → "REGN"; "FFOR" → "FFØR".
func NormaliseRole(role string) string {
	role = strings.TrimSpace(role)
	if v, ok := strings.CutPrefix(role, AttrExternalRole+":"); ok {
		if c, ok := ccrNames[strings.ToLower(v)]; ok {
			return c
		}
		return strings.ToUpper(v)
	}
	if v, ok := strings.CutPrefix(strings.ToLower(role), AttrRoleCode+":"); ok {
		role = v
	}
	if v, ok := strings.CutPrefix(strings.ToLower(role), "urn:altinn:role:"); ok {
		role = v
	}
	if c, ok := ccrNames[strings.ToLower(role)]; ok {
		return c
	}
	role = strings.ToUpper(role)
	if role == "FFOR" {
		role = "FFØR"
	}
	return role
}

// PackagesForRole returns the URNs of the packages a holder of the ER role
// holds (HasAccess) for any kind of organisation. Mappings that apply only
// to one organisation form (FFØR's packages for NUF/ESEK/BRL) are left out;
// PackagesForRoleAt includes them.
func (s *Service) PackagesForRole(roleCode string) []string {
	return s.PackagesForRoleAt(roleCode, "")
}

// PackagesForRoleAt is PackagesForRole for a role registered on an
// organisation of the given form (e.g. "NUF", "ESEK", "BRL", "AS").
func (s *Service) PackagesForRoleAt(roleCode, orgForm string) []string {
	role := NormaliseRole(roleCode)
	out := []string{}
	for _, rp := range s.cat.roles[role] {
		if !rp.HasAccess {
			continue
		}
		if rp.EntityVariant != "" && !strings.EqualFold(rp.EntityVariant, orgForm) {
			continue
		}
		// The rows come in URN order, so a package listed for several
		// variants repeats the one before.
		if len(out) == 0 || out[len(out)-1] != rp.PackageURN {
			out = append(out, rp.PackageURN)
		}
	}
	return out
}

// RolePackages lists the raw role → package mapping for a role.
func (s *Service) RolePackages(roleCode string) []RolePackage {
	role := NormaliseRole(roleCode)
	return slices.Clone(s.cat.roles[role])
}
