package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/cache"
	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/resources"
)

// Catalogue is what the register needs from the resource registry.
type Catalogue interface {
	Resource(ctx context.Context, id string) (resources.Resource, error)
	Package(ctx context.Context, urn string) (resources.AccessPackage, error)
}

// Service is the system register.
type Service struct {
	pool  *pgxpool.Pool
	clock clock.Clock
	cat   Catalogue
	// clients caches ClientSystem; in use while Listen's connection is up.
	clients *cache.Cache[string, clientAnswer]
}

// NewService makes the register.
func NewService(pool *pgxpool.Pool, clk clock.Clock, cat Catalogue) *Service {
	return &Service{pool: pool, clock: clk, cat: cat, clients: newClientCache()}
}

// Actor is who changes the register: the vendor org from the token's
// consumer claim, whether the token holds systemregister.admin, and the
// Maskinporten client id (for the change log).
type Actor struct {
	OrgNo    string
	Admin    bool
	ClientID string
}

// mayWrite is the platform's HasWriteAccess: admin scope, or the consumer
// org is the system's vendor.
func (a Actor) mayWrite(vendorOrgNo string) bool {
	return a.Admin || (a.OrgNo != "" && strings.EqualFold(a.OrgNo, vendorOrgNo))
}

// Validation errors (titles as the platform's descriptors).
var (
	VldOrgIdentifier            = problem.ValidationDescriptor{Code: "AUTH.VLD-00000", Title: "the org number identifier is not valid ISO6523 identifier"}
	VldSystemIDFormat           = problem.ValidationDescriptor{Code: "AUTH.VLD-00001", Title: "The system id does not match the format orgnumber_xxxx..."}
	VldSystemIDExists           = problem.ValidationDescriptor{Code: "AUTH.VLD-00002", Title: "The system id already exists"}
	VldResourceNotFound         = problem.ValidationDescriptor{Code: "AUTH.VLD-00003", Title: "One or more resources specified in rights were not found in Altinn's resource register."}
	VldClientIDExists           = problem.ValidationDescriptor{Code: "AUTH.VLD-00004", Title: "One of the client id is already tagged with an existing system"}
	VldRedirectURL              = problem.ValidationDescriptor{Code: "AUTH.VLD-00005", Title: "One or more of the redirect urls format is not valid. The valid format is https://xxx.xx"}
	VldRightDuplicates          = problem.ValidationDescriptor{Code: "AUTH.VLD-00006", Title: "One or more duplicate rights found"}
	VldPackageDuplicates        = problem.ValidationDescriptor{Code: "AUTH.VLD-00007", Title: "One or more duplicate access package(s) found"}
	VldPackageNotValid          = problem.ValidationDescriptor{Code: "AUTH.VLD-00008", Title: "One or all the accesspackage(s) is not found in altinn's access packages or is not delegable"}
	VldResourceIDFormat         = problem.ValidationDescriptor{Code: "AUTH.VLD-00009", Title: "One or more resource id is in wrong format. The valid format is urn:altinn:resource"}
	VldDuplicateClientIDs       = problem.ValidationDescriptor{Code: "AUTH.VLD-00011", Title: "Request contains duplicate client ids"}
	VldSystemIDMismatch         = problem.ValidationDescriptor{Code: "AUTH.VLD-00012", Title: "The system ID in the request body does not match the system ID in the URL"}
	VldSystemIDSpaces           = problem.ValidationDescriptor{Code: "AUTH.VLD-00013", Title: "System ID cannot have spaces in id (leading, trailing or in between the id)"}
	VldResourceNotDelegable     = problem.ValidationDescriptor{Code: "AUTH.VLD-00017", Title: "One or more resources specified in rights is of resource type which is not delegable."}
	VldVisibleWithNonAssignable = problem.ValidationDescriptor{Code: "AUTH.VLD-00018", Title: "Access packages meant for system user for client relations can't be used in combination with the flag isVisible: true"}

	// Emulator-only rules the platform does not check (it would accept the
	// body or fail with a 500). Their codes are SIM.VLD so that no one
	// mistakes them for platform codes.
	VldTranslationMissing = problem.ValidationDescriptor{Code: "SIM.VLD-00002", Title: "Name and description must have texts in nb, nn and en"}
)

