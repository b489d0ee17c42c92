// Package app wires altinn-sim together: config → database → migrations →
// services → router → http.Server, and runs it until a signal.
package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/accesslists"
	"github.com/altinn-sim/altinn-sim/internal/apidelegation"
	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/calllog"
	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/exchange"
	"github.com/altinn-sim/altinn-sim/internal/idporten"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/onboarding"
	"github.com/altinn-sim/altinn-sim/internal/openapi"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/pdp"
	"github.com/altinn-sim/altinn-sim/internal/portal"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/register"
	"github.com/altinn-sim/altinn-sim/internal/registry"
	"github.com/altinn-sim/altinn-sim/internal/requests"
	"github.com/altinn-sim/altinn-sim/internal/resources"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
	"github.com/altinn-sim/altinn-sim/internal/scopes"
	"github.com/altinn-sim/altinn-sim/internal/signing"
	"github.com/altinn-sim/altinn-sim/internal/sim"
	"github.com/altinn-sim/altinn-sim/internal/simpages"
	"github.com/altinn-sim/altinn-sim/internal/systemusers"
	"github.com/altinn-sim/altinn-sim/internal/testca"
	"github.com/altinn-sim/altinn-sim/web"
)

// App is a wired server: its services and its HTTP handler.
type App struct {
	Config  config.Config
	Pool    *pgxpool.Pool
	Clock   *clock.Offset
	Log     *slog.Logger
	Parties *parties.Service

	// Services, in dependency order. Each issue's package adds its own here
	// and builds it in wire().

	// Scopes is Maskinporten's scope register: owners, access, the rule
	// for which scopes a client may carry (issue 11).
	Scopes *scopes.Service
	// APIDelegation is delegated API access: API providers' delegation
	// schemes and consumers' delegations to suppliers, which /token asks
	// about consumer_org grants (issue 16).
	APIDelegation *apidelegation.Service
	// Register is Altinn Register's lookups of organisations and persons
	// over the parties (issue 16).
	Register *register.Service
	// Clients is Maskinporten's client register (control API and the
	// cached lookup grants use).
	Clients *mpclient.Service
	// Signing holds our signing keys (JWKS, rotation) and checks our
	// tokens; Verifier is it as every platform API sees it
	// (auth.Authenticate(a.Verifier)).
	Signing  *signing.Service
	Verifier auth.Verifier
	// Maskinporten is /token (grants, issue), its metadata and error
	// pages; Exchange is the Altinn token exchange, Altinn's OpenID
	// metadata and the control API's test tokens (issue 3).
	Maskinporten *maskinporten.Service
	Exchange     *exchange.Service
	// TestCA is the test CA for enterprise certificates (/token trusts
	// its chains; the control API issues them).
	TestCA *testca.Service
	// IDPorten is the OpenID Provider under /idporten: test persons log
	// in, the code flow with PKCE, tokens the exchange turns into Altinn
	// person tokens (issue 12).
	IDPorten *idporten.Service

	// Resources is the resource registry and access-package catalogue;
	// Registry is the system register (issue 4).
	Resources *resources.Service
	Registry  *registry.Service

	// AccessLists are the resource registry's access lists.
	AccessLists *accesslists.Service

	// PDP is the decision point: /authorization/api/v1/authorize and
	// /decision, and the "Why?" explanations (issue 6).
	PDP *pdp.Service

	// SystemUsers is system users, client delegations and Maskinporten's
	// byExternalId lookup; Requests is vendors' standard, agent and change
	// requests and their approval (issue 5).
	SystemUsers *systemusers.Service
	Requests    *requests.Service

	// Portal is the end-user pages: test login, the confirmUrl pages
	// (approve/reject), system users and clients under /portal/ (issue 5).
	Portal *portal.Service
	// Onboarding is Maskinporten's onboarding pages under /selvbetjening/:
	// a person who may act for an organisation manages its integrations
	// through the client register's self-service rules, logged in with
	// the portal's session (issue 11).
	Onboarding *onboarding.Service

	// Control is the emulator's own control API (clock, faults, reset);
	// Faults are applied to /token and the PDP (issue 7).
	Control *sim.Control
	Faults  *sim.Faults

	// Pages are the emulator's own browser pages under /sim/ (state,
	// call log, debugger).
	Pages *simpages.Service

	// Calls is this instance's log of the last /token and PDP calls (the
	// /sim/calls page), on the app's clock.
	Calls *calllog.Ring

	keygen  *signing.Keygen
	guard   *dbGuard
	handler http.Handler
	tables  [][]route.Route
	closers []func()
}

