package register

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// MaxNamesLookup is the most parties one names lookup may ask for
// (PartiesController.MaxPartyNamesLookupItems).
const MaxNamesLookup = 1000

var vldTooMany = problem.ValidationDescriptor{Code: "REG.VLD-00001", Title: "Too many items requested"}

// NamesLookup is the body of POST /parties/nameslookup.
type NamesLookup struct {
	Parties []Lookup `json:"parties"`
}

// PersonName is a person's name in parts (PersonNameComponents).
type PersonName struct {
	FirstName  string  `json:"firstName"`
	MiddleName *string `json:"middleName"`
	LastName   string  `json:"lastName"`
}

// PartyName is one answer of a names lookup: the identifier asked for and
// the party's name, null when there is no such party.
type PartyName struct {
	SSN        *string     `json:"ssn"`
	OrgNo      *string     `json:"orgNo"`
	Name       *string     `json:"name"`
	PersonName *PersonName `json:"personName,omitempty"`
}

// NamesResult is the answer of POST /parties/nameslookup.
type NamesResult struct {
	PartyNames []PartyName `json:"partyNames"`
}

// ParseComponents reads ?partyComponentOption= as Register's
// PartyComponentOptionModelBinder does: comma-separated, each exactly
// "person-name"; it returns whether name parts are asked for, or the
// binding errors.
func ParseComponents(values []string) (bool, []string) {
	names, errs := false, []string(nil)
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			switch part {
			case "":
			case "person-name":
				names = true
			default:
				errs = append(errs, fmt.Sprintf("Invalid value: '%s'", part))
			}
		}
	}
	return names, errs
}

// CheckNames is Register's LookupV1PartyNamesRequestValidator: at most
// MaxNamesLookup items, each a valid lookup; every item's problems are
// reported, at /parties/{i}/….
func (s *Service) CheckNames(in NamesLookup) *problem.Problem {
	if len(in.Parties) > MaxNamesLookup {
		e := vldTooMany.At("/parties")
		e.Detail = fmt.Sprintf("A maximum of %d items are allowed.", MaxNamesLookup)
		return problem.Validation(e)
	}
	var errs []problem.ValidationError
	for i, l := range in.Parties {
		p := s.CheckLookup(l)
		if p == nil {
			continue
		}
		for _, e := range p.ValidationErrors {
			for j, path := range e.Paths {
				e.Paths[j] = fmt.Sprintf("/parties/%d%s", i, path)
			}
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return problem.Validation(errs...)
	}
	return nil
}

// Names answers POST /parties/nameslookup: one answer per item, in order,
// repeats kept.
func (s *Service) Names(ctx context.Context, in NamesLookup, nameParts bool) (NamesResult, error) {
	if p := s.CheckNames(in); p != nil {
		return NamesResult{}, p
	}
	out := NamesResult{PartyNames: make([]PartyName, 0, len(in.Parties))}
	for _, l := range in.Parties {
		pn := PartyName{SSN: l.SSN, OrgNo: l.OrgNo}
		party, err := s.Lookup(ctx, l)
		var p *problem.Problem
		switch {
		case errors.As(err, &p) && p.Code == ErrPartyNotFound.Code, errors.Is(err, dberr.ErrNotFound):
		case err != nil:
			return NamesResult{}, err
		default:
			name := party.Name
			pn.Name = &name
			if nameParts && party.Person != nil {
				pn.PersonName = &PersonName{FirstName: party.Person.FirstName, MiddleName: party.Person.MiddleName, LastName: party.Person.LastName}
			}
		}
		out.PartyNames = append(out.PartyNames, pn)
	}
	return out, nil
}