// Error paths (ErrorPathConstant).
const (
	pathVendorID       = "/registersystemrequest/vendor/id"
	pathSystemID       = "/registersystemrequest/systemid"
	pathRedirectURLs   = "/registersystemrequest/allowedredirecturls"
	pathClientID       = "/registersystemrequest/clientid"
	pathAccessPackages = "/registersystemrequest/accesspackages"
	pathRights         = "/registersystemrequest/rights/resource"
	pathName           = "/registersystemrequest/name"
	pathDescription    = "/registersystemrequest/description"
)

// Problems.
var (
	ErrSystemNotFound = problem.Descriptor{Code: "AUTH-00011", Status: http.StatusNotFound, Title: "The Id does not refer to a Registered System."}
	ErrForbidden      = problem.Descriptor{Code: "STD-00003", Status: http.StatusForbidden, Title: "Forbidden"}
	ErrVendorMissing  = problem.Descriptor{Code: "AUTH-00023", Status: http.StatusUnauthorized, Title: "Can't resolve the Organisation Number for the Vendor from the Token."}
	ErrSystemDeleted  = problem.Descriptor{Code: "STD-00001", Status: http.StatusBadRequest, Title: "Cannot update a system marked as deleted."}
	ErrSystemExists   = problem.Descriptor{Code: "STD-00005", Status: http.StatusConflict, Title: "The System already exist"}
	// ErrPrecondition answers an If-Match that names an older version.
	ErrPrecondition = problem.Descriptor{Code: "SIM-00412", Status: http.StatusPreconditionFailed, Title: "The system was changed since the version named in If-Match"}
)

// System returns a live system (dberr.ErrNotFound for unknown or deleted).
func (s *Service) System(ctx context.Context, systemID string) (RegisteredSystem, error) {
	sys, err := getSystem(ctx, s.pool, systemID, false)
	if err != nil {
		return sys, err
	}
	if sys.IsDeleted {
		return RegisteredSystem{}, fmt.Errorf("system %q is deleted: %w", systemID, dberr.ErrNotFound)
	}
	return sys, nil
}

// SystemAny returns a system whether deleted or not.
func (s *Service) SystemAny(ctx context.Context, systemID string) (RegisteredSystem, error) {
	return getSystem(ctx, s.pool, systemID, false)
}

// SystemByClientID returns the live system a Maskinporten client is bound to.
func (s *Service) SystemByClientID(ctx context.Context, clientID string) (RegisteredSystem, error) {
	return getSystemByClientID(ctx, s.pool, clientID)
}

// Visible lists the systems the portal shows: not deleted and visible.
func (s *Service) Visible(ctx context.Context) ([]RegisteredSystem, error) {
	return visibleSystems(ctx, s.pool)
}

// ForVendor lists a vendor's live systems, visible or not.
func (s *Service) ForVendor(ctx context.Context, vendorOrgNo string) ([]RegisteredSystem, error) {
	return vendorSystems(ctx, s.pool, vendorOrgNo)
}

// VendorSystem returns a system for its vendor (or an admin): 404 when
// unknown, 403 when the caller does not own it.
func (s *Service) VendorSystem(ctx context.Context, a Actor, systemID string) (RegisteredSystem, error) {
	sys, err := getSystem(ctx, s.pool, systemID, false)
	if errors.Is(err, dberr.ErrNotFound) {
		return sys, ErrSystemNotFound.New()
	}
	if err != nil {
		return sys, err
	}
	if !a.mayWrite(sys.Vendor) {
		return RegisteredSystem{}, ErrForbidden.WithDetail("organisation %s does not own system %s", a.OrgNo, systemID)
	}
	return sys, nil
}

// ChangeLog returns a system's change log, for its vendor or an admin.
func (s *Service) ChangeLog(ctx context.Context, a Actor, systemID string) ([]ChangeLog, error) {
	sys, err := s.VendorSystem(ctx, a, systemID)
	if err != nil {
		return nil, err
	}
	return listChangeLog(ctx, s.pool, sys.InternalID)
}