// Close stops background work the services started (listeners, caches).
func (a *App) Close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}

// New builds the services and router on an open, migrated pool.
func New(ctx context.Context, cfg config.Config, pool *pgxpool.Pool, log *slog.Logger, opts ...Option) (*App, error) {
	a := &App{
		Config:  cfg,
		Pool:    pool,
		Clock:   &clock.Offset{},
		Log:     log,
		Parties: parties.NewService(pool),
	}
	for _, o := range opts {
		o(a)
	}
	if err := a.wire(ctx); err != nil {
		a.Close() // listeners already started
		return nil, err
	}
	// The seed snapshot is what /sim/api/v1/reset returns to.
	if err := sim.EnsureSnapshot(ctx, pool); err != nil {
		a.Close()
		return nil, err
	}
	a.Faults = sim.NewFaults()
	a.Control = &sim.Control{Pool: pool, Clock: a.Clock, Faults: a.Faults, Log: log}
	a.guard = &dbGuard{pool: pool}
	gctx, stop := context.WithCancel(context.Background())
	go a.guard.watch(gctx, 500*time.Millisecond)
	a.closers = append(a.closers, stop)
	a.handler = a.routes()
	return a, nil
}

// An Option changes how New builds the app.
type Option func(*App)

// WithKeygen hands New signing keys made ahead (signing.StartKeygen) for a
// database that has none yet: a fresh start makes them while its
// database starts.
func WithKeygen(g *signing.Keygen) Option { return func(a *App) { a.keygen = g } }

