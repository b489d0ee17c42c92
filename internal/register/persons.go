package register

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// The person lookup's headers (Register's PersonLookupIdentifiers).
const (
	HeaderNationalIdentityNumber = "X-Ai-NationalIdentityNumber"
	HeaderLastName               = "X-Ai-LastName"
)

// maxLastNameHeader is the longest X-Ai-LastName Register's binder takes.
const maxLastNameHeader = 4096

// Register's problems for the person lookup.
var (
	ErrLookupBlocked  = problem.Descriptor{Code: "REG-00008", Status: http.StatusTooManyRequests, Title: "Too many failed attempts to lookup person"}
	ErrPersonNotFound = problem.Descriptor{Code: "REG-00009", Status: http.StatusNotFound, Title: "Person not found"}
)

// throttlePolicy is Register's "person-lookup-failed-attempts" rate-limit
// policy (appsettings.json: Limit 10, WindowDuration and BlockDuration one
// hour, WindowBehavior TrailingEdge, BlockedRequestBehavior Ignore: a
// blocked request neither counts nor renews the block).
type throttlePolicy struct {
	Limit  int
	Window time.Duration
	Block  time.Duration
}

// PersonLookupPolicy is the policy the emulator runs with.
var PersonLookupPolicy = throttlePolicy{Limit: 10, Window: time.Hour, Block: time.Hour}

// DecodeLastName is the X-Ai-LastName binding: the value is taken as
// base64 of UTF-8 when it is that (whitespace inside ignored, padding
// required, as .NET's Convert.TryFromBase64String), else as it is. A
// plain name that happens to be valid base64 of valid UTF-8 is read
// decoded, as on the platform.
func DecodeLastName(v string) string {
	if v == "" {
		return v
	}
	compact := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, v)
	b, err := base64.StdEncoding.DecodeString(compact)
	if err != nil || !utf8.Valid(b) {
		return v
	}
	return string(b)
}

// PersonLookup is GET /persons for a checked request: the person with
// the national identity number, when the last name matches; each miss
// (unknown number or other name, told apart by no one) counts against the
// user, and a blocked user gets 429 before any lookup.
func (s *Service) PersonLookup(ctx context.Context, user uuid.UUID, pid, lastName string) (Person, error) {
	if s.pool == nil {
		return Person{}, errors.New("register: the person lookup has no database")
	}
	now := s.clock.Now()
	until, err := lookupBlockedUntil(ctx, s.pool, user, now)
	if err != nil {
		return Person{}, err
	}
	if !until.IsZero() {
		slog.InfoContext(ctx, "register: user has made too many failed person lookups", "user", user, "blocked_until", until)
		return Person{}, ErrLookupBlocked.New()
	}
	p, err := s.parties.Person(ctx, pid)
	if err != nil && !errors.Is(err, dberr.ErrNotFound) {
		return Person{}, err
	}
	if err == nil {
		person := *PersonParty(p).Person
		if person.LastName != "" && parties.LastNamesSimilar(person.LastName, lastName) {
			return person, nil
		}
	}
	// Counted even when the caller has gone: Register records the attempt
	// with no cancellation.
	if err := db.InTx(context.WithoutCancel(ctx), s.pool, func(q db.Querier) error {
		return recordLookupFailure(ctx, q, user, now, s.policy)
	}); err != nil {
		return Person{}, err
	}
	return Person{}, ErrPersonNotFound.New()
}

// handlePersons is PersonsController.GetPerson: both headers checked
// first (400 naming each), then the caller must be a user with a party
// uuid (an organisation's token: a bare 403).
func (s *Service) handlePersons(w http.ResponseWriter, r *http.Request) error {
	nin := r.Header.Get(HeaderNationalIdentityNumber)
	rawLast := r.Header.Get(HeaderLastName)
	if len(rawLast) > maxLastNameHeader {
		return bindError(HeaderLastName, "The value is too long.")
	}
	last := DecodeLastName(rawLast)
	var errs []problem.ValidationError
	switch {
	case strings.TrimSpace(nin) == "":
		errs = append(errs, vldRequired.At("$HEADER/"+HeaderNationalIdentityNumber))
	case !parties.ValidPID(nin):
		errs = append(errs, vldInvalidPersonNo.At("$HEADER/"+HeaderNationalIdentityNumber))
	}
	if strings.TrimSpace(last) == "" {
		errs = append(errs, vldRequired.At("$HEADER/"+HeaderLastName))
	}
	if len(errs) > 0 {
		return problem.Validation(errs...)
	}
	c, _ := auth.CallerFrom(r.Context())
	claim, _ := c.Claims["urn:altinn:party:uuid"].(string)
	user, err := uuid.Parse(claim)
	if err != nil || claim == "" {
		return route.Status(http.StatusForbidden)
	}
	p, err := s.PersonLookup(r.Context(), user, nin, last)
	if err != nil {
		return fmt.Errorf("person lookup: %w", err)
	}
	respond.JSON(w, http.StatusOK, p)
	return nil
}
