// Package simpages is the emulator's own browser pages under /sim/: the
// state at a glance (clients, systems, requests, system users,
// delegations), the log of the last /token and PDP calls, and the token
// and grant debugger. They are server-rendered HTML that works without
// JavaScript, behind the admin token when one is set (the AdminPage
// guard). They read through small interfaces app satisfies with the other
// packages' services, and they change nothing.
package simpages

import (
	"context"
	"io/fs"
	"log/slog"

	"github.com/altinn-sim/altinn-sim/internal/calllog"
	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/registry"
	"github.com/altinn-sim/altinn-sim/internal/requests"
	"github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// Clients lists Maskinporten clients (mpclient.Service).
type Clients interface {
	Clients(ctx context.Context, orgNo string) ([]mpclient.Client, error)
}

// Systems lists the live systems of the register (registry.Service).
type Systems interface {
	LiveSystems(ctx context.Context) ([]registry.RegisteredSystem, error)
}

// Requests gives the newest requests and the counts by status
// (requests.Service).
type Requests interface {
	Overview(ctx context.Context, limit int) (reqs, changes []requests.Request, counts []requests.StatusCount, err error)
}

// SystemUsers gives the newest system users and client delegations with
// their totals (systemusers.Service).
type SystemUsers interface {
	Overview(ctx context.Context, limit int) (users []systemusers.SystemUser, userCount int, dels []systemusers.ClientDelegation, delCount int, err error)
}

// CallLog is the instance's log of recent calls (*calllog.Ring).
type CallLog interface {
	Recent(kind calllog.Kind, limit int) []calllog.Entry
	Total() uint64
}

// Deps are the pages' collaborators.
type Deps struct {
	// Web holds templates/sim/*.tmpl (web.FS, or ./web on disk in dev
	// mode, where templates are re-read on every page).
	Web fs.FS
	Dev bool

	Log   *slog.Logger
	Clock clock.Clock

	Clients     Clients
	Systems     Systems
	Requests    Requests
	SystemUsers SystemUsers
	Calls       CallLog
	Grants      Grants
	Tokens      Tokens
}

// Service renders the pages.
type Service struct {
	d    Deps
	tmpl *templates
}

// New parses the templates; a missing or broken one is an error at start.
func New(d Deps) (*Service, error) {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	t, err := newTemplates(d.Web, d.Dev)
	if err != nil {
		return nil, err
	}
	return &Service{d: d, tmpl: t}, nil
}
