package register

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

var vldInvalidPartyUUID = problem.ValidationDescriptor{Code: "REG.VLD-00010", Title: "Invalid party uuid"}

// MaxIdentifiers is the most identifiers GET /parties/identifiers takes.
const MaxIdentifiers = 100

// Identifiers is one answer of GET /parties/identifiers (PartyIdentifiers;
// a person's national identity number is left out there).
type Identifiers struct {
	PartyID   int64     `json:"partyId"`
	PartyUUID uuid.UUID `json:"partyUuid"`
	OrgNumber *string   `json:"orgNumber,omitempty"`
}

// found reports whether err is the not-found answer of a party read.
func found(err error) (bool, error) {
	var p *problem.Problem
	if errors.As(err, &p) && p.Code == ErrPartyNotFound.Code {
		return false, nil
	}
	return err == nil, err
}

// PartyList answers POST /parties/partylist: the parties of the ids that
// exist, each once, in the order asked. Every id must be positive.
func (s *Service) PartyList(ctx context.Context, ids []int64) ([]Party, error) {
	var errs []problem.ValidationError
	for i, id := range ids {
		if id <= 0 {
			errs = append(errs, vldInvalidPartyID.At(fmt.Sprintf("/%d", i)))
		}
	}
	if len(errs) > 0 {
		return nil, problem.Validation(errs...)
	}
	out := []Party{}
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		p, err := s.PartyByID(ctx, id)
		if ok, err := found(err); err != nil {
			return nil, err
		} else if ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// PartyListByUUID answers POST /parties/partylistbyuuid.
func (s *Service) PartyListByUUID(ctx context.Context, ids []uuid.UUID) ([]Party, error) {
	out := []Party{}
	seen := map[uuid.UUID]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		p, err := s.PartyByUUID(ctx, id)
		if ok, err := found(err); err != nil {
			return nil, err
		} else if ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// IdentifierQuery is GET /parties/identifiers' query: each list as given
// (repeated parameters, comma-separated values).
type IdentifierQuery struct {
	IDs, UUIDs, Orgs []string
}

func splitAll(vals []string) []string {
	var out []string
	for _, v := range vals {
		out = append(out, strings.Split(v, ",")...)
	}
	return out
}

// Identifiers answers GET /parties/identifiers with Register's checks:
// every value well-formed, between 1 and 100 of them in all.
func (s *Service) Identifiers(ctx context.Context, q IdentifierQuery) ([]Identifiers, error) {
	var errs []problem.ValidationError
	detailed := func(d problem.ValidationDescriptor, detail string, paths ...string) {
		e := d.At(paths...)
		e.Detail = detail
		errs = append(errs, e)
	}
	var ids []int64
	var uuids []uuid.UUID
	var orgs []string
	for _, v := range splitAll(q.IDs) {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			detailed(vldInvalidPartyID, "Invalid id: "+v, "$QUERY/ids")
			continue
		}
		ids = append(ids, int64(n))
	}
	for _, v := range splitAll(q.UUIDs) {
		id, err := uuid.Parse(v)
		if err != nil {
			detailed(vldInvalidPartyUUID, "Invalid uuid: "+v, "$QUERY/uuids")
			continue
		}
		uuids = append(uuids, id)
	}
	for _, v := range splitAll(q.Orgs) {
		if !parties.ValidOrgNo(v, s.lenient) {
			detailed(vldInvalidOrgNo, "Invalid organization number: "+v, "$QUERY/orgs")
			continue
		}
		orgs = append(orgs, v)
	}
	count := len(ids) + len(uuids) + len(orgs)
	if count > MaxIdentifiers {
		detailed(vldTooMany, fmt.Sprintf("Maximum number of identifiers is %d", MaxIdentifiers), "$QUERY/ids", "$QUERY/uuids", "$QUERY/orgs")
	}
	if count == 0 {
		detailed(vldRequired, "At least one of the query parameters 'ids', 'uuids' or 'orgs' must be provided", "$QUERY/ids", "$QUERY/uuids", "$QUERY/orgs")
	}
	if len(errs) > 0 {
		return nil, problem.Validation(errs...)
	}
	var parties []Party
	for _, id := range ids {
		if id == 0 {
			continue // parses, names no party
		}
		p, err := s.PartyByID(ctx, id)
		if ok, err := found(err); err != nil {
			return nil, err
		} else if ok {
			parties = append(parties, p)
		}
	}
	more, err := s.PartyListByUUID(ctx, uuids)
	if err != nil {
		return nil, err
	}
	parties = append(parties, more...)
	for _, o := range orgs {
		p, err := s.Lookup(ctx, Lookup{OrgNo: &o})
		if ok, err := found(err); err != nil {
			return nil, err
		} else if ok {
			parties = append(parties, p)
		}
	}
	out := []Identifiers{}
	seen := map[int64]bool{}
	for _, p := range parties {
		if seen[p.PartyID] {
			continue
		}
		seen[p.PartyID] = true
		out = append(out, Identifiers{PartyID: p.PartyID, PartyUUID: p.PartyUUID, OrgNumber: p.OrgNumber})
	}
	return out, nil
}
