package portal

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/i18n"
	"github.com/altinn-sim/altinn-sim/internal/pageset"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// WhyQuery names one right or package a system user holds, for a "Why?"
// link explaining the access decision.
type WhyQuery struct {
	SystemUserID string
	OrgNo        string
	ResourceID   string // for a right on a resource
	Action       string // the right's action, when it names one
	PackageURN   string // for an access package
}

// WhyLinker builds the URL of a page explaining why a system user has an
// access, or "" for none. The PDP plugs it in; without it no link shows.
type WhyLinker func(q WhyQuery) string

// Deps is what the portal is built from.
type Deps struct {
	Pool        *pgxpool.Pool // sessions
	Clock       clock.Clock
	Log         *slog.Logger
	Parties     Parties
	Requests    Requests    // nil: request pages answer 503
	SystemUsers SystemUsers // nil: system-user pages answer 503
	Systems     Systems     // optional: system names and vendors
	Catalogue   Catalogue   // optional: resource titles, package names
	Why         WhyLinker   // optional
	// APIDelegations, optional: the delegated-API-access page.
	APIDelegations APIDelegations
	// Login, when set, is ID-porten: /portal/login sends the browser
	// there and the callback makes the session. Without it the portal
	// shows its own test-person page.
	Login Login
	// Web holds templates/ and static/ (web.FS, or os.DirFS("web") in
	// dev mode).
	Web fs.FS
	// Dev re-reads templates on each request.
	Dev bool
	// SecureCookies sets the Secure flag on cookies (public URL is https).
	SecureCookies bool
}

// Service serves the portal pages.
type Service struct {
	parties        Parties
	requests       Requests
	systemUsers    SystemUsers
	systems        Systems
	catalogue      Catalogue
	why            WhyLinker
	idporten       Login
	apiDelegations APIDelegations
	log            *slog.Logger
	sessions       *sessions
	tmpl           *pageset.Set
	static         fs.FS
	secure         bool
}

// New builds the portal; it fails when a template is missing or broken.
func New(d Deps) (*Service, error) {
	if d.Pool == nil || d.Parties == nil || d.Web == nil {
		return nil, errors.New("portal: Pool, Parties and Web are required")
	}
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	ts, err := pageset.New(d.Web, "templates", pageNames, d.Dev)
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(d.Web, "static")
	if err != nil {
		return nil, fmt.Errorf("portal static files: %w", err)
	}
	if _, err := fs.Stat(static, "style.css"); err != nil {
		return nil, fmt.Errorf("portal static files: %w", err)
	}
	return &Service{
		parties:        d.Parties,
		requests:       d.Requests,
		systemUsers:    d.SystemUsers,
		systems:        d.Systems,
		catalogue:      d.Catalogue,
		why:            d.Why,
		idporten:       d.Login,
		apiDelegations: d.APIDelegations,
		log:            d.Log,
		sessions:       &sessions{pool: d.Pool, clock: d.Clock, secure: d.SecureCookies},
		tmpl:           ts,
		static:         static,
		secure:         d.SecureCookies,
	}, nil
}

// isNotFound and isConflict read a store's sentinel or a service's problem
// through problem.From, the one mapping of errors to statuses.
func isNotFound(err error) bool { return problem.From(err).Status == http.StatusNotFound }

func isConflict(err error) bool { return problem.From(err).Status == http.StatusConflict }

// systemView is what a page shows about a registered system.
type systemView struct {
	ID          string
	Name        string
	Description string
	VendorName  string
	VendorOrgNo string
}