// Create registers a system (POST /vendor) and returns its internal id.
// Checks run in the platform's order: vendor.ID first and alone, then
// every other rule reported together, with ownership (403) winning over
// the validation errors.
func (s *Service) Create(ctx context.Context, a Actor, req RegisterRequest) (uuid.UUID, error) {
	if err := req.missingMembers(); err != nil {
		return uuid.Nil, err
	}
	trimRequest(&req)
	vendor, ok := vendorOrgNo(req.Vendor)
	if !ok {
		return uuid.Nil, problem.Validation(VldOrgIdentifier.At(pathVendorID))
	}
	var errs []problem.ValidationError
	// Both are checked, as on the platform: "99182 5827_x" fails both.
	if strings.ContainsAny(req.ID, " \t") {
		errs = append(errs, VldSystemIDSpaces.At(pathSystemID))
	}
	if !validSystemID(req.ID, vendor) {
		errs = append(errs, VldSystemIDFormat.At(pathSystemID))
	}
	if _, err := getSystem(ctx, s.pool, req.ID, false); err == nil {
		errs = append(errs, VldSystemIDExists.At(pathSystemID))
	} else if !errors.Is(err, dberr.ErrNotFound) {
		return uuid.Nil, err
	}
	errs = append(errs, checkRedirectURLs(req.AllowedRedirectURLs)...)
	cerrs, err := s.checkClients(ctx, vendor, req.ClientID, uuid.Nil)
	if err != nil {
		return uuid.Nil, err
	}
	errs = append(errs, cerrs...)
	rerrs, err := s.checkRights(ctx, req.Rights)
	if err != nil {
		return uuid.Nil, err
	}
	errs = append(errs, rerrs...)
	perrs, err := s.checkPackages(ctx, req.AccessPackages, req.IsVisible)
	if err != nil {
		return uuid.Nil, err
	}
	errs = append(errs, perrs...)
	errs = append(errs, checkTexts(req.Name, req.Description)...)
	if !a.mayWrite(vendor) {
		return uuid.Nil, ErrForbidden.WithDetail("organisation %s may not register systems for vendor %s", a.OrgNo, vendor)
	}
	if len(errs) > 0 {
		return uuid.Nil, problem.Validation(errs...)
	}
	now := s.clock.Now().UTC()
	sys := RegisteredSystem{
		ID: req.ID, Vendor: vendor, Name: req.Name, Description: req.Description,
		Rights: nonNil(req.Rights), AccessPackages: nonNil(req.AccessPackages), ClientIDs: nonNil(req.ClientID),
		AllowedRedirectURLs: nonNil(req.AllowedRedirectURLs), IsVisible: req.IsVisible, Created: now, LastChanged: now,
	}
	err = db.InTx(ctx, s.pool, func(q db.Querier) error {
		if err := insertSystem(ctx, q, &sys); err != nil {
			return err
		}
		if err := syncClients(ctx, q, sys.InternalID, sys.ClientIDs, now); err != nil {
			return err
		}
		return s.log(ctx, q, a, sys.InternalID, ChangeCreate, logSystem(req), now)
	})
	if errors.Is(err, dberr.ErrConflict) {
		// A racing create took the id or a client id between the checks
		// and the insert.
		if errors.Is(err, errClientTaken) {
			return uuid.Nil, problem.Validation(VldClientIDExists.At(pathClientID))
		}
		return uuid.Nil, ErrSystemExists.WithDetail("The System already exist: %s", req.ID)
	}
	if err != nil {
		return uuid.Nil, err
	}
	return sys.InternalID, nil
}