// wire builds the domain services. Each package's service is built here by
// hand, in dependency order.
func (a *App) wire(ctx context.Context) error {
	// The call log /token and the PDP report to (through callRecorder).
	a.Calls = calllog.New(callLogSize, a.Clock.Now)
	rec := callRecorder{a.Calls}

	// The instance's one LISTEN connection; the caches below subscribe.
	listener := db.NewListener(a.Pool.Config().ConnConfig, a.Log)

	// signing: our signing keys, created on first start; it checks the
	// bearer tokens of every platform API.
	sgSet := signing.DefaultSettings(a.Config.PublicURL, a.Config.SigningAlg, a.Config.TokenLifetime)
	sgSet.RSASigner = a.Config.RSASigner
	sg, err := signing.New(ctx, signing.Deps{Pool: a.Pool, Clock: a.Clock, Log: a.Log, Keygen: a.keygen}, sgSet)
	if err != nil {
		return err
	}
	a.Signing = sg
	a.Verifier = sg
	// Keys rotated on any instance are reloaded here on notification.
	sg.Listen(listener)

	// scopes: who owns which scope and who may use it; its verdict cache
	// (what /token asks) is used while the listener is connected.
	a.Scopes = scopes.New(a.Pool, a.Clock)
	a.Scopes.Listen(listener)

	// resources and registry.
	res, err := resources.NewService(ctx, a.Pool)
	if err != nil {
		return err
	}
	a.Resources = res.WithClock(a.Clock)
	a.Registry = registry.NewService(a.Pool, a.Clock, a.Resources)
	// Delegated API access; Access Management's API over it resolves
	// resource ids in the resource registry (a MaskinportenSchema resource
	// is a scheme there).
	a.APIDelegation = apidelegation.New(a.Pool, a.Clock, a.Scopes, a.Parties, schemeResources{a.Resources})
	// Its client → system answers (what a system-user grant asks) are
	// cached while the listener is connected.
	a.Registry.Listen(listener)
	a.Register = register.New(a.Parties, a.Parties.Lenient).WithStore(a.Pool, a.Clock)
	// accesslists: service owners' lists of organisations on their
	// resources, over the party register and the resource registry.
	a.AccessLists = accesslists.New(a.Pool, a.Clock, accessListParties{a.Parties}, accesslists.NewOwners(accessListOwners{a.Resources}))
	a.AccessLists.SetVerifiers(a.Verifier, accessTokenIssuer{a.Signing})

	// mpclient: Maskinporten's clients, which may carry only the scopes
	// their organisation may use, and (on the control API) are deleted only
	// when no live system names them. The client cache is used while the
	// listener is connected.
	a.Clients = mpclient.New(a.Pool, a.Clock, a.Scopes, registrySystems{a.Registry})
	a.Clients.Listen(listener)

	// systemusers and requests.
	a.SystemUsers = systemusers.NewService(a.Pool, a.Clock, systemusers.RegistrySystems{R: a.Registry},
		systemusers.ResourcePackages{R: a.Resources}, a.Parties)
	// /token's system-user lookup is cached while the listener is connected.
	a.SystemUsers.Listen(listener)
	// Register v2 lists live system users as parties of their own.
	a.Register.WithSystemUsers(registerSystemUsers{a.SystemUsers})
	a.Requests = requests.NewService(a.Pool, a.Clock, a.SystemUsers, a.Parties, a.Config.PublicURL)

	// testca: the test CA for enterprise certificates, made on first
	// start and kept in the database like the signing keys.
	if a.TestCA, err = testca.New(ctx, a.Pool, a.Clock); err != nil {
		return err
	}

	// maskinporten and exchange: /token over the clients, the system
	// users (an adapter below), the test CA and the signing keys; the
	// exchange and test tokens over /token's minting.
	a.Maskinporten = maskinporten.New(maskinporten.Deps{
		CertRoots:   a.TestCA,
		Pool:        a.Pool,
		Clock:       a.Clock,
		Log:         a.Log,
		Signer:      a.Signing,
		Clients:     a.Clients,
		Scopes:      a.Scopes,
		SystemUsers: mpSystemUsers{a.SystemUsers},
		// consumer_org grants: the delegations consumers gave suppliers.
		APIDelegations: mpDelegations{a.APIDelegation},
		Recorder:       rec,
		// Grants may name any of the server's public URLs
		// (AcceptedAudiences; the first is the issuer).
		Limits: maskinporten.GrantLimits{ExtraAudiences: a.Config.AcceptedAudiences()[1:]},
	})
	a.Exchange = exchange.New(exchange.Deps{Clock: a.Clock, Log: a.Log, Signer: a.Signing, Maskinporten: a.Maskinporten, Persons: a.Parties})

	// idporten: the OpenID Provider, over the signing keys and the
	// persons its login page lists.
	idp, err := idporten.New(idporten.Deps{Pool: a.Pool, Clock: a.Clock, Log: a.Log, Signer: a.Signing, Persons: a.Parties,
		Integrations: idportenIntegrations{a.Clients},
		Web:          a.webFS(), Dev: a.Config.Dev, SecureCookies: strings.HasPrefix(a.Config.PublicURL, "https://")})
	if err != nil {
		return err
	}
	a.IDPorten = idp

	// pdp: decisions over resource policies, system users and persons'
	// client delegations as agents, cached in memory and invalidated by LISTEN/NOTIFY.
	a.PDP = pdp.New(pdp.FromResources(a.Resources), pdp.FromSystemUsers(a.SystemUsers), a.Parties, a.Resources, a.Log, pdp.WithRecorder(rec),
		pdp.WithAccessLists(pdpAccessLists{a.AccessLists}), pdp.WithPersonAgents(pdpPersonAgents{a.SystemUsers}))
	a.PDP.SetClock(a.Clock.Now)
	a.PDP.Listen(listener)
	// One LISTEN connection for every cache of this instance, started
	// once all have subscribed.
	a.closers = append(a.closers, listener.Start())

	// portal: the end-user pages over the services above.
	if err := a.wirePortal(portal.Deps{Login: a.IDPorten, Catalogue: a.Resources, Systems: a.Registry, Requests: a.Requests, SystemUsers: a.SystemUsers,
		APIDelegations: a.APIDelegation}); err != nil {
		return err
	}

	// onboarding: Maskinporten's onboarding pages, over the portal's
	// login, the client register and the scope register.
	ob, err := onboarding.New(onboarding.Deps{Sessions: a.Portal, Parties: a.Parties, Clients: a.Clients, Scopes: a.Scopes,
		Log: a.Log, Web: a.webFS(), Dev: a.Config.Dev, SecureCookies: strings.HasPrefix(a.Config.PublicURL, "https://")})
	if err != nil {
		return err
	}
	a.Onboarding = ob

	// simpages: the /sim/ pages over the same services and the call log.
	pages, err := simpages.New(simpages.Deps{Web: a.webFS(), Dev: a.Config.Dev, Log: a.Log, Clock: a.Clock,
		Clients: a.Clients, Systems: a.Registry, Requests: a.Requests, SystemUsers: a.SystemUsers, Calls: a.Calls,
		Grants: a.Maskinporten, Tokens: a.Signing})
	if err != nil {
		return err
	}
	a.Pages = pages
	return nil
}