// pickText takes the text in lang, else bokmål, else English, else any.
func pickText(m map[string]string, lang string) string {
	for _, l := range []string{lang, "nb", "en", "nn"} {
		if v := strings.TrimSpace(m[l]); v != "" {
			return v
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if m[k] != "" {
			return m[k]
		}
	}
	return ""
}

func (s *Service) systemView(ctx context.Context, lang, systemID string) (systemView, error) {
	v := systemView{ID: systemID, Name: systemID}
	if s.systems == nil {
		return v, nil
	}
	sys, err := s.systems.System(ctx, systemID)
	if isNotFound(err) {
		// A deleted system keeps its system users; show the id.
		return v, nil
	}
	if err != nil {
		return v, fmt.Errorf("system %s: %w", systemID, err)
	}
	if n := pickText(sys.Name, lang); n != "" {
		v.Name = n
	}
	v.Description = pickText(sys.Description, lang)
	v.VendorOrgNo = sys.Vendor
	v.VendorName = sys.Vendor
	if sys.Vendor != "" {
		org, err := s.parties.Org(ctx, sys.Vendor)
		if err != nil && !isNotFound(err) {
			return v, err
		}
		if err == nil {
			v.VendorName = org.Name
		}
	}
	return v, nil
}

// rightView is one right in plain words.
type rightView struct {
	Title       string
	Description string
	ID          string // the technical id, shown small
	WhyURL      string
}

// packageView is one access package in plain words.
type packageView struct {
	Name        string
	Description string
	URN         string
	WhyURL      string
}

const (
	attrResource = "urn:altinn:resource"
	attrOrg      = "urn:altinn:org"
	attrApp      = "urn:altinn:app"
)

func (s *Service) rightViews(ctx context.Context, lang string, rights []Right, why WhyQuery) ([]rightView, error) {
	out := make([]rightView, 0, len(rights))
	for _, r := range rights {
		attrs := map[string]string{}
		var parts []string
		for _, a := range r.Resource {
			attrs[strings.ToLower(a.ID)] = a.Value
			parts = append(parts, a.ID+"="+a.Value)
		}
		v := rightView{ID: strings.Join(parts, ", ")}
		switch {
		case attrs[attrResource] != "":
			id := attrs[attrResource]
			v.Title, v.ID = id, id
			if s.catalogue != nil {
				res, err := s.catalogue.Resource(ctx, id)
				if err != nil && !isNotFound(err) {
					return nil, fmt.Errorf("resource %s: %w", id, err)
				}
				if err == nil {
					if t := pickText(res.Title, lang); t != "" {
						v.Title = t
					}
					v.Description = pickText(res.Description, lang)
				}
			}
			if s.why != nil {
				q := why
				q.ResourceID, q.Action = id, r.Action
				v.WhyURL = s.why(q)
			}
		case attrs[attrOrg] != "" && attrs[attrApp] != "":
			v.Title = attrs[attrOrg] + "/" + attrs[attrApp]
			if lang == LangEN {
				v.Description = "Altinn app " + v.Title
			} else {
				v.Description = "Altinn-app " + v.Title
			}
		default:
			v.Title = v.ID
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *Service) packageViews(ctx context.Context, lang string, refs []AccessPackageRef, why WhyQuery) ([]packageView, error) {
	urns := make([]string, len(refs))
	for i, p := range refs {
		urns[i] = p.URN
	}
	return s.packageViewsURN(ctx, lang, urns, why)
}

func (s *Service) packageViewsURN(ctx context.Context, lang string, urns []string, why WhyQuery) ([]packageView, error) {
	out := make([]packageView, 0, len(urns))
	for _, urn := range urns {
		v := packageView{URN: urn, Name: urn}
		if s.catalogue != nil {
			p, err := s.catalogue.Package(ctx, urn)
			if err != nil && !isNotFound(err) {
				return nil, fmt.Errorf("access package %s: %w", urn, err)
			}
			if err == nil {
				// The catalogue's text in the page's language, bokmål
				// where it has none.
				v.Name = cmp.Or(i18n.Text{p.Name, p.NameNN, p.NameEN}.In(lang), p.Name, urn)
				v.Description = cmp.Or(i18n.Text{p.Description, p.DescriptionNN, p.DescriptionEN}.In(lang), p.Description)
			}
		}
		if s.why != nil {
			q := why
			q.PackageURN = urn
			v.WhyURL = s.why(q)
		}
		out = append(out, v)
	}
	return out, nil
}

// roleName is a role code in plain words.
func roleName(lang, code string) string {
	if _, ok := messages["role."+code]; ok {
		return tr(lang, "role."+code)
	}
	return code
}

// canManage says whether the person may act for the organisation.
func (s *Service) canManage(ctx context.Context, p *parties.Person, orgNo string) (bool, error) {
	if p == nil {
		return false, nil
	}
	ok, err := s.parties.CanManage(ctx, p.PID, orgNo)
	if err != nil {
		return false, fmt.Errorf("can %s manage %s: %w", p.PID, orgNo, err)
	}
	return ok, nil
}
