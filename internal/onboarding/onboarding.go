// Package onboarding is Maskinporten's onboarding pages under
// /selvbetjening/, as a vendor meets them in Digdir's self-service portal:
// a test person who may act for an organisation picks it, sees its
// integrations (the organisation's Maskinporten clients), creates one with
// scopes it may use and gets a key pair made in the answer, the private
// half offered for download once; adds or replaces keys; deletes the
// integration.
//
// The pages hold no rules of their own: every change goes through the
// client register's self-service functions (mpclient: Register's rules,
// ReplaceOrgKeys', DeleteOrgClient's) and the scope register (scopes:
// which scopes the organisation may use), so the pages and
// /api/v1/clients cannot disagree. The login is the portal's (its
// session cookie and CSRF token, through Sessions); who may act for an
// organisation is the portal's rule too (parties.CanManage). Pages are
// rendered on the server from web/templates/onboarding and work without
// JavaScript.
package onboarding

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/pageset"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/scopes"
)

// Sessions is the portal's test login: who the request's session cookie
// names ("" when nobody is logged in) and the session's CSRF token.
type Sessions interface {
	Visitor(r *http.Request) (pid, csrf string, err error)
}

// Parties is what the pages need from internal/parties.
type Parties interface {
	Person(ctx context.Context, pid string) (parties.Person, error)
	RolesOfPerson(ctx context.Context, pid string) ([]parties.Role, error)
	Org(ctx context.Context, orgNo string) (parties.Organization, error)
	CanManage(ctx context.Context, pid, orgNo string) (bool, error)
}

// Clients is the client register's self-service side (mpclient.Service).
type Clients interface {
	OrgClients(ctx context.Context, org string) ([]mpclient.Client, error)
	OrgClient(ctx context.Context, org, id string) (mpclient.Client, error)
	RegisterWithKeys(ctx context.Context, org string, in mpclient.Registration, set mpclient.JWKS) (mpclient.Client, error)
	AddOrgKeys(ctx context.Context, org, id string, add mpclient.JWKS) (mpclient.Client, error)
	ReplaceOrgKeys(ctx context.Context, org, id string, set mpclient.JWKS) (mpclient.Client, error)
	DeleteOrgClient(ctx context.Context, org, id string) error
}

// Scopes is the scope register (scopes.Service): the scopes an
// organisation owns, was granted or may use because they are open to all,
// and the rule that has the last word on each.
type Scopes interface {
	OwnScopes(ctx context.Context, org string, inactive bool) ([]scopes.Scope, error)
	PublicScopes(ctx context.Context) ([]scopes.Scope, error)
	ConsumerAccess(ctx context.Context, org string, accessibleForAll bool) ([]scopes.Access, error)
	Refused(ctx context.Context, org string, names []string) (map[string]string, error)
}

// Deps is what the pages are built from.
type Deps struct {
	Sessions Sessions
	Parties  Parties
	Clients  Clients
	Scopes   Scopes
	Log      *slog.Logger
	// Web holds templates/onboarding and the portal's static files.
	Web fs.FS
	// Dev re-reads templates on each request.
	Dev bool
	// SecureCookies sets the Secure flag on the language cookie.
	SecureCookies bool
}

// Service serves the pages.
type Service struct {
	d     Deps
	pages *pageset.Set
}

// New builds the pages; it fails when a template is missing or broken.
func New(d Deps) (*Service, error) {
	if d.Sessions == nil || d.Parties == nil || d.Clients == nil || d.Scopes == nil || d.Web == nil {
		return nil, errors.New("onboarding: Sessions, Parties, Clients, Scopes and Web are required")
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	ps, err := newPages(d.Web, d.Dev)
	if err != nil {
		return nil, fmt.Errorf("onboarding: %w", err)
	}
	return &Service{d: d, pages: ps}, nil
}
