package simpages

import (
	"net/http"
	"slices"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/calllog"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/pdp"
	"github.com/altinn-sim/altinn-sim/internal/registry"
	"github.com/altinn-sim/altinn-sim/internal/requests"
	"github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// listLimit bounds each table of the overview; the counts are totals.
const listLimit = 200

type overviewPage struct {
	page
	Clients []mpclient.Client
	Systems []registry.RegisteredSystem
	// Statuses are the request counts by status, summed over kinds, and
	// ByKind the same per kind.
	Statuses      []requests.StatusCount
	ByKind        []requests.StatusCount
	RequestCount  int
	Requests      []requests.Request
	Changes       []requests.Request
	SystemUsers   []systemUserRow
	UserCount     int
	Delegations   []systemusers.ClientDelegation
	DelegationCnt int
	Calls         []calllog.Entry
	CallTotal     uint64
	Limit         int
}

// systemUserRow is a system user with the link that explains its first
// right ("Why?").
type systemUserRow struct {
	systemusers.SystemUser
	Why string
}

func (s *Service) overview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := overviewPage{page: page{Title: "State at a glance", Nav: "overview", Now: s.d.Clock.Now()}, Limit: listLimit}
	var err error
	if p.Clients, err = s.d.Clients.Clients(ctx, ""); err != nil {
		return err
	}
	if p.Systems, err = s.d.Systems.LiveSystems(ctx); err != nil {
		return err
	}
	if p.Requests, p.Changes, p.ByKind, err = s.d.Requests.Overview(ctx, listLimit); err != nil {
		return err
	}
	p.Statuses, p.RequestCount = byStatus(p.ByKind)
	users, n, dels, dn, err := s.d.SystemUsers.Overview(ctx, listLimit)
	if err != nil {
		return err
	}
	p.UserCount, p.Delegations, p.DelegationCnt = n, dels, dn
	for _, u := range users {
		p.SystemUsers = append(p.SystemUsers, systemUserRow{SystemUser: u, Why: whyFor(u)})
	}
	p.Calls, p.CallTotal = s.d.Calls.Recent("", 10), s.d.Calls.Total()
	s.render(w, r, http.StatusOK, "overview", p)
	return nil
}

// byStatus sums the counts of every kind by status, and the total.
func byStatus(counts []requests.StatusCount) ([]requests.StatusCount, int) {
	sum := map[string]int{}
	total := 0
	for _, c := range counts {
		sum[c.Status] += c.Count
		total += c.Count
	}
	out := make([]requests.StatusCount, 0, len(sum))
	for st, n := range sum {
		out = append(out, requests.StatusCount{Status: st, Count: n})
	}
	slices.SortFunc(out, func(a, b requests.StatusCount) int { return strings.Compare(a.Status, b.Status) })
	return out, total
}

// whyFor links a system user to the "Why?" page for its first resource
// right, or, without rights, for the question with the resource left to
// fill in.
func whyFor(u systemusers.SystemUser) string {
	resource, action := "", "read"
	for _, right := range u.Rights {
		for _, a := range right.Resource {
			if a.ID == pdp.AttrResource {
				resource = a.Value
				if right.Action != "" {
					action = right.Action
				}
				break
			}
		}
		if resource != "" {
			break
		}
	}
	return pdp.WhyURL(pdp.AttrSystemUserUUID+":"+u.ID.String(), resource, action, u.ReporteeOrgNo)
}