// Update replaces a system (PUT /vendor/{systemId}).
//
// Concurrency: the platform's system register has no optimistic
// concurrency (no ETag, no version; its model only mentions the idea), so
// two racing PUTs there are last-writer-wins. Here every write takes the
// system's row lock, so writes apply one after the other and the partial
// PUTs (/rights, /accesspackages) never undo each other; and every system
// carries a version, sent as ETag on GET and on each write's answer.
// ifMatch, when not empty, must name the current version, else 412 — so
// a client that sends If-Match never loses an update silently. Without
// If-Match a PUT is a whole replacement, as on the platform.
func (s *Service) Update(ctx context.Context, a Actor, systemID string, req RegisterRequest, ifMatch string) error {
	if err := req.missingMembers(); err != nil {
		return err
	}
	trimRequest(&req)
	return db.InTx(ctx, s.pool, func(q db.Querier) error {
		sys, err := s.lockForWrite(ctx, q, a, systemID)
		if err != nil {
			return err
		}
		if v, ok := vendorOrgNo(req.Vendor); !ok || v != sys.Vendor {
			// The platform answers as for an unknown system so that
			// vendors cannot probe others' ids.
			return ErrSystemNotFound.WithDetail("System with ID '%s' not found.", systemID)
		}
		if req.ID != systemID {
			return problem.Validation(VldSystemIDMismatch.At(pathSystemID))
		}
		if sys.IsDeleted {
			return ErrSystemDeleted.New()
		}
		if err := checkVersion(sys, ifMatch); err != nil {
			return err
		}
		var errs []problem.ValidationError
		rerrs, err := s.checkRights(ctx, req.Rights)
		if err != nil {
			return err
		}
		errs = append(errs, rerrs...)
		perrs, err := s.checkPackages(ctx, req.AccessPackages, req.IsVisible)
		if err != nil {
			return err
		}
		errs = append(errs, perrs...)
		cerrs, err := s.checkClients(ctx, sys.Vendor, req.ClientID, sys.InternalID)
		if err != nil {
			return err
		}
		errs = append(errs, cerrs...)
		// The platform does not re-check redirect URLs on update, but its
		// database refuses anything not http(s); we refuse it cleanly.
		errs = append(errs, checkRedirectURLs(req.AllowedRedirectURLs)...)
		errs = append(errs, checkTexts(req.Name, req.Description)...)
		if len(errs) > 0 {
			return problem.Validation(errs...)
		}
		now := s.clock.Now().UTC()
		sys.Name, sys.Description, sys.IsVisible = req.Name, req.Description, req.IsVisible
		sys.Rights, sys.AccessPackages = nonNil(req.Rights), nonNil(req.AccessPackages)
		sys.ClientIDs, sys.AllowedRedirectURLs = nonNil(req.ClientID), nonNil(req.AllowedRedirectURLs)
		sys.LastChanged = now
		if err := updateSystem(ctx, q, &sys); err != nil {
			return err
		}
		if err := syncClients(ctx, q, sys.InternalID, sys.ClientIDs, now); err != nil {
			if errors.Is(err, errClientTaken) {
				return problem.Validation(VldClientIDExists.At(pathClientID))
			}
			return err
		}
		return s.log(ctx, q, a, sys.InternalID, ChangeUpdate, logSystem(req), now)
	})
}

// UpdateRights replaces only the rights (PUT /vendor/{systemId}/rights).
func (s *Service) UpdateRights(ctx context.Context, a Actor, systemID string, rights []Right, ifMatch string) error {
	rights = nonNil(rights)
	for i := range rights {
		trimRight(&rights[i])
	}
	return s.updatePart(ctx, a, systemID, ifMatch, ChangeRightsUpdate, logRights(rights),
		func(RegisteredSystem) ([]problem.ValidationError, error) { return s.checkRights(ctx, rights) },
		func(sys *RegisteredSystem) { sys.Rights = rights })
}

// UpdateAccessPackages replaces only the access packages
// (PUT /vendor/{systemId}/accesspackages); rule 18 uses the stored isVisible.
func (s *Service) UpdateAccessPackages(ctx context.Context, a Actor, systemID string, pkgs []AccessPackageRef, ifMatch string) error {
	pkgs = nonNil(pkgs)
	for i := range pkgs {
		pkgs[i].URN = strings.TrimSpace(pkgs[i].URN)
	}
	return s.updatePart(ctx, a, systemID, ifMatch, ChangeAccessPackageUpdate, logPackages(pkgs),
		func(sys RegisteredSystem) ([]problem.ValidationError, error) {
			return s.checkPackages(ctx, pkgs, sys.IsVisible)
		},
		func(sys *RegisteredSystem) { sys.AccessPackages = pkgs })
}

// updatePart is the read-check-write of a partial update in one
// transaction: lock the system, refuse a deleted one or a stale If-Match,
// check the new part against the stored system, apply it and log it.
func (s *Service) updatePart(ctx context.Context, a Actor, systemID, ifMatch, kind string, logged any,
	check func(RegisteredSystem) ([]problem.ValidationError, error), apply func(*RegisteredSystem)) error {
	return db.InTx(ctx, s.pool, func(q db.Querier) error {
		sys, err := s.lockForWrite(ctx, q, a, systemID)
		if err != nil {
			return err
		}
		if sys.IsDeleted {
			return ErrSystemDeleted.New()
		}
		if err := checkVersion(sys, ifMatch); err != nil {
			return err
		}
		errs, err := check(sys)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return problem.Validation(errs...)
		}
		now := s.clock.Now().UTC()
		apply(&sys)
		sys.LastChanged = now
		if err := updateSystem(ctx, q, &sys); err != nil {
			return err
		}
		return s.log(ctx, q, a, sys.InternalID, kind, logged, now)
	})
}