// webFS is the templates and static files: the binary's, or ./web on disk
// in --dev mode so edits show at once.
func (a *App) webFS() fs.FS {
	if a.Config.Dev {
		if _, err := os.Stat("web/templates/base.tmpl"); err == nil {
			return os.DirFS("web")
		}
	}
	return web.FS
}

// wirePortal builds the portal on d's services. Templates come from the
// binary, or from ./web on disk in --dev mode so edits show at once.
func (a *App) wirePortal(d portal.Deps) error {
	d.Pool, d.Clock, d.Log, d.Parties = a.Pool, a.Clock, a.Log, a.Parties
	d.Web, d.Dev = a.webFS(), a.Config.Dev
	d.SecureCookies = strings.HasPrefix(a.Config.PublicURL, "https://")
	// "Why?" links on a system user's rights open the PDP's explanation.
	d.Why = func(q portal.WhyQuery) string {
		if q.SystemUserID == "" || q.ResourceID == "" {
			return ""
		}
		action := q.Action
		if action == "" {
			action = "read"
		}
		return pdp.WhyURL(q.SystemUserID, q.ResourceID, action, q.OrgNo)
	}
	p, err := portal.New(d)
	if err != nil {
		return err
	}
	a.Portal = p
	return nil
}

// mpDelegations is /token's question for a consumer_org grant over
// apidelegation, in maskinporten's own result type.
type mpDelegations struct{ s *apidelegation.Service }

func (d mpDelegations) Delegation(ctx context.Context, consumer, supplier, scope string) (maskinporten.DelegationVerdict, error) {
	v, err := d.s.Check(ctx, consumer, supplier, scope)
	return maskinporten.DelegationVerdict{DelegationSource: v.DelegationSource, Delegated: v.Delegated}, err
}

// schemeResources gives apidelegation the resource registry's resources
// in its own type: a MaskinportenSchema's scopes are its references of
// type MaskinportenScope, its owner the competent authority.
type schemeResources struct{ r *resources.Service }

