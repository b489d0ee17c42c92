package onboarding

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/i18n"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/pageset"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// home is where the pages start: the organisations the person may act for.
const home = "/selvbetjening/"

// maxForm bounds a form's body (a key upload is a few kilobytes).
const maxForm = 64 << 10

// Routes are the pages. Every page carries the portal's security headers
// and loads the portal's session itself (Session guard); a page that needs
// a login sends the visitor to the portal's, which brings them back.
func (s *Service) Routes() []route.Route {
	const tag = "Maskinporten onboarding (HTML)"
	page := func(method, path string, h func(w http.ResponseWriter, r *http.Request) error, ok int, summary string, q ...route.Param) route.Route {
		rt := route.Route{Method: method, Path: path, Guard: route.Session, Handler: securityHeaders(s.handle(h)), Tag: tag, Summary: summary, OK: ok}
		if method == http.MethodPost {
			rt.Body = "form"
		} else {
			rt.Query = append(q, route.Q("lang", "nb, nn or en (kept in a cookie)"), route.Q("msg", "a message to show, set by the redirect after a form"))
		}
		return rt
	}
	return []route.Route{
		{Method: "GET", Path: "/selvbetjening", Handler: securityHeaders(http.RedirectHandler(home, http.StatusMovedPermanently)),
			Tag: tag, Summary: "Redirects to /selvbetjening/", OK: http.StatusMovedPermanently},
		page("GET", home, s.orgsPage, http.StatusOK, "Pick the organisation to act for"),
		page("GET", "/selvbetjening/org/{orgNo}/integrations", s.integrationsPage, http.StatusOK, "The organisation's Maskinporten integrations"),
		page("GET", "/selvbetjening/org/{orgNo}/integrations/new", s.newPage, http.StatusOK, "Create an integration: search scopes, choose, describe",
			route.Q("q", "search the scopes the organisation may use"), route.Q("scope", "a chosen scope (repeated)")),
		page("POST", "/selvbetjening/org/{orgNo}/integrations", s.create, http.StatusCreated,
			"Create the integration (csrf, name, description, scope…): the answer offers the new private key once"),
		page("GET", "/selvbetjening/org/{orgNo}/integrations/{clientID}", s.integrationPage, http.StatusOK, "An integration: scopes and keys"),
		page("POST", "/selvbetjening/org/{orgNo}/integrations/{clientID}/keys", s.uploadKey, http.StatusSeeOther,
			"Add or replace keys with an uploaded public key (csrf, key or file, mode=add|replace)"),
		page("POST", "/selvbetjening/org/{orgNo}/integrations/{clientID}/keys/generate", s.generateKey, http.StatusOK,
			"Add or replace keys with a new key pair (csrf, mode=add|replace): the answer offers the private key once"),
		page("POST", "/selvbetjening/org/{orgNo}/integrations/{clientID}/delete", s.deleteIntegration, http.StatusSeeOther, "Delete the integration (csrf, confirm=yes)"),
	}
}

// Owns reports whether path is the pages', where a path no route has gets
// the pages' own 404 instead of a ProblemDetails.
func Owns(path string) bool { return path == "/selvbetjening" || strings.HasPrefix(path, home) }

// NotFound is the page for a path under /selvbetjening/ no route has.
func (s *Service) NotFound() http.Handler {
	return securityHeaders(s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return pageset.Errorf(http.StatusNotFound, "error.notFound")
	}))
}

// securityHeaders keeps the pages out of frames and scripts out of them,
// as the portal's, and sends no referrer from a page that holds a key.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// reqCtx is what every handler knows about the browser.
type reqCtx struct {
	lang   string
	csrf   string
	person *parties.Person
}

type ctxKey struct{}

func rcOf(r *http.Request) *reqCtx { return r.Context().Value(ctxKey{}).(*reqCtx) }

