package simpages

import (
	"net/http"

	"github.com/altinn-sim/altinn-sim/internal/calllog"
)

type callsPage struct {
	page
	Kind, Client string
	Calls        []calllog.Entry
	Total        uint64
}

// calls is the call log: ?kind=token|decision and ?client=<client id>
// narrow it.
func (s *Service) calls(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := callsPage{page: page{Title: "Calls to /token and the PDP", Nav: "calls", Now: s.d.Clock.Now()},
		Kind: q.Get("kind"), Client: q.Get("client"), Total: s.d.Calls.Total()}
	kind := calllog.Kind(p.Kind)
	if kind != calllog.Token && kind != calllog.Decision {
		kind, p.Kind = "", ""
	}
	for _, e := range s.d.Calls.Recent(kind, 0) {
		if p.Client == "" || e.ClientID == p.Client {
			p.Calls = append(p.Calls, e)
		}
	}
	s.render(w, r, http.StatusOK, "calls", p)
	return nil
}
