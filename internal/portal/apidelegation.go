package portal

import (
	"context"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/apidelegation"
	"github.com/altinn-sim/altinn-sim/internal/pageset"
)

// APIDelegations is what the portal needs from internal/apidelegation:
// the schemes API providers offer, and an organisation's delegations of
// them to suppliers. Optional: without it the page answers 503 and the
// organisation page shows no link.
type APIDelegations interface {
	Schemes(ctx context.Context, owner string) ([]APIScheme, error)
	Delegations(ctx context.Context, f apidelegation.Filter) ([]APIDelegation, error)
	Delegate(ctx context.Context, in apidelegation.NewDelegation, by string) (APIDelegation, bool, error)
	// Withdraw withdraws a live delegation whose consumer or supplier is
	// party (either end may revoke it).
	Withdraw(ctx context.Context, id uuid.UUID, party, by string) (APIDelegation, error)
}

// The delegation types, named here so the portal's code reads plainly.
type (
	APIScheme     = apidelegation.Scheme
	APIDelegation = apidelegation.Delegation
)

// apiDelegationsPage is an organisation's delegated API access: what it
// gave suppliers, the form to give more, and what other organisations
// gave it; each delegation can be withdrawn from either end.
type apiDelegationsPage struct {
	basePage
	OrgNo    string
	OrgName  string
	Schemes  []APIScheme
	Given    []apiDelegationRow
	Received []apiDelegationRow
}

type apiDelegationRow struct {
	ID        string
	Scheme    string
	Scopes    string
	OrgNo     string // the other party: supplier (given) or consumer (received)
	OrgName   string
	Created   string
	CreatedBy string
}

func (s *Service) needAPIDelegations() error {
	if s.apiDelegations == nil {
		return pageset.Errorf(http.StatusServiceUnavailable, "error.internal")
	}
	return nil
}

// apiDelegationsPageH shows the page for an organisation the person may
// manage (the same check as its system users).
func (s *Service) apiDelegationsPageH(w http.ResponseWriter, r *http.Request) error {
	if err := s.needAPIDelegations(); err != nil {
		return err
	}
	org, ok, err := s.orgFor(w, r)
	if !ok || err != nil {
		return err
	}
	rc, ctx := rcOf(r), r.Context()
	page := apiDelegationsPage{basePage: s.base(r, rc, tr(rc.lang, "api.title", org.Name)), OrgNo: org.OrgNo, OrgName: org.Name}
	if page.Schemes, err = s.apiDelegations.Schemes(ctx, ""); err != nil {
		return err
	}
	titles := map[string]string{}
	for _, sc := range page.Schemes {
		titles[sc.Identifier] = sc.Title
	}
	row := func(d APIDelegation, other string) (apiDelegationRow, error) {
		name := other
		if o, err := s.parties.Org(ctx, other); err == nil {
			name = o.Name
		} else if !isNotFound(err) {
			return apiDelegationRow{}, err
		}
		scheme := titles[d.Scheme]
		if scheme == "" {
			scheme = d.Scheme
		}
		return apiDelegationRow{ID: d.ID.String(), Scheme: scheme, Scopes: strings.Join(d.Scopes, " "), OrgNo: other, OrgName: name,
			Created: formatDate(rc.lang, d.Created), CreatedBy: d.CreatedBy}, nil
	}
	given, err := s.apiDelegations.Delegations(ctx, apidelegation.Filter{ConsumerOrgNo: org.OrgNo})
	if err != nil {
		return err
	}
	for _, d := range given {
		rw, err := row(d, d.SupplierOrgNo)
		if err != nil {
			return err
		}
		page.Given = append(page.Given, rw)
	}
	received, err := s.apiDelegations.Delegations(ctx, apidelegation.Filter{SupplierOrgNo: org.OrgNo})
	if err != nil {
		return err
	}
	for _, d := range received {
		rw, err := row(d, d.ConsumerOrgNo)
		if err != nil {
			return err
		}
		page.Received = append(page.Received, rw)
	}
	s.render(w, r, http.StatusOK, "apidelegations", page)
	return nil
}

// changeAPIDelegations checks the form's CSRF token and the person's
// right to manage the organisation, runs fn and redirects to where it
// says.
func (s *Service) changeAPIDelegations(w http.ResponseWriter, r *http.Request, fn func(orgNo, pid string) (string, error)) error {
	if err := s.needAPIDelegations(); err != nil {
		return err
	}
	if rcOf(r).person != nil {
		if err := s.checkCSRF(r); err != nil {
			return err
		}
	}
	org, ok, err := s.orgFor(w, r)
	if !ok || err != nil {
		return err
	}
	to, err := fn(org.OrgNo, rcOf(r).person.PID)
	if err != nil {
		return err
	}
	return seeOther(w, r, to)
}

// delegateAPI gives the chosen scheme to the supplier typed in.
func (s *Service) delegateAPI(w http.ResponseWriter, r *http.Request) error {
	return s.changeAPIDelegations(w, r, func(orgNo, pid string) (string, error) {
		in := apidelegation.NewDelegation{Scheme: r.PostForm.Get("scheme"), ConsumerOrgNo: orgNo,
			SupplierOrgNo: strings.ReplaceAll(strings.TrimSpace(r.PostForm.Get("supplier")), " ", "")}
		if _, _, err := s.apiDelegations.Delegate(r.Context(), in, pid); err != nil {
			return "", err
		}
		return "/portal/org/" + orgNo + "/apidelegations?msg=apiDelegated", nil
	})
}

// withdrawAPI withdraws one of the organisation's delegations: one it gave
// a supplier, or one it received (Access Management's received/revoke).
func (s *Service) withdrawAPI(w http.ResponseWriter, r *http.Request) error {
	return s.changeAPIDelegations(w, r, func(orgNo, pid string) (string, error) {
		id, err := uuid.Parse(chi.URLParam(r, "id"))
		if err != nil {
			return "", pageset.Errorf(http.StatusNotFound, "error.notFound")
		}
		if _, err := s.apiDelegations.Withdraw(r.Context(), id, orgNo, pid); err != nil {
			return "", err
		}
		return "/portal/org/" + orgNo + "/apidelegations?msg=apiWithdrawn", nil
	})
}
