// Package apidelegation is delegated API access as Maskinporten and
// Altinn have it ("Delegering av API-tilgang"): API providers' delegation
// schemes, each naming some of the provider's Maskinporten scopes, and
// consumer organisations' delegations of a scheme to a supplier
// organisation. /token asks Check before it issues a consumer_org token;
// the portal lets a person give and withdraw delegations for an
// organisation they manage; the control API does the same for tests.
package apidelegation

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/scopes"
)

// Scopes is what the scope register tells about a scope: its prefix's
// owner and its delegation source (scopes.Service.StandingOf).
type Scopes interface {
	StandingOf(ctx context.Context, org, name string) (scopes.Standing, error)
}

// Orgs finds organisations and persons (an error wrapping
// dberr.ErrNotFound when there is none) and says who may act for an
// organisation (parties.Service).
type Orgs interface {
	Org(ctx context.Context, orgNo string) (parties.Organization, error)
	OrgByPartyUUID(ctx context.Context, id uuid.UUID) (parties.Organization, error)
	OrgByPartyID(ctx context.Context, partyID int64) (parties.Organization, error)
	Person(ctx context.Context, pid string) (parties.Person, error)
	RolesOfPerson(ctx context.Context, pid string) ([]parties.Role, error)
	// CanManage: the person may manage the organisation's access (the
	// portal's check).
	CanManage(ctx context.Context, pid, orgNo string) (bool, error)
}

// Validation errors of the control API (and the portal's form).
var (
	vldIdentifier = problem.ValidationDescriptor{Code: "SIM.VLD-01500", Title: "identifier must be 2 to 100 lower-case letters, digits, '_' and '-', starting with a letter or digit."}
	vldOwner      = problem.ValidationDescriptor{Code: "SIM.VLD-01501", Title: "owner_orgno must be a 9-digit organisation number."}
	vldScopes     = problem.ValidationDescriptor{Code: "SIM.VLD-01502", Title: "scopes must name at least one scope, each prefix:subscope, none twice."}
	vldTitle      = problem.ValidationDescriptor{Code: "SIM.VLD-01503", Title: "title is required (at most 255 characters)."}
	vldConsumer   = problem.ValidationDescriptor{Code: "SIM.VLD-01504", Title: "consumer_orgno must be a 9-digit organisation number."}
	vldSupplier   = problem.ValidationDescriptor{Code: "SIM.VLD-01505", Title: "supplier_orgno must be a 9-digit organisation number."}
	vldSelf       = problem.ValidationDescriptor{Code: "SIM.VLD-01506", Title: "An organisation cannot delegate to itself: supplier_orgno must differ from consumer_orgno."}
	vldScheme     = problem.ValidationDescriptor{Code: "SIM.VLD-01507", Title: "scheme must name a delegation scheme."}
)

// Problems of the schemes and delegations.
var (
	ErrNoScheme     = problem.Descriptor{Code: "SIM-01500", Status: 404, Title: "No such delegation scheme."}
	ErrSchemeExists = problem.Descriptor{Code: "SIM-01501", Status: 409, Title: "A delegation scheme with this identifier exists."}
	ErrNotOwner     = problem.Descriptor{Code: "SIM-01502", Status: 403, Title: "The scope belongs to another organisation: only the scope's owner can offer it in a delegation scheme."}
	ErrUnknownScope = problem.Descriptor{Code: "SIM-01503", Status: 400, Title: "No active scope has this name, and its prefix is owned."}
	ErrUnknownOrg   = problem.Descriptor{Code: "SIM-01504", Status: 400, Title: "The organisation is not in the Central Coordinating Register."}
	ErrNoDelegation = problem.Descriptor{Code: "SIM-01505", Status: 404, Title: "No such delegation, or it was withdrawn."}
	ErrSchemeInUse  = problem.Descriptor{Code: "SIM-01506", Status: 409, Title: "The delegation scheme has live delegations; withdraw them first."}
)

// Service holds schemes and delegations.
type Service struct {
	pool     *pgxpool.Pool
	clock    clock.Clock
	scopes   Scopes
	orgs     Orgs
	registry Registry
}