// ErrDeleteNotFound is the platform's answer to deleting an unknown
// system: an ASP.NET ValidationProblem with key "return".
func errDeleteNotFound() *problem.Problem {
	return &problem.Problem{
		Type:       "https://tools.ietf.org/html/rfc9110#section-15.5.1",
		Title:      "One or more validation errors occurred.",
		Status:     http.StatusBadRequest,
		Extensions: map[string]any{"errors": map[string][]string{"return": {"System not found"}}},
	}
}

// Delete soft-deletes a system and frees its client ids. Existing system
// users of the system are left alone, as on the platform. (The platform
// answers 400 when the system had no client ids — a bug; we delete.)
func (s *Service) Delete(ctx context.Context, a Actor, systemID string) error {
	return db.InTx(ctx, s.pool, func(q db.Querier) error {
		sys, err := getSystem(ctx, q, systemID, true)
		if errors.Is(err, dberr.ErrNotFound) {
			return errDeleteNotFound()
		}
		if err != nil {
			return err
		}
		if !a.mayWrite(sys.Vendor) {
			return ErrForbidden.WithDetail("organisation %s does not own system %s", a.OrgNo, systemID)
		}
		if sys.IsDeleted {
			return errDeleteNotFound()
		}
		now := s.clock.Now().UTC()
		sys.IsDeleted, sys.LastChanged = true, now
		if err := updateSystem(ctx, q, &sys); err != nil {
			return err
		}
		if _, err := unbindAllClients(ctx, q, sys.InternalID); err != nil {
			return err
		}
		return s.log(ctx, q, a, sys.InternalID, ChangeDelete, nil, now)
	})
}

func (s *Service) lockForWrite(ctx context.Context, q db.Querier, a Actor, systemID string) (RegisteredSystem, error) {
	sys, err := getSystem(ctx, q, systemID, true)
	if errors.Is(err, dberr.ErrNotFound) {
		return sys, ErrSystemNotFound.WithDetail("System with ID '%s' not found.", systemID)
	}
	if err != nil {
		return sys, err
	}
	if !a.mayWrite(sys.Vendor) {
		return sys, ErrForbidden.WithDetail("organisation %s does not own system %s", a.OrgNo, systemID)
	}
	return sys, nil
}

// ETag is the entity tag of a system's current version.
func ETag(sys RegisteredSystem) string { return `"` + strconv.FormatInt(sys.Version, 10) + `"` }

func checkVersion(sys RegisteredSystem, ifMatch string) error {
	ifMatch = strings.TrimSpace(ifMatch)
	if ifMatch == "" || ifMatch == "*" {
		return nil
	}
	for _, tag := range strings.Split(ifMatch, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == ETag(sys) || tag == strconv.FormatInt(sys.Version, 10) {
			return nil
		}
	}
	return ErrPrecondition.WithDetail("If-Match %s does not match the current version %s", ifMatch, ETag(sys))
}

func (s *Service) log(ctx context.Context, q db.Querier, a Actor, internalID uuid.UUID, kind string, data any, now time.Time) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	return insertChangeLog(ctx, q, ChangeLog{SystemInternalID: internalID, ChangedByOrgNumber: a.OrgNo,
		ChangeType: kind, ChangedData: b, ClientID: a.ClientID, Created: now})
}

// vendorOrgNo reads the org number from vendor.ID, which must be
// "0192:<9 digits>".
func vendorOrgNo(v VendorInfo) (string, bool) {
	no, ok := strings.CutPrefix(v.ID, "0192:")
	if !ok || !parties.ValidOrgNo(no, true) {
		return "", false
	}
	return no, true
}

// validSystemID: the part before the first '_' is the vendor's org number
// and something follows it. The platform checks only the prefix (no
// character class, so neither do we); its docs and the issue require the
// '_' and a name after it, which the platform's code would let slip.
func validSystemID(id, vendor string) bool {
	prefix, rest, ok := strings.Cut(id, "_")
	return ok && prefix == vendor && rest != ""
}