func (s schemeResources) RegistryResource(ctx context.Context, id string) (apidelegation.RegistryResource, error) {
	res, err := s.r.Resource(ctx, id)
	if err != nil {
		return apidelegation.RegistryResource{}, err
	}
	out := apidelegation.RegistryResource{Identifier: res.Identifier, ResourceType: res.ResourceType, Delegable: res.Delegable}
	if res.HasCompetentAuthority != nil {
		out.OwnerOrgNo = res.HasCompetentAuthority.Organization
	}
	for _, lang := range []string{"nb", "en", "nn"} {
		if t := res.Title[lang]; t != "" {
			out.Title = t
			break
		}
	}
	for _, ref := range res.ResourceReferences {
		if ref.ReferenceType == "MaskinportenScope" && ref.Reference != "" && !slices.Contains(out.Scopes, ref.Reference) {
			out.Scopes = append(out.Scopes, ref.Reference)
		}
	}
	return out, nil
}

// mpSystemUsers is /token's system-user lookup (byExternalId) over
// systemusers, in maskinporten's own result type.
type mpSystemUsers struct{ s *systemusers.Service }

func (t mpSystemUsers) ByExternalID(ctx context.Context, clientID, providerOrgNo, ownerOrgNo, externalRef string) (maskinporten.SystemUser, error) {
	u, err := t.s.ForGrant(ctx, clientID, providerOrgNo, ownerOrgNo, externalRef)
	if err != nil {
		return maskinporten.SystemUser{}, err
	}
	return maskinporten.SystemUser{ID: u.ID.String(), SystemID: u.SystemID, ReporteeOrgNo: u.ReporteeOrgNo, ExternalRef: u.ExternalRef}, nil
}

// idportenIntegrations are ID-porten's registered clients: the client
// register's clients of integration_type idporten, in idporten's own type.
// registrySystems tells mpclient which live system names a client.
// registerSystemUsers gives Register v2 the live system users.
type registerSystemUsers struct{ s *systemusers.Service }

func (r registerSystemUsers) SystemUserParty(ctx context.Context, id uuid.UUID) (register.SystemUserParty, error) {
	su, err := r.s.Get(ctx, id)
	if err != nil {
		return register.SystemUserParty{}, err
	}
	return register.SystemUserParty{ID: su.ID, Name: su.IntegrationTitle, OwnerUUID: su.PartyUUID,
		Agent: su.UserType == systemusers.TypeAgent, Created: su.Created, Modified: su.LastChanged}, nil
}

type registrySystems struct{ r *registry.Service }