// New builds the service. reg is the resource registry the Access
// Management API resolves resource ids in (nil: schemes only).
func New(pool *pgxpool.Pool, clk clock.Clock, sc Scopes, orgs Orgs, reg Registry) *Service {
	if clk == nil {
		clk = clock.System{}
	}
	return &Service{pool: pool, clock: clk, scopes: sc, orgs: orgs, registry: reg}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

var identifierPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{1,99}$`)

// ValidateScheme checks a scheme body's shape.
func ValidateScheme(in NewScheme) []problem.ValidationError {
	var errs []problem.ValidationError
	if !identifierPattern.MatchString(in.Identifier) {
		errs = append(errs, vldIdentifier.At("/identifier"))
	}
	if !parties.ValidOrgNo(in.OwnerOrgNo, true) {
		errs = append(errs, vldOwner.At("/owner_orgno"))
	}
	ok := len(in.Scopes) > 0
	for i, sc := range in.Scopes {
		if _, _, valid := scopes.Split(sc); !valid || slices.Index(in.Scopes, sc) != i {
			ok = false
		}
	}
	if !ok {
		errs = append(errs, vldScopes.At("/scopes"))
	}
	if t := strings.TrimSpace(in.Title); t == "" || len(t) > 255 {
		errs = append(errs, vldTitle.At("/title"))
	}
	return errs
}

// ValidateDelegation checks a delegation's shape: two different
// well-formed organisation numbers and a scheme.
func ValidateDelegation(in NewDelegation) []problem.ValidationError {
	var errs []problem.ValidationError
	if in.Scheme == "" {
		errs = append(errs, vldScheme.At("/scheme"))
	}
	if !parties.ValidOrgNo(in.ConsumerOrgNo, true) {
		errs = append(errs, vldConsumer.At("/consumer_orgno"))
	}
	if !parties.ValidOrgNo(in.SupplierOrgNo, true) {
		errs = append(errs, vldSupplier.At("/supplier_orgno"))
	}
	if in.ConsumerOrgNo != "" && in.ConsumerOrgNo == in.SupplierOrgNo {
		errs = append(errs, vldSelf.At("/supplier_orgno"))
	}
	return errs
}

// CreateScheme registers a scheme. Each scope must be the owner's own
// (the owner of its prefix), or under a prefix nobody owns (the emulator
// lets tests invent APIs, as the scope register does).
func (s *Service) CreateScheme(ctx context.Context, in NewScheme) (Scheme, error) {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	if errs := ValidateScheme(in); len(errs) > 0 {
		return Scheme{}, problem.Validation(errs...)
	}
	if err := s.checkOwnScopes(ctx, in.OwnerOrgNo, in.Scopes); err != nil {
		return Scheme{}, err
	}
	sc := Scheme{Identifier: in.Identifier, OwnerOrgNo: in.OwnerOrgNo, Scopes: in.Scopes, Title: in.Title, Description: in.Description, Created: s.now()}
	err := insertScheme(ctx, s.pool, sc)
	if errors.Is(err, dberr.ErrConflict) {
		return Scheme{}, ErrSchemeExists.WithDetail("identifier %q is taken", in.Identifier)
	}
	return sc, err
}

// PutScheme creates the scheme or brings an existing one to in (the seed
// file's idempotent write); created says which.
func (s *Service) PutScheme(ctx context.Context, in NewScheme) (sc Scheme, created bool, err error) {
	old, err := getScheme(ctx, s.pool, in.Identifier)
	if errors.Is(err, dberr.ErrNotFound) {
		sc, err = s.CreateScheme(ctx, in)
		return sc, err == nil, err
	}
	if err != nil {
		return Scheme{}, false, err
	}
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	if errs := ValidateScheme(in); len(errs) > 0 {
		return Scheme{}, false, problem.Validation(errs...)
	}
	if err := s.checkOwnScopes(ctx, in.OwnerOrgNo, in.Scopes); err != nil {
		return Scheme{}, false, err
	}
	sc = Scheme{Identifier: in.Identifier, OwnerOrgNo: in.OwnerOrgNo, Scopes: in.Scopes, Title: in.Title, Description: in.Description, Created: old.Created}
	return sc, false, updateScheme(ctx, s.pool, sc)
}

func (s *Service) checkOwnScopes(ctx context.Context, owner string, names []string) error {
	for _, name := range names {
		st, err := s.scopes.StandingOf(ctx, owner, name)
		if err != nil {
			return fmt.Errorf("scope %q: %w", name, err)
		}
		switch {
		case st.PrefixOwner == "":
			// Nobody owns the prefix: an invented API.
		case !st.Registered || !st.Active:
			return ErrUnknownScope.WithDetail("%s", name)
		case st.PrefixOwner != owner:
			return ErrNotOwner.WithDetail("%s belongs to %s, not %s", name, st.PrefixOwner, owner)
		}
	}
	return nil
}

// Scheme reads one scheme.
func (s *Service) Scheme(ctx context.Context, id string) (Scheme, error) {
	sc, err := getScheme(ctx, s.pool, id)
	if errors.Is(err, dberr.ErrNotFound) {
		return Scheme{}, ErrNoScheme.WithDetail("%q", id)
	}
	return sc, err
}

// Schemes lists every scheme, or owner's.
func (s *Service) Schemes(ctx context.Context, owner string) ([]Scheme, error) {
	return listSchemes(ctx, s.pool, owner)
}

// DeleteScheme deletes a scheme with no live delegations (withdrawn ones
// go with it). The scheme's row is locked first, so a delegation given at
// the same time either commits before (and the delete is refused) or
// fails its reference after.
func (s *Service) DeleteScheme(ctx context.Context, id string) error {
	return db.InTx(ctx, s.pool, func(q db.Querier) error {
		var one int
		err := q.QueryRow(ctx, `SELECT 1 FROM api_delegation_schemes WHERE identifier = $1 FOR UPDATE`, id).Scan(&one)
		if err := db.Map(err); errors.Is(err, dberr.ErrNotFound) {
			return ErrNoScheme.WithDetail("%q", id)
		} else if err != nil {
			return fmt.Errorf("lock scheme %s: %w", id, err)
		}
		live, err := listDelegations(ctx, q, Filter{Scheme: id})
		if err != nil {
			return err
		}
		if len(live) > 0 {
			return ErrSchemeInUse.WithDetail("%d live delegation(s) of %s", len(live), id)
		}
		if _, err := q.Exec(ctx, `DELETE FROM api_delegations WHERE scheme = $1`, id); err != nil {
			return fmt.Errorf("delete withdrawn delegations of %s: %w", id, db.Map(err))
		}
		if _, err := q.Exec(ctx, `DELETE FROM api_delegation_schemes WHERE identifier = $1`, id); err != nil {
			return fmt.Errorf("delete scheme %s: %w", id, db.Map(err))
		}
		return nil
	})
}

// Delegate gives a scheme from the consumer to the supplier; by is who did
// it (a person's pid, or "" for the control API and seed). Both must be
// known organisations. Delegating what is already delegated changes
// nothing and answers the live delegation (created false), as giving a
// right twice in Altinn does.
func (s *Service) Delegate(ctx context.Context, in NewDelegation, by string) (d Delegation, created bool, err error) {
	in.Scheme = strings.TrimSpace(in.Scheme)
	in.ConsumerOrgNo, in.SupplierOrgNo = strings.TrimSpace(in.ConsumerOrgNo), strings.TrimSpace(in.SupplierOrgNo)
	if errs := ValidateDelegation(in); len(errs) > 0 {
		return Delegation{}, false, problem.Validation(errs...)
	}
	sc, err := s.Scheme(ctx, in.Scheme)
	if err != nil {
		return Delegation{}, false, err
	}
	for _, org := range []string{in.ConsumerOrgNo, in.SupplierOrgNo} {
		if _, err := s.orgs.Org(ctx, org); errors.Is(err, dberr.ErrNotFound) {
			return Delegation{}, false, ErrUnknownOrg.WithDetail("%s", org)
		} else if err != nil {
			return Delegation{}, false, fmt.Errorf("organisation %s: %w", org, err)
		}
	}
	for attempt := 0; attempt < 2; attempt++ {
		err = db.InTx(ctx, s.pool, func(q db.Querier) error {
			// A delegation lies under the consumer's assignment of the
			// supplier (Access Management's end-user API): made here when
			// there is none, as this way of delegating has no step for it.
			if _, err := ensureSupplier(ctx, q, in.ConsumerOrgNo, in.SupplierOrgNo, s.now(), by); err != nil {
				return err
			}
			d, created, err = s.writeDelegation(ctx, q, sc, in.ConsumerOrgNo, in.SupplierOrgNo, by)
			return err
		})
		if !errors.Is(err, dberr.ErrConflict) {
			return d, created, err
		}
		// Another request delegated the same at once: answer its row.
	}
	return Delegation{}, false, err
}

// writeDelegation gives sc from consumer to supplier in q, or answers the
// live delegation of it (created false). An insert racing another's is a
// conflict, which the caller retries.
func (s *Service) writeDelegation(ctx context.Context, q db.Querier, sc Scheme, consumer, supplier, by string) (Delegation, bool, error) {
	d, err := liveDelegation(ctx, q, sc.Identifier, consumer, supplier)
	if err == nil {
		return d, false, nil
	}
	if !errors.Is(err, dberr.ErrNotFound) {
		return Delegation{}, false, err
	}
	d = Delegation{ID: uuid.New(), Scheme: sc.Identifier, Scopes: sc.Scopes, ConsumerOrgNo: consumer,
		SupplierOrgNo: supplier, Created: s.now(), CreatedBy: by}
	if err := insertDelegation(ctx, q, d); err != nil {
		return Delegation{}, false, err
	}
	return d, true, nil
}

// Withdraw withdraws a live delegation. party, when set, must be the
// delegation's consumer or its supplier (the portal acts for one
// organisation): Access Management lets either end revoke it (the
// offered and the received revoke); any other delegation is "not found"
// to it.
func (s *Service) Withdraw(ctx context.Context, id uuid.UUID, party, by string) (Delegation, error) {
	var out Delegation
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		d, err := getDelegation(ctx, q, id, true)
		if errors.Is(err, dberr.ErrNotFound) || (err == nil && (!d.Live() || (party != "" && d.ConsumerOrgNo != party && d.SupplierOrgNo != party))) {
			return ErrNoDelegation.WithDetail("%s", id)
		}
		if err != nil {
			return err
		}
		at := s.now()
		if err := withdrawDelegation(ctx, q, id, at, by); err != nil {
			return err
		}
		d.Withdrawn, d.WithdrawnBy = &at, by
		out = d
		return nil
	})
	return out, err
}

// Delegation reads one delegation, live or withdrawn.
func (s *Service) Delegation(ctx context.Context, id uuid.UUID) (Delegation, error) {
	d, err := getDelegation(ctx, s.pool, id, false)
	if errors.Is(err, dberr.ErrNotFound) {
		return Delegation{}, ErrNoDelegation.WithDetail("%s", id)
	}
	return d, err
}

// Delegations lists delegations matching f.
func (s *Service) Delegations(ctx context.Context, f Filter) ([]Delegation, error) {
	return listDelegations(ctx, s.pool, f)
}

// Check is /token's question for a consumer_org grant: may supplier get a
// token for scope on consumer's behalf? The scope must have a delegation
// source (else Altinn cannot delegate it) and a live delegation of a
// scheme holding the scope must exist. It reads the database every time:
// a withdrawal counts from the moment it answered.
func (s *Service) Check(ctx context.Context, consumer, supplier, scope string) (Verdict, error) {
	st, err := s.scopes.StandingOf(ctx, consumer, scope)
	if err != nil {
		return Verdict{}, fmt.Errorf("scope %q: %w", scope, err)
	}
	v := Verdict{DelegationSource: st.DelegationSource}
	if v.DelegationSource == "" {
		return v, nil
	}
	v.Scheme, err = delegatedScheme(ctx, s.pool, consumer, supplier, scope)
	v.Delegated = v.Scheme != ""
	return v, err
}