func trimRight(r *Right) {
	r.Action = strings.TrimSpace(r.Action)
	for j := range r.Resource {
		r.Resource[j].ID = strings.TrimSpace(r.Resource[j].ID)
		r.Resource[j].Value = strings.TrimSpace(r.Resource[j].Value)
	}
}

// trimRequest does what the platform's TrimStringsActionFilter does.
func trimRequest(r *RegisterRequest) {
	r.ID = strings.TrimSpace(r.ID)
	r.Vendor.ID = strings.TrimSpace(r.Vendor.ID)
	for i := range r.ClientID {
		r.ClientID[i] = strings.TrimSpace(r.ClientID[i])
	}
	for i := range r.AllowedRedirectURLs {
		r.AllowedRedirectURLs[i] = strings.TrimSpace(r.AllowedRedirectURLs[i])
	}
	for i := range r.Rights {
		trimRight(&r.Rights[i])
	}
	for i := range r.AccessPackages {
		r.AccessPackages[i].URN = strings.TrimSpace(r.AccessPackages[i].URN)
	}
}

// checkRedirectURLs: absolute https, or http for localhost/loopback.
func checkRedirectURLs(urls []string) []problem.ValidationError {
	for _, raw := range urls {
		if !ValidRedirectURL(raw) {
			return []problem.ValidationError{VldRedirectURL.At(pathRedirectURLs)}
		}
	}
	return nil
}

// ValidRedirectURL is the register's rule for allowedRedirectUrls:
// absolute https, or http on localhost or a loopback address.
func ValidRedirectURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return true
	case "http":
		h := u.Hostname()
		if strings.EqualFold(h, "localhost") {
			return true
		}
		ip := net.ParseIP(h)
		return ip != nil && ip.IsLoopback()
	}
	return false
}

// checkClients: no duplicates in the body (11) and none bound to another
// system (4). As on the platform, a client id is any string: it need not be
// a Maskinporten client yet (the platform's own tests register random
// GUIDs), though getting a token for it later needs one.
func (s *Service) checkClients(ctx context.Context, vendor string, ids []string, self uuid.UUID) ([]problem.ValidationError, error) {
	var errs []problem.ValidationError
	seen := map[string]bool{}
	for _, id := range ids {
		k := strings.ToLower(id)
		if seen[k] {
			errs = append(errs, VldDuplicateClientIDs.At(pathClientID))
			break
		}
		seen[k] = true
	}
	taken, err := clientsTaken(ctx, s.pool, ids, self)
	if err != nil {
		return nil, err
	}
	if len(taken) > 0 {
		e := VldClientIDExists.At(pathClientID)
		e.Detail = "client ids already used by another system: " + strings.Join(taken, ", ")
		errs = append(errs, e)
	}
	return errs, nil
}

// delegableTypes are the resource types a system may ask rights for.
var delegableTypes = []string{resources.TypeAltinnApp, resources.TypeSystemresource, resources.TypeDefault,
	resources.TypeCorrespondenceService, resources.TypeBrokerService, resources.TypeGenericAccessResource, resources.TypeMigratedApp}

// DelegableResourceType reports whether a system may be given rights to a
// resource of type t (AUTH.VLD-00017 otherwise).
func DelegableResourceType(t string) bool { return slices.Contains(delegableTypes, t) }