// handle loads the language and the portal's session, runs h and renders
// the error page for whatever error comes back.
func (s *Service) handle(h func(w http.ResponseWriter, r *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rc := &reqCtx{lang: pickLang(w, r, s.d.SecureCookies)}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, rc))
		err := s.loadVisitor(r, rc)
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			s.writeError(w, r, rc, err)
		}
	}
}

func (s *Service) loadVisitor(r *http.Request, rc *reqCtx) error {
	pid, csrf, err := s.d.Sessions.Visitor(r)
	if err != nil || pid == "" {
		return err
	}
	p, err := s.d.Parties.Person(r.Context(), pid)
	if problem.From(err).Status == http.StatusNotFound {
		return nil // the person is gone: logged out
	}
	if err != nil {
		return err
	}
	rc.person, rc.csrf = &p, csrf
	return nil
}

// pickLang is the page's language; a ?lang= choice is remembered in the
// cookie the portal and ID-porten read too.
func pickLang(w http.ResponseWriter, r *http.Request, secure bool) string {
	if l := i18n.Norm(r.URL.Query().Get("lang")); l != "" {
		http.SetCookie(w, &http.Cookie{Name: i18n.Cookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	}
	return i18n.FromRequest(r)
}

func seeOther(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// login sends a visitor who is not logged in to the portal's login, which
// brings them back: to this page for a GET, to the start after a form.
func login(w http.ResponseWriter, r *http.Request) error {
	next := home
	if r.Method == http.MethodGet {
		next = r.URL.RequestURI()
	}
	return seeOther(w, r, "/portal/login?next="+url.QueryEscape(next))
}

// parseForm reads a form (urlencoded, or multipart for a key file) within
// maxForm and checks its CSRF token against the session's, as the
// portal's forms do.
func (s *Service) parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(maxForm)
	} else {
		err = r.ParseForm()
	}
	if err != nil || !problem.FormStorable(r.PostForm) {
		return pageset.Errorf(http.StatusBadRequest, "error.badForm")
	}
	rc := rcOf(r)
	form := r.PostForm.Get("csrf")
	if rc.csrf == "" || form == "" || subtle.ConstantTimeCompare([]byte(rc.csrf), []byte(form)) != 1 {
		return pageset.Errorf(http.StatusForbidden, "csrf.invalid")
	}
	return nil
}

// org is the organisation in the path, which the person must be allowed
// to act for (the portal's rule: parties.CanManage, the roles that may
// approve a system user). ok=false means a page was sent (the login).
func (s *Service) org(w http.ResponseWriter, r *http.Request) (org parties.Organization, ok bool, err error) {
	rc := rcOf(r)
	if rc.person == nil {
		return org, false, login(w, r)
	}
	orgNo := chi.URLParam(r, "orgNo")
	org, err = s.d.Parties.Org(r.Context(), orgNo)
	if problem.From(err).Status == http.StatusNotFound {
		return org, false, pageset.Errorf(http.StatusNotFound, "error.noOrg")
	}
	if err != nil {
		return org, false, err
	}
	can, err := s.d.Parties.CanManage(r.Context(), rc.person.PID, orgNo)
	if err != nil {
		return org, false, err
	}
	if !can {
		return org, false, pageset.Errorf(http.StatusForbidden, "refused.org", rc.person.Name, org.Name, org.OrgNo)
	}
	return org, true, nil
}

// --- organisations ---

type orgRow struct{ OrgNo, Name string }

type orgsPage struct {
	basePage
	Orgs []orgRow
}

func (s *Service) orgsPage(w http.ResponseWriter, r *http.Request) error {
	rc, ctx := rcOf(r), r.Context()
	if rc.person == nil {
		return login(w, r)
	}
	roles, err := s.d.Parties.RolesOfPerson(ctx, rc.person.PID)
	if err != nil {
		return err
	}
	p := orgsPage{basePage: s.base(r, rc, tr(rc.lang, "orgs.title"))}
	seen := map[string]bool{}
	for _, ro := range roles {
		if seen[ro.OrgNo] {
			continue
		}
		seen[ro.OrgNo] = true
		can, err := s.d.Parties.CanManage(ctx, rc.person.PID, ro.OrgNo)
		if err != nil {
			return err
		}
		if !can {
			continue
		}
		row := orgRow{OrgNo: ro.OrgNo, Name: ro.OrgNo}
		if org, err := s.d.Parties.Org(ctx, ro.OrgNo); err == nil {
			row.Name = org.Name
		}
		p.Orgs = append(p.Orgs, row)
	}
	sort.Slice(p.Orgs, func(i, j int) bool { return p.Orgs[i].Name < p.Orgs[j].Name })
	s.render(w, r, http.StatusOK, "orgs", p)
	return nil
}

// --- integrations ---

type integrationRow struct {
	ClientID    string
	Name        string
	Description string
	Scopes      []string
	Keys        int
	Created     string
}

type integrationsPage struct {
	basePage
	OrgNo, OrgName string
	Integrations   []integrationRow
}

func (s *Service) integrationsPage(w http.ResponseWriter, r *http.Request) error {
	org, ok, err := s.org(w, r)
	if !ok || err != nil {
		return err
	}
	rc := rcOf(r)
	cs, err := s.d.Clients.OrgClients(r.Context(), org.OrgNo)
	if err != nil {
		return err
	}
	p := integrationsPage{basePage: s.base(r, rc, tr(rc.lang, "integrations.title", org.Name)), OrgNo: org.OrgNo, OrgName: org.Name}
	for _, c := range cs {
		if c.IntegrationType != mpclient.IntegrationMaskinporten {
			continue // ID-porten integrations are not Maskinporten's pages'
		}
		p.Integrations = append(p.Integrations, integrationRow{ClientID: c.ClientID, Name: c.Name, Description: c.Description,
			Scopes: c.Scopes, Keys: len(c.JWKS.Keys), Created: formatDate(rc.lang, c.Created)})
	}
	s.render(w, r, http.StatusOK, "integrations", p)
	return nil
}

// --- a new integration ---

// scopeOption is one scope the organisation may put on an integration.
type scopeOption struct {
	Name        string
	Description string
	Chosen      bool
	// AddURL and RemoveURL are this page with the scope added or removed.
	AddURL, RemoveURL string
}

type newPage struct {
	basePage
	OrgNo, OrgName string
	Query          string
	// Found is what the search finds among the scopes the organisation
	// may use; Chosen what the integration will carry.
	Found        []scopeOption
	Chosen       []scopeOption
	Name         string
	Description  string
	Errors       []string
	SearchAction string
	CreateAction string
}

// usableScopes are the scopes org may put on a Maskinporten client, with
// their descriptions where the register shows them: its own, those
// granted to it and those open to all, each then asked of the rule
// (Refused) so the page never offers what creating would refuse.
func (s *Service) usableScopes(ctx context.Context, org string) ([]scopeOption, error) {
	desc := map[string]string{}
	var names []string
	add := func(name, d string) {
		if _, ok := desc[name]; !ok {
			names = append(names, name)
		}
		if d != "" || desc[name] == "" {
			desc[name] = d
		}
	}
	own, err := s.d.Scopes.OwnScopes(ctx, org, false)
	if err != nil {
		return nil, err
	}
	for _, sc := range own {
		add(sc.Name, sc.Description)
	}
	public, err := s.d.Scopes.PublicScopes(ctx)
	if err != nil {
		return nil, err
	}
	publicDesc := map[string]string{}
	for _, sc := range public {
		publicDesc[sc.Name] = sc.Description
	}
	access, err := s.d.Scopes.ConsumerAccess(ctx, org, true)
	if err != nil {
		return nil, err
	}
	for _, a := range access {
		add(a.Scope, publicDesc[a.Scope])
	}
	refused, err := s.d.Scopes.Refused(ctx, org, names)
	if err != nil {
		return nil, err
	}
	out := make([]scopeOption, 0, len(names))
	for _, n := range names {
		if _, no := refused[n]; !no {
			out = append(out, scopeOption{Name: n, Description: desc[n]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// matchScope says whether a search text finds the scope, by name or
// description, ignoring case.
func matchScope(sc scopeOption, q string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	return q == "" || strings.Contains(strings.ToLower(sc.Name), q) || strings.Contains(strings.ToLower(sc.Description), q)
}

// chosenScopes reads the repeated scope values, each once, in order.
func chosenScopes(vals []string) []string {
	var out []string
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func (s *Service) buildNewPage(r *http.Request, org parties.Organization, q string, chosen []string) (newPage, error) {
	rc := rcOf(r)
	base := "/selvbetjening/org/" + org.OrgNo + "/integrations"
	p := newPage{basePage: s.base(r, rc, tr(rc.lang, "new.title")), OrgNo: org.OrgNo, OrgName: org.Name,
		Query: q, SearchAction: base + "/new", CreateAction: base}
	usable, err := s.usableScopes(r.Context(), org.OrgNo)
	if err != nil {
		return p, err
	}
	link := func(scopes []string) string {
		v := url.Values{}
		if q != "" {
			v.Set("q", q)
		}
		v["scope"] = scopes
		return p.SearchAction + "?" + v.Encode()
	}
	desc := map[string]string{}
	for _, sc := range usable {
		desc[sc.Name] = sc.Description
	}
	for _, name := range chosen {
		rest := slices.DeleteFunc(slices.Clone(chosen), func(c string) bool { return c == name })
		p.Chosen = append(p.Chosen, scopeOption{Name: name, Description: desc[name], Chosen: true, RemoveURL: link(rest)})
	}
	for _, sc := range usable {
		if !matchScope(sc, q) {
			continue
		}
		sc.Chosen = slices.Contains(chosen, sc.Name)
		if !sc.Chosen {
			sc.AddURL = link(append(slices.Clone(chosen), sc.Name))
		}
		p.Found = append(p.Found, sc)
	}
	return p, nil
}

func (s *Service) newPage(w http.ResponseWriter, r *http.Request) error {
	org, ok, err := s.org(w, r)
	if !ok || err != nil {
		return err
	}
	q := r.URL.Query()
	p, err := s.buildNewPage(r, org, strings.TrimSpace(q.Get("q")), chosenScopes(q["scope"]))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "new", p)
	return nil
}

// keysPage is the answer that holds a new private key: offered here for
// download, and nowhere else, ever.
type keysPage struct {
	basePage
	OrgNo, OrgName string
	ClientID       string
	Name           string
	Scopes         []string
	KID            string
	PEM            string
	PEMURL, JWKURL template.URL
	Created        bool
}

func (s *Service) renderKeys(w http.ResponseWriter, r *http.Request, status int, org parties.Organization, c mpclient.Client, pair newPair, created bool) {
	rc := rcOf(r)
	title := "keys.titleNew"
	if created {
		title = "keys.titleCreated"
	}
	s.render(w, r, status, "keys", keysPage{basePage: s.base(r, rc, tr(rc.lang, title)), OrgNo: org.OrgNo, OrgName: org.Name,
		ClientID: c.ClientID, Name: c.Name, Scopes: c.Scopes, KID: pair.KID, PEM: string(pair.PEM),
		PEMURL: dataURL("application/x-pem-file", pair.PEM), JWKURL: dataURL("application/json", pair.JWK), Created: created})
}

// validationTexts is a refused form's reasons, as the register gives them.
func validationTexts(err error) ([]string, bool) {
	var p *problem.Problem
	if !errors.As(err, &p) || p.Status != http.StatusBadRequest {
		return nil, false
	}
	var out []string
	for _, v := range p.ValidationErrors {
		t := v.Title
		if v.Detail != "" {
			t += " " + v.Detail
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		out = append(out, strings.TrimSpace(p.Title+" "+p.Detail))
	}
	return out, true
}

func (s *Service) create(w http.ResponseWriter, r *http.Request) error {
	if rcOf(r).person == nil {
		return login(w, r)
	}
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	org, ok, err := s.org(w, r)
	if !ok || err != nil {
		return err
	}
	f := r.PostForm
	in := mpclient.Registration{IntegrationType: mpclient.IntegrationMaskinporten,
		ClientName: strings.TrimSpace(f.Get("name")), Description: strings.TrimSpace(f.Get("description")), Scopes: chosenScopes(f["scope"])}
	pair, err := generatePair()
	if err != nil {
		return err
	}
	c, err := s.d.Clients.RegisterWithKeys(r.Context(), org.OrgNo, in, pair.Public)
	if texts, bad := validationTexts(err); bad {
		p, perr := s.buildNewPage(r, org, "", in.Scopes)
		if perr != nil {
			return perr
		}
		p.Name, p.Description, p.Errors = in.ClientName, in.Description, texts
		s.render(w, r, http.StatusBadRequest, "new", p)
		return nil
	}
	if err != nil {
		return err
	}
	s.renderKeys(w, r, http.StatusCreated, org, c, pair, true)
	return nil
}

// --- one integration ---

type keyRow struct{ KID, Alg, Use string }

type integrationPage struct {
	basePage
	OrgNo, OrgName string
	integrationRow
	Updated string
	KeyRows []keyRow
	Errors  []string
	Base    string
}

// integration loads the Maskinporten client in the path, one of org's.
func (s *Service) integration(r *http.Request, org string) (mpclient.Client, error) {
	c, err := s.d.Clients.OrgClient(r.Context(), org, chi.URLParam(r, "clientID"))
	if err == nil && c.IntegrationType != mpclient.IntegrationMaskinporten {
		return c, pageset.Errorf(http.StatusNotFound, "error.noIntegration")
	}
	if problem.From(err).Status == http.StatusNotFound {
		return c, pageset.Errorf(http.StatusNotFound, "error.noIntegration")
	}
	return c, err
}

func (s *Service) renderIntegration(w http.ResponseWriter, r *http.Request, status int, org parties.Organization, c mpclient.Client, errs []string) {
	rc := rcOf(r)
	p := integrationPage{basePage: s.base(r, rc, c.Name), OrgNo: org.OrgNo, OrgName: org.Name,
		integrationRow: integrationRow{ClientID: c.ClientID, Name: c.Name, Description: c.Description, Scopes: c.Scopes,
			Keys: len(c.JWKS.Keys), Created: formatDate(rc.lang, c.Created)},
		Updated: formatDate(rc.lang, c.JWKSUpdated), Errors: errs,
		Base: "/selvbetjening/org/" + org.OrgNo + "/integrations/" + url.PathEscape(c.ClientID)}
	for _, raw := range mpclient.AsKeySet(c).Keys {
		var k struct{ Kid, Alg, Use string }
		_ = json.Unmarshal(raw, &k) // the register keeps only keys that parsed
		p.KeyRows = append(p.KeyRows, keyRow{KID: k.Kid, Alg: k.Alg, Use: k.Use})
	}
	s.render(w, r, status, "integration", p)
}

func (s *Service) integrationPage(w http.ResponseWriter, r *http.Request) error {
	org, ok, err := s.org(w, r)
	if !ok || err != nil {
		return err
	}
	c, err := s.integration(r, org.OrgNo)
	if err != nil {
		return err
	}
	s.renderIntegration(w, r, http.StatusOK, org, c, nil)
	return nil
}

// changeKeys runs the checks every key form shares, then sets the keys:
// added to the set, or in place of it (mode=replace).
func (s *Service) changeKeys(w http.ResponseWriter, r *http.Request, keys func() (mpclient.JWKS, error),
	done func(org parties.Organization, c mpclient.Client) error) error {
	if rcOf(r).person == nil {
		return login(w, r)
	}
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	org, ok, err := s.org(w, r)
	if !ok || err != nil {
		return err
	}
	c, err := s.integration(r, org.OrgNo)
	if err != nil {
		return err
	}
	set, err := keys()
	if err != nil {
		var pe *pageset.Error
		if errors.As(err, &pe) {
			s.renderIntegration(w, r, pe.Status, org, c, []string{tr(rcOf(r).lang, pe.Key, pe.Args...)})
			return nil
		}
		return err
	}
	var out mpclient.Client
	switch r.PostForm.Get("mode") {
	case "replace":
		out, err = s.d.Clients.ReplaceOrgKeys(r.Context(), org.OrgNo, c.ClientID, set)
	case "add", "":
		out, err = s.d.Clients.AddOrgKeys(r.Context(), org.OrgNo, c.ClientID, set)
	default:
		return pageset.Errorf(http.StatusBadRequest, "error.badForm")
	}
	if texts, bad := validationTexts(err); bad {
		s.renderIntegration(w, r, http.StatusBadRequest, org, c, texts)
		return nil
	}
	if err != nil {
		return err
	}
	return done(org, out)
}

func (s *Service) uploadKey(w http.ResponseWriter, r *http.Request) error {
	return s.changeKeys(w, r, func() (mpclient.JWKS, error) {
		data := []byte(r.PostForm.Get("key"))
		if r.MultipartForm != nil {
			if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 && fhs[0].Size > 0 {
				f, err := fhs[0].Open()
				if err != nil {
					return mpclient.JWKS{}, err
				}
				defer f.Close()
				if data, err = io.ReadAll(io.LimitReader(f, maxForm)); err != nil {
					return mpclient.JWKS{}, err
				}
			}
		}
		set, err := parsePublicKeys(data)
		switch {
		case errors.Is(err, errNoKey):
			return set, pageset.Errorf(http.StatusBadRequest, "keys.none")
		case errors.Is(err, errPrivateUpload):
			return set, pageset.Errorf(http.StatusBadRequest, "keys.private")
		case err != nil:
			return set, pageset.Errorf(http.StatusBadRequest, "keys.unreadable", err.Error())
		}
		return set, nil
	}, func(org parties.Organization, c mpclient.Client) error {
		msg := "keyAdded"
		if r.PostForm.Get("mode") == "replace" {
			msg = "keysReplaced"
		}
		return seeOther(w, r, "/selvbetjening/org/"+org.OrgNo+"/integrations/"+url.PathEscape(c.ClientID)+"?msg="+msg)
	})
}

func (s *Service) generateKey(w http.ResponseWriter, r *http.Request) error {
	var pair newPair
	return s.changeKeys(w, r, func() (mpclient.JWKS, error) {
		var err error
		pair, err = generatePair()
		return pair.Public, err
	}, func(org parties.Organization, c mpclient.Client) error {
		s.renderKeys(w, r, http.StatusOK, org, c, pair, false)
		return nil
	})
}

func (s *Service) deleteIntegration(w http.ResponseWriter, r *http.Request) error {
	if rcOf(r).person == nil {
		return login(w, r)
	}
	if err := s.parseForm(w, r); err != nil {
		return err
	}
	org, ok, err := s.org(w, r)
	if !ok || err != nil {
		return err
	}
	c, err := s.integration(r, org.OrgNo)
	if err != nil {
		return err
	}
	if r.PostForm.Get("confirm") != "yes" {
		s.renderIntegration(w, r, http.StatusBadRequest, org, c, []string{tr(rcOf(r).lang, "delete.unconfirmed")})
		return nil
	}
	if err := s.d.Clients.DeleteOrgClient(r.Context(), org.OrgNo, c.ClientID); err != nil {
		return err
	}
	return seeOther(w, r, "/selvbetjening/org/"+org.OrgNo+"/integrations?msg=deleted")
}