func (rs registrySystems) SystemNaming(ctx context.Context, clientID string) (string, error) {
	sys, err := rs.r.SystemByClientID(ctx, clientID)
	if errors.Is(err, dberr.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return sys.ID, nil
}

type idportenIntegrations struct{ c *mpclient.Service }

func (t idportenIntegrations) IDPortenClient(ctx context.Context, id string) (idporten.Client, error) {
	c, err := t.c.Lookup(ctx, id)
	if err != nil {
		return idporten.Client{}, err
	}
	if c.IntegrationType != mpclient.IntegrationIDPorten {
		return idporten.Client{}, dberr.ErrNotFound
	}
	jwks, err := json.Marshal(c.JWKS)
	if err != nil {
		return idporten.Client{}, err
	}
	return idporten.Client{ClientID: c.ClientID, OrgNo: c.OrgNo, Name: c.Name, RedirectURIs: c.RedirectURIs,
		PostLogoutRedirectURIs: c.PostLogoutRedirectURIs, Scopes: c.Scopes, AuthMethods: []string{c.TokenEndpointAuthMethod},
		SecretSHA256: c.SecretSHA256, JWKS: jwks}, nil
}

// Handler is the root HTTP handler.
func (a *App) Handler() http.Handler { return a.handler }

// Routes are the route tables the handler serves (tests walk them).
func (a *App) Routes() [][]route.Route { return a.tables }

func (a *App) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(requestID)
	r.Use(accessLog(a.Log))
	r.Use(recoverer(a.Log))
	r.Use(normalizePath)
	r.Use(a.guard.middleware)
	r.Use(a.Faults.Middleware)
	r.Use(trimPlatformSlash)
	r.Use(cleanURL)
	r.Use(queryNames(platformQueryNames))
	// A path no route has is a ProblemDetails, except under /portal/ and
	// /selvbetjening/, where a browser gets the pages' own.
	portalNotFound, onboardingNotFound := a.Portal.NotFound(), a.Onboarding.NotFound()
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		if portal.Owns(r.URL.Path) {
			portalNotFound.ServeHTTP(w, r)
			return
		}
		if onboarding.Owns(r.URL.Path) {
			onboardingNotFound.ServeHTTP(w, r)
			return
		}
		problem.Write(w, r, problem.NotFound.WithDetail("no endpoint at %s %s", r.Method, r.URL.Path))
	})
	notAllowed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		problem.Write(w, r, problem.MethodNotAllowed.WithDetail("%s is not allowed on %s", r.Method, r.URL.Path))
	})
	portalNotAllowed := portal.MethodNotAllowed(notAllowed)
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		if portal.Owns(r.URL.Path) {
			portalNotAllowed.ServeHTTP(w, r)
			return
		}
		notAllowed(w, r)
	})

	// The tables route-declared packages serve; the OpenAPI document is
	// built from the same tables.
	var tables [][]route.Route
	tables = append(tables, a.opsRoutes(func(w http.ResponseWriter, r *http.Request) {
		openapi.Handler(a.Config.PublicURL, tables...)(w, r)
	}), a.Resources.RegistryRoutes(), a.Resources.CatalogueRoutes(), a.AccessLists.Routes(), a.AccessLists.AuthzRoutes(),
		a.Registry.Routes(), a.Requests.Routes(), a.SystemUsers.Routes(),
		a.PDP.Routes(a.Verifier), a.PDP.ControlRoutes(), a.Control.Routes(),
		a.Portal.Routes(), a.Onboarding.Routes(), a.Pages.Routes(),
		a.Signing.Routes(), a.Clients.Routes(), a.TestCA.Routes(), a.Maskinporten.Routes(), a.Exchange.Routes(),
		a.Clients.SelfServiceRoutes(), a.Scopes.Routes(), a.IDPorten.Routes(), a.APIDelegation.Routes(), a.APIDelegation.AMRoutes(), a.APIDelegation.SupplierRoutes(),
		a.Register.Routes())
	route.Mount(r, route.Deps{
		Verifier: a.Verifier,
		Admin:    requireAdmin(a.Config.AdminToken),
		// The "Why?" page shows any party's rights: the admin token guards
		// it as it guards /sim/api (a browser passes it once as ?token=).
		AdminPage: requireAdminPage(a.Config.AdminToken, strings.HasPrefix(a.Config.PublicURL, "https://")),
		// The internal reads other platform services make take their
		// platform access token in place of a scoped bearer token.
		AccessTokens: func(ctx context.Context, raw string) error {
			_, err := a.Signing.VerifyAccessToken(ctx, raw)
			return err
		},
	}, tables...)
	a.tables = tables

	return r
}

// opsRoutes are the server's own operations: liveness, readiness, the
// OpenAPI document and the seeded parties.
func (a *App) opsRoutes(openapiDoc http.HandlerFunc) []route.Route {
	return []route.Route{
		{Method: "GET", Path: "/health", Handler: http.HandlerFunc(health),
			Tag: tagOps, Summary: "Liveness: 200 while the process is up", OKSchema: "Status"},
		{Method: "GET", Path: "/ready", Handler: http.HandlerFunc(a.ready),
			Tag: tagOps, Summary: "Readiness: 200 when the database answers and is at the newest migration, else 503", OKSchema: "Status"},
		{Method: "GET", Path: "/sim/openapi.json", Handler: openapiDoc,
			Tag: tagOps, Summary: "This document"},
		{Method: "GET", Path: "/sim/api/v1/parties/organizations", Guard: route.Admin, Handler: route.E(a.listOrgs),
			Tag: tagControl, Summary: "Seeded organisations"},
		{Method: "GET", Path: "/sim/api/v1/parties/persons", Guard: route.Admin, Handler: route.E(a.listPersons),
			Tag: tagControl, Summary: "Seeded persons with their roles"},
	}
}