// checkRights: every attribute is urn:altinn:resource (9), the resource
// exists (3) and is of a delegable type (17), no duplicates (6).
func (s *Service) checkRights(ctx context.Context, rights []Right) ([]problem.ValidationError, error) {
	var (
		errs                          []problem.ValidationError
		badFormat, missing, notDelegb []string
		seen                          = map[string]bool{}
		dup                           bool
	)
	// A right with an empty resource list passes, as on the platform.
	for _, r := range rights {
		var keyParts []string
		for _, ap := range r.Resource {
			keyParts = append(keyParts, strings.ToLower(ap.ID+"="+ap.Value))
			if ap.ID != resources.AttrResource {
				// The platform names the value, not the attribute id.
				badFormat = append(badFormat, ap.Value)
				continue
			}
			res, err := s.cat.Resource(ctx, ap.Value)
			if errors.Is(err, dberr.ErrNotFound) {
				missing = append(missing, ap.Value)
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("look up resource %q: %w", ap.Value, err)
			}
			if !DelegableResourceType(res.ResourceType) {
				notDelegb = append(notDelegb, ap.Value)
			}
		}
		key := strings.ToLower(r.Action) + "|" + strings.Join(keyParts, "&")
		if seen[key] {
			dup = true
		}
		seen[key] = true
	}
	if len(badFormat) > 0 {
		e := VldResourceIDFormat.At(pathRights)
		e.Extensions = map[string]any{"Invalid Resource Id Details : ": strings.Join(badFormat, " | ")}
		errs = append(errs, e)
	}
	if len(missing) > 0 {
		e := VldResourceNotFound.At(pathRights)
		e.Extensions = map[string]any{"ResourceIds Not Found : ": strings.Join(missing, " | ")}
		errs = append(errs, e)
	}
	if len(notDelegb) > 0 {
		e := VldResourceNotDelegable.At(pathRights)
		e.Extensions = map[string]any{"ResourceIds Not Delegable : ": strings.Join(notDelegb, " | ")}
		errs = append(errs, e)
	}
	if dup {
		errs = append(errs, VldRightDuplicates.At(pathRights))
	}
	return errs, nil
}

// checkPackages: well-formed URN of an existing, delegable or assignable
// package (8); no duplicates (7); a visible system may not ask for
// packages that are not assignable (client packages) (18).
func (s *Service) checkPackages(ctx context.Context, pkgs []AccessPackageRef, visible bool) ([]problem.ValidationError, error) {
	var (
		errs                         []problem.ValidationError
		badFormat, missing, notDeleg []string
		seen                         = map[string]bool{}
		dup, nonAssignable           bool
	)
	for _, p := range pkgs {
		k := strings.ToLower(p.URN)
		if seen[k] {
			dup = true
		}
		seen[k] = true
		if p.URN == "" || len(strings.Split(p.URN, ":")) < 4 || !strings.HasPrefix(k, resources.AttrAccessPackage+":") {
			badFormat = append(badFormat, p.URN)
			continue
		}
		ap, err := s.cat.Package(ctx, p.URN)
		if errors.Is(err, dberr.ErrNotFound) {
			missing = append(missing, p.URN)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("look up access package %q: %w", p.URN, err)
		}
		if !ap.IsDelegable && !ap.IsAssignable {
			notDeleg = append(notDeleg, p.URN)
		}
		if !ap.IsAssignable {
			nonAssignable = true
		}
	}
	if len(badFormat)+len(missing)+len(notDeleg) > 0 {
		var parts []string
		if len(badFormat) > 0 {
			parts = append(parts, "Invalid format: "+strings.Join(badFormat, ", "))
		}
		if len(missing) > 0 {
			parts = append(parts, "Not found: "+strings.Join(missing, ", "))
		}
		if len(notDeleg) > 0 {
			parts = append(parts, "Not possible to delegate: "+strings.Join(notDeleg, ", "))
		}
		e := VldPackageNotValid.At(pathAccessPackages)
		e.Extensions = map[string]any{"Invalid Urn Details : ": strings.Join(parts, " | ")}
		errs = append(errs, e)
	}
	if dup {
		errs = append(errs, VldPackageDuplicates.At(pathAccessPackages))
	}
	if visible && nonAssignable {
		errs = append(errs, VldVisibleWithNonAssignable.At(pathAccessPackages))
	}
	return errs, nil
}

// checkTexts: name and description in nb, nn and en (the platform's
// database refuses anything less, with a 500; we say why with a 400).
func checkTexts(name, desc map[string]string) []problem.ValidationError {
	var errs []problem.ValidationError
	for _, f := range []struct {
		m    map[string]string
		path string
	}{{name, pathName}, {desc, pathDescription}} {
		var missing []string
		for _, lang := range []string{"nb", "nn", "en"} {
			if strings.TrimSpace(f.m[lang]) == "" {
				missing = append(missing, lang)
			}
		}
		if len(missing) > 0 {
			e := VldTranslationMissing.At(f.path)
			e.Detail = "missing " + strings.Join(missing, ", ")
			errs = append(errs, e)
		}
	}
	return errs
}
