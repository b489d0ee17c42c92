package simpages

import (
	"net/http"

	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// tag is the OpenAPI tag of the pages: the one the portal and the "Why?"
// page have, as the document groups every HTML page under it.
const tag = "Portal (HTML)"

// Routes are the pages. They show every party's state and any pasted
// token, so they are AdminPage: the admin token when one is set.
func (s *Service) Routes() []route.Route {
	return []route.Route{
		{Method: "GET", Path: "/sim", Guard: route.AdminPage, Handler: http.RedirectHandler("/sim/", http.StatusMovedPermanently),
			Tag: tag, Summary: "Redirects to /sim/", OK: http.StatusMovedPermanently},
		{Method: "GET", Path: "/sim/", Guard: route.AdminPage, Handler: s.handle(s.overview),
			Tag: tag, Summary: "State at a glance: clients, systems, requests by status, system users, delegations, the last calls"},
		{Method: "GET", Path: "/sim/calls", Guard: route.AdminPage, Handler: s.handle(s.calls),
			Query: []route.Param{route.Q("kind", "token or pdp: only those calls"), route.Q("client", "only this client's calls")}, Tag: tag, Summary: "The last /token and PDP calls of this instance with outcome and reason (?kind=token|decision, ?client=)"},
		{Method: "GET", Path: "/sim/debugger", Guard: route.AdminPage, Handler: s.handle(s.debugger),
			Tag: tag, Summary: "Token and grant debugger: a form to paste a JWT"},
		{Method: "POST", Path: "/sim/debugger", Guard: route.AdminPage, Handler: s.handle(s.debugger),
			Tag: tag, Summary: "Decode, verify and explain a pasted token or grant (form field jwt; as=auto|grant|token); changes nothing", Body: "form"},
	}
}

// handle adapts a page handler: an error becomes a problem body (these
// pages are for developers, who read it as well as a page).
func (s *Service) handle(h route.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			problem.Error(w, r, err)
		}
	})
}
