package pdp

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
)

// resourceParty is the party a request acts for, as the register knows
// it: an organisation, or a person (Person set, the organisation zero).
// The real PDP's context handler resolves the resource party to a party
// id whatever its type (Register's PartyLookup by organisation number or
// national identity number, or the party id or uuid as given), and decides
// for a person as for an organisation: what the subject holds for that
// party, then the access-list gate, which admits organisations only.
type resourceParty struct {
	parties.Organization
	Person *parties.Person
}

// label names the party in the trace.
func (p resourceParty) label() string {
	if p.Person != nil {
		return "person " + p.Person.PID
	}
	return p.OrgNo
}

// describe is the trace's "Acting for" line.
func (p resourceParty) describe() string {
	if p.Person != nil {
		return fmt.Sprintf("person %s %s (party id %d, uuid %s)", p.Person.PID, p.Person.Name, p.Person.PartyID, p.Person.PartyUUID)
	}
	return fmt.Sprintf("%s %s (party id %d, uuid %s)", p.OrgNo, p.Name, p.PartyID, p.PartyUUID)
}

// resolveParty finds the party the request acts for in upstream's order
// (ContextHandler.EnrichResourceParty): a party id as given, else the
// organisation number, else the national identity number (/authorize
// only; parseResource refuses it on /decision), else the party uuid. A
// party id or uuid may name an organisation or a person.
func (s *Service) resolveParty(ctx context.Context, p PartyRef, tr *Trace) (resourceParty, bool, error) {
	if p.IsZero() {
		if tr != nil {
			tr.step("no resource party in the request (urn:altinn:organization:identifier-no, urn:altinn:partyid, urn:altinn:party:uuid or, on /authorize, urn:altinn:person:identifier-no)")
		}
		return resourceParty{}, false, nil
	}
	var (
		key    string
		org    func() (parties.Organization, error)
		person func() (parties.Person, error)
	)
	switch {
	case p.PartyID != 0:
		key = "partyid:" + strconv.FormatInt(p.PartyID, 10)
		org = func() (parties.Organization, error) { return s.parties.OrgByPartyID(ctx, p.PartyID) }
		person = func() (parties.Person, error) { return s.parties.PersonByPartyID(ctx, p.PartyID) }
	case p.OrgNo != "":
		key = "orgno:" + p.OrgNo
		org = func() (parties.Organization, error) { return s.parties.Org(ctx, p.OrgNo) }
	case p.PID != "":
		key = "pid:" + p.PID
		person = func() (parties.Person, error) { return s.parties.Person(ctx, p.PID) }
	default:
		key = "uuid:" + p.PartyUUID.String()
		org = func() (parties.Organization, error) { return s.parties.OrgByPartyUUID(ctx, p.PartyUUID) }
		person = func() (parties.Person, error) { return s.parties.PersonByPartyUUID(ctx, p.PartyUUID) }
	}
	found := func(rp resourceParty) (resourceParty, bool, error) {
		if tr != nil {
			tr.Party = rp.describe()
		}
		return rp, true, nil
	}
	if org != nil {
		o, err := s.c.org(key, org)
		if err == nil {
			return found(resourceParty{Organization: o})
		}
		if !errors.Is(err, dberr.ErrNotFound) {
			return resourceParty{}, false, err
		}
	}
	if person != nil {
		pp, err := s.c.person(key, person)
		if err == nil {
			return found(resourceParty{Person: &pp})
		}
		if !errors.Is(err, dberr.ErrNotFound) {
			return resourceParty{}, false, err
		}
	}
	if tr != nil {
		switch {
		case person == nil:
			tr.step("resource party %s is not a known organisation", key)
		case org == nil:
			tr.step("resource party %s is not a known person", key)
		default:
			tr.step("resource party %s is not a known organisation or person", key)
		}
	}
	return resourceParty{}, false, nil
}

// selfRoles are the roles Altinn's decision point gets for a person acting
// for themselves, on their own party: PRIV (privatperson) and the Altinn
// roles a person holds for their own affairs. They are what the platform's
// role source (SBL's decision-point roles) answers there, as the PDP's own
// tests have it for user 1337 on their own party 501337
// (Altinn/altinn-authorization-tmp, test Data/Roles/user_1337/party_501337).
var selfRoles = []string{"PRIV", "UTINN", "LOPER", "ADMAI", "PRIUT", "REGNA", "SISKD", "UILUF", "UTOMR", "PAVAD", "KOMAB", "BOADM", "A0212", "A0236", "A0278", "A0282"}

// personPartyFacts is what a person subject holds for a person party:
// acting for themselves, the roles a person has on their own party;
// for anyone else, nothing (roles are registered on organisations, and the
// emulator holds no delegations between persons).
func personPartyFacts(subject parties.Person, party parties.Person, tr *Trace) Facts {
	var f Facts
	if subject.PID != party.PID {
		if tr != nil {
			tr.step("person %s holds no role for person %s: roles are held at organisations, and the emulator keeps no delegations between persons", subject.PID, party.PID)
		}
		return f
	}
	src := "the person acts for themselves (party " + strconv.FormatInt(party.PartyID, 10) + "): Altinn's roles on one's own party"
	for _, r := range selfRoles {
		f.Roles = append(f.Roles, Held{Value: r, Source: src})
	}
	if tr != nil {
		tr.step("person %s acts for themselves: %d role(s) on their own party (PRIV and Altinn's roles for one's own affairs), no access packages", party.PID, len(f.Roles))
	}
	return f
}