// Tags of the operations app serves itself.
const (
	tagOps     = "Operations"
	tagControl = "Emulator control"
)

func health(w http.ResponseWriter, _ *http.Request) {
	respond.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (a *App) listOrgs(w http.ResponseWriter, r *http.Request) error {
	orgs, err := a.Parties.Orgs(r.Context())
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, orgs)
	return nil
}

func (a *App) listPersons(w http.ResponseWriter, r *http.Request) error {
	ps, err := a.Parties.Persons(r.Context())
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, ps)
	return nil
}

// ready answers 200 only when the database answers and is at the newest
// migration.
func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := db.AtHead(ctx, a.Pool); err != nil {
		p := problem.Unavailable.WithDetail("not ready: %v", err)
		w.Header().Set("Retry-After", "1")
		problem.Write(w, r, p)
		return
	}
	respond.JSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// Run serves until ctx is cancelled, then finishes in-flight requests and
// stops the embedded database if it started one.
func Run(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	var opts []Option
	if cfg.DatabaseURL == "" && !db.ClusterExists(embeddedDir(cfg)) {
		// A new embedded cluster has no signing keys: make them while it
		// starts.
		opts = append(opts, WithKeygen(signing.StartKeygen(cfg.SigningAlg)))
	}
	dbURL, stop, err := Database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stop()
	if err := migrateWithRetry(ctx, dbURL, log); err != nil {
		return err
	}
	pool, err := db.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	a, err := New(ctx, cfg, pool, log, opts...)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("altinn-sim ready", "listen", ln.Addr().String(), "public_url", cfg.PublicURL)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// Database returns the URL to use: the configured one, or the embedded
// cluster's after starting it. stop stops what was started.
func Database(ctx context.Context, cfg config.Config, log *slog.Logger) (url string, stop func(), err error) {
	if cfg.DatabaseURL != "" {
		return cfg.DatabaseURL, func() {}, nil
	}
	e, err := NewEmbedded(embeddedDir(cfg), log)
	if err != nil {
		return "", nil, err
	}
	url, err = e.Start(ctx)
	if err != nil {
		return "", nil, err
	}
	return url, func() {
		if err := e.Stop(); err != nil {
			log.Error("stop embedded PostgreSQL", "err", err)
			return
		}
		log.Info("embedded PostgreSQL stopped")
	}, nil
}

// embeddedDir is the embedded cluster's folder in the data folder.
func embeddedDir(cfg config.Config) string { return filepath.Join(cfg.DataDir, "pg") }

// NewEmbedded prepares an embedded cluster in dir whose templates also
// hold the seed snapshot (sim.PrepareTemplate), which a start would
// otherwise take table by table.
func NewEmbedded(dir string, log *slog.Logger) (*db.Embedded, error) {
	e, err := db.NewEmbedded(dir, log)
	if err != nil {
		return nil, err
	}
	e.Prepare, e.PrepareTag = sim.PrepareTemplate, sim.SnapshotTag
	return e, nil
}

// migrateWithRetry applies migrations, waiting up to 30 s for a database
// that is still starting (as in docker-compose).
func migrateWithRetry(ctx context.Context, url string, log *slog.Logger) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := db.Migrate(ctx, url)
		if err == nil {
			return nil
		}
		if !errors.Is(err, dberr.ErrUnavailable) || time.Now().After(deadline) {
			return err
		}
		log.Warn("database not reachable yet; retrying", "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}
