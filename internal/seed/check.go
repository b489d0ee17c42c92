package seed

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/accesslists"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/registry"
	"github.com/altinn-sim/altinn-sim/internal/resources"
)

// roleCodePattern is the shape of a role code in the file. The other
// shapes are the services' own (mpclient.ValidClientID, mpclient.ValidScope,
// mpclient.ValidKeyID, resources.Normalise, registry.ValidRedirectURL): a
// file they would refuse is refused here, before any write.
var roleCodePattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// check validates the file's shape: formats, required fields, duplicates
// and references inside the file. References to what is already in the
// database are checked by Apply.
func (f *File) check() error {
	var p Problems
	bad := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }

	orgs := map[string]bool{}
	for i, o := range f.Organizations {
		at := fmt.Sprintf("organizations[%d]", i)
		if !parties.ValidOrgNo(o.OrgNo, false) {
			bad("%s.orgNo: %q is not a valid organisation number (9 digits, MOD11)", at, o.OrgNo)
		}
		if strings.TrimSpace(o.Name) == "" {
			bad("%s.name: required", at)
		}
		if orgs[o.OrgNo] {
			bad("%s: organisation %s is listed twice", at, o.OrgNo)
		}
		orgs[o.OrgNo] = true
	}
	persons := map[string]bool{}
	for i, ps := range f.Persons {
		at := fmt.Sprintf("persons[%d]", i)
		if !parties.ValidPID(ps.PID) {
			bad("%s.pid: %q is not a valid national identity number (11 digits, both check digits)", at, ps.PID)
		}
		if strings.TrimSpace(ps.Name) == "" {
			bad("%s.name: required", at)
		}
		if persons[ps.PID] {
			bad("%s: person %s is listed twice", at, ps.PID)
		}
		persons[ps.PID] = true
	}
	for i, r := range f.Roles {
		at := fmt.Sprintf("roles[%d]", i)
		if !parties.ValidOrgNo(r.Org, false) {
			bad("%s.org: %q is not a valid organisation number", at, r.Org)
		}
		if !roleCodePattern.MatchString(r.Role) {
			bad("%s.role: %q is not a role code (upper case, e.g. DAGL, REGN, ACCESS_MANAGER)", at, r.Role)
		}
		switch {
		case (r.Person == "") == (r.HolderOrg == ""):
			bad("%s: exactly one of person and holderOrg is required", at)
		case r.Person != "" && !parties.ValidPID(r.Person):
			bad("%s.person: %q is not a valid national identity number", at, r.Person)
		case r.HolderOrg != "" && !parties.ValidOrgNo(r.HolderOrg, false):
			bad("%s.holderOrg: %q is not a valid organisation number", at, r.HolderOrg)
		}
	}

	f.keys = map[int][]byte{}
	clients := map[string]bool{}
	for i, c := range f.Clients {
		at := fmt.Sprintf("clients[%d]", i)
		if c.ClientID == "" {
			bad("%s.clientId: required (a fixed id keeps seeding idempotent)", at)
		} else if !mpclient.ValidClientID(c.ClientID) {
			bad("%s.clientId: %q must be a UUID or letters, digits, '.', '_', ':' and '-' (at most 100)", at, c.ClientID)
		}
		if clients[c.ClientID] {
			bad("%s: client %s is listed twice", at, c.ClientID)
		}
		clients[c.ClientID] = true
		if !parties.ValidOrgNo(c.OrgNo, false) {
			bad("%s.orgNo: %q is not a valid organisation number", at, c.OrgNo)
		}
		if len(c.Name) > 200 {
			bad("%s.name: at most 200 characters", at)
		}
		for j, sc := range c.Scopes {
			if !mpclient.ValidScope(sc) {
				bad("%s.scopes[%d]: %q is not prefix:subscope", at, j, sc)
			}
		}
		keys, err := f.publicKeys(c)
		if err != nil {
			bad("%s: %v", at, err)
			continue
		}
		f.keys[i] = keys
	}

	f.res, f.policies = map[int]resources.Resource{}, map[int]resources.Policy{}
	resIDs := map[string]bool{}
	for i, r := range f.Resources {
		at := fmt.Sprintf("resources[%d]", i)
		res, err := r.resource()
		if err != nil {
			bad("%s: %v", at, err)
			continue
		}
		if resIDs[res.Identifier] {
			bad("%s: resource %s is listed twice", at, res.Identifier)
		}
		resIDs[res.Identifier] = true
		f.res[i] = res
		if r.Policy != nil {
			pol, err := r.policy(res.Identifier)
			if err != nil {
				bad("%s.policy: %v", at, err)
				continue
			}
			f.policies[i] = pol
		}
	}

	systems := map[string]bool{}
	for i, s := range f.Systems {
		at := fmt.Sprintf("systems[%d]", i)
		if !parties.ValidOrgNo(s.Vendor, false) {
			bad("%s.vendor: %q is not a valid organisation number", at, s.Vendor)
		}
		switch {
		case s.ID == "":
			bad("%s.id: required", at)
		case strings.ContainsAny(s.ID, " \t"):
			bad("%s.id: %q contains a space", at, s.ID)
		case !strings.HasPrefix(s.ID, s.Vendor+"_") || len(s.ID) == len(s.Vendor)+1:
			bad("%s.id: %q must be the vendor's org number, '_' and a name (e.g. %s_mysystem)", at, s.ID, s.Vendor)
		}
		if systems[s.ID] {
			bad("%s: system %s is listed twice", at, s.ID)
		}
		systems[s.ID] = true
		for _, t := range []struct {
			name string
			m    Texts
		}{{"name", s.Name}, {"description", s.Description}} {
			var missing []string
			for _, lang := range []string{"nb", "nn", "en"} {
				if strings.TrimSpace(t.m[lang]) == "" {
					missing = append(missing, lang)
				}
			}
			if len(missing) > 0 {
				bad("%s.%s: missing %s (give nb, nn and en, or one string for all)", at, t.name, strings.Join(missing, ", "))
			}
		}
		if err := checkRights(s.Rights); err != nil {
			bad("%s.rights: %v", at, err)
		}
		if err := checkPackageURNs(s.AccessPackages); err != nil {
			bad("%s.accessPackages: %v", at, err)
		}
		for j, u := range s.AllowedRedirectURLs {
			if !registry.ValidRedirectURL(u) {
				bad("%s.allowedRedirectUrls[%d]: %q is not an absolute https URL (http only on localhost)", at, j, u)
			}
		}
		seen := map[string]bool{}
		for j, id := range s.ClientIDs {
			if seen[strings.ToLower(id)] {
				bad("%s.clientIds[%d]: %q is listed twice", at, j, id)
			}
			seen[strings.ToLower(id)] = true
		}
	}

	// One system user per (system, owner, externalRef), of either kind; the
	// externalRef defaults to the owner's org number.
	triples := map[string]bool{}
	claimTriple := func(at, system, owner, ref string) {
		if ref == "" {
			ref = owner
		}
		k := system + "|" + owner + "|" + ref
		if triples[k] {
			bad("%s: a system user of %s for %s with externalRef %s is listed twice", at, system, owner, ref)
		}
		triples[k] = true
	}
	for i, u := range f.SystemUsers {
		at := fmt.Sprintf("systemUsers[%d]", i)
		if u.System == "" {
			bad("%s.system: required", at)
		}
		if !parties.ValidOrgNo(u.Org, false) {
			bad("%s.org: %q is not a valid organisation number", at, u.Org)
		}
		if u.ApprovedBy != "" && !parties.ValidPID(u.ApprovedBy) {
			bad("%s.approvedBy: %q is not a valid national identity number", at, u.ApprovedBy)
		}
		if err := checkRights(u.Rights); err != nil {
			bad("%s.rights: %v", at, err)
		}
		if err := checkPackageURNs(u.AccessPackages); err != nil {
			bad("%s.accessPackages: %v", at, err)
		}
		claimTriple(at, u.System, u.Org, u.ExternalRef)
	}
	for i, u := range f.AgentUsers {
		at := fmt.Sprintf("agentSystemUsers[%d]", i)
		if u.System == "" {
			bad("%s.system: required", at)
		}
		if !parties.ValidOrgNo(u.Facilitator, false) {
			bad("%s.facilitator: %q is not a valid organisation number", at, u.Facilitator)
		}
		if u.ApprovedBy != "" && !parties.ValidPID(u.ApprovedBy) {
			bad("%s.approvedBy: %q is not a valid national identity number", at, u.ApprovedBy)
		}
		if u.AccessPackages != nil && len(u.AccessPackages) == 0 {
			// The platform's AUTH-00063: an agent request carries packages.
			bad("%s.accessPackages: an agent system user needs at least one access package (leave it out for all the system's)", at)
		}
		if err := checkPackageURNs(u.AccessPackages); err != nil {
			bad("%s.accessPackages: %v", at, err)
		}
		seen := map[string]bool{}
		for j, c := range u.Clients {
			switch {
			case !parties.ValidOrgNo(c, false):
				bad("%s.clients[%d]: %q is not a valid organisation number", at, j, c)
			case c == u.Facilitator:
				bad("%s.clients[%d]: %s is the facilitator itself, not a client", at, j, c)
			case seen[c]:
				bad("%s.clients[%d]: %s is listed twice", at, j, c)
			}
			seen[c] = true
		}
		claimTriple(at, u.System, u.Facilitator, u.ExternalRef)
	}
	p = append(p, f.checkPersonAgents()...)
	p = append(p, f.checkAPIDelegation()...)
	lists := map[string]bool{}
	for i, l := range f.AccessLists {
		at := fmt.Sprintf("accessLists[%d]", i)
		if strings.TrimSpace(l.Owner) == "" {
			bad("%s.owner: required (the service owner's org code, e.g. skd)", at)
		}
		if strings.TrimSpace(l.Identifier) == "" {
			bad("%s.identifier: required", at)
		}
		if len(l.Identifier) > accesslists.MaxIdentifier {
			bad("%s.identifier: longer than %d bytes", at, accesslists.MaxIdentifier)
		}
		if strings.TrimSpace(l.Name) == "" {
			bad("%s.name: required", at)
		}
		key := strings.ToLower(l.Owner) + "/" + l.Identifier
		if lists[key] {
			bad("%s: access list %s is listed twice", at, key)
		}
		lists[key] = true
		members := map[string]bool{}
		for j, m := range l.Members {
			if _, ok := listMember(m); !ok {
				bad("%s.members[%d]: %q is neither an organisation number nor a party URN (urn:altinn:party:uuid:…, urn:altinn:party:id:…, urn:altinn:organization:identifier-no:…)", at, j, m)
			}
			if members[m] {
				bad("%s.members[%d]: %s is listed twice", at, j, m)
			}
			members[m] = true
		}
		res := map[string]bool{}
		for j, r := range l.Resources {
			if strings.TrimSpace(r.Resource) == "" {
				bad("%s.resources[%d]: the resource id is required", at, j)
			}
			if res[r.Resource] {
				bad("%s.resources[%d]: %s is listed twice", at, j, r.Resource)
			}
			res[r.Resource] = true
		}
	}
	if len(p) > 0 {
		return p
	}
	return nil
}

// listMember reads an access-list member: a valid organisation number, or
// a party URN the registry takes.
func listMember(m string) (accesslists.PartyRef, bool) {
	if parties.ValidOrgNo(m, false) {
		return accesslists.PartyRef{OrgNo: m}, true
	}
	ref, ok := accesslists.ParsePartyURN(m)
	if ok && ref.OrgNo != "" && !parties.ValidOrgNo(ref.OrgNo, false) {
		return ref, false
	}
	return ref, ok
}

func checkRights(rights []Right) error {
	seen := map[string]bool{}
	for j, r := range rights {
		if r.Resource == "" {
			return fmt.Errorf("[%d]: resource is required", j)
		}
		k := strings.ToLower(r.Action + "|" + r.Resource)
		if seen[k] {
			return fmt.Errorf("[%d]: %s is listed twice", j, r.Resource)
		}
		seen[k] = true
	}
	return nil
}

func checkPackageURNs(urns []string) error {
	seen := map[string]bool{}
	for j, u := range urns {
		if !strings.HasPrefix(strings.ToLower(u), resources.AttrAccessPackage+":") || len(strings.Split(u, ":")) < 4 {
			return fmt.Errorf("[%d]: %q is not urn:altinn:accesspackage:<name>", j, u)
		}
		if seen[strings.ToLower(u)] {
			return fmt.Errorf("[%d]: %q is listed twice", j, u)
		}
		seen[strings.ToLower(u)] = true
	}
	return nil
}

// publicKeys returns the client's public key set as JSON: at most five
// RSA keys of at least 2048 bits, each with a kid (Maskinporten's rules).
func (f *File) publicKeys(c Client) ([]byte, error) {
	var raw []byte
	switch {
	case c.EnterpriseCertificate && (c.JWKS != nil || c.JWKSFile != ""):
		return nil, fmt.Errorf("a client with enterpriseCertificate has no keys: drop jwks and jwksFile")
	case c.EnterpriseCertificate:
		return []byte(`{"keys":[]}`), nil
	case c.JWKS != nil && c.JWKSFile != "":
		return nil, fmt.Errorf("give jwks or jwksFile, not both")
	case c.JWKS != nil:
		b, err := json.Marshal(c.JWKS)
		if err != nil {
			return nil, fmt.Errorf("jwks: %v", err)
		}
		raw = b
	case c.JWKSFile != "":
		p := c.JWKSFile
		if !filepath.IsAbs(p) {
			p = filepath.Join(f.dir, p)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("jwksFile: %v", err)
		}
		raw = b
	default:
		return nil, fmt.Errorf("a public key is required (jwks or jwksFile), or enterpriseCertificate: true")
	}
	set, err := jwk.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("keys: not a JWK or JWK set: %v", err)
	}
	if set.Len() == 0 || set.Len() > 5 {
		return nil, fmt.Errorf("keys: want 1 to 5 keys, got %d", set.Len())
	}
	out := struct {
		Keys []json.RawMessage `json:"keys"`
	}{}
	kids := map[string]bool{}
	for i := 0; i < set.Len(); i++ {
		k, _ := set.Key(i)
		if k.KeyType().String() != "RSA" {
			return nil, fmt.Errorf("keys[%d]: only RSA keys are accepted, got %s", i, k.KeyType())
		}
		pub, err := k.PublicKey()
		if err != nil {
			return nil, fmt.Errorf("keys[%d]: %v", i, err)
		}
		var rk rsa.PublicKey
		if err := pub.Raw(&rk); err != nil {
			return nil, fmt.Errorf("keys[%d]: not a valid RSA key: %v", i, err)
		}
		if rk.N.BitLen() < 2048 {
			return nil, fmt.Errorf("keys[%d]: the RSA key has %d bits; at least 2048 are required", i, rk.N.BitLen())
		}
		if pub.KeyID() == "" {
			return nil, fmt.Errorf("keys[%d]: kid is required", i)
		}
		if !mpclient.ValidKeyID(pub.KeyID()) {
			return nil, fmt.Errorf("keys[%d]: kid %q may only contain letters, digits, '.', '_' and '-'", i, pub.KeyID())
		}
		if use := pub.KeyUsage(); use != "" && use != "sig" {
			return nil, fmt.Errorf("keys[%d]: use must be sig, got %q", i, use)
		}
		if kids[pub.KeyID()] {
			return nil, fmt.Errorf("keys[%d]: kid %q is used twice", i, pub.KeyID())
		}
		kids[pub.KeyID()] = true
		if a := pub.Algorithm().String(); a != "" && !slices.Contains([]string{"RS256", "RS384", "RS512"}, a) {
			return nil, fmt.Errorf("keys[%d]: alg %s is not RS256, RS384 or RS512", i, a)
		}
		b, err := json.Marshal(pub)
		if err != nil {
			return nil, err
		}
		out.Keys = append(out.Keys, b)
	}
	return json.Marshal(out)
}

// resource builds the registry's resource from the file's fields, with the
// registry's defaults (delegable, visible) and the checks it makes
// (resources.Normalise), plus the owner the file must name.
func (r Resource) resource() (resources.Resource, error) {
	res := resources.NewResource()
	b, err := json.Marshal(r.Body)
	if err != nil {
		return res, err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil {
		return res, fmt.Errorf("not a resource: %v", err)
	}
	if err := resources.Normalise(&res); err != nil {
		var p *problem.Problem
		if errors.As(err, &p) {
			return res, errors.New(p.Detail)
		}
		return res, err
	}
	if res.HasCompetentAuthority == nil || !parties.ValidOrgNo(res.HasCompetentAuthority.Organization, true) {
		return res, fmt.Errorf("hasCompetentAuthority.organization: the owner's organisation number is required")
	}
	return res, nil
}

// policy builds the stored form of the resource's policy, as the
// registry normalises it (default rule ids, Permit, lower-case role codes,
// the resource itself when a rule names none).
func (r Resource) policy(resourceID string) (resources.Policy, error) {
	p := resources.Policy{ResourceID: resourceID, PolicyID: "urn:altinn:resource:" + resourceID + ":policy", MinAuthLevel: r.Policy.MinAuthLevel}
	if p.MinAuthLevel < 0 || p.MinAuthLevel > 4 {
		return p, fmt.Errorf("minAuthLevel %d is not 0-4", p.MinAuthLevel)
	}
	if len(r.Policy.Rules) == 0 {
		return p, fmt.Errorf("the policy has no rules")
	}
	for i, in := range r.Policy.Rules {
		rule := resources.Rule{RuleID: in.RuleID, Description: in.Description, Actions: slices.Clone(in.Actions)}
		if rule.RuleID == "" {
			rule.RuleID = fmt.Sprintf("urn:altinn:resource:%s:ruleid:%d", resourceID, i+1)
		}
		switch {
		case in.Effect == "", strings.EqualFold(in.Effect, resources.EffectPermit):
			rule.Effect = resources.EffectPermit
		case strings.EqualFold(in.Effect, resources.EffectDeny):
			rule.Effect = resources.EffectDeny
		default:
			return p, fmt.Errorf("rules[%d].effect: %q is not Permit or Deny", i, in.Effect)
		}
		if len(in.Subjects) == 0 {
			return p, fmt.Errorf("rules[%d]: no subjects", i)
		}
		for _, s := range in.Subjects {
			attr, v, ok := resources.SplitSubject(strings.TrimSpace(s))
			if !ok {
				return p, fmt.Errorf("rules[%d].subjects: %q is not a known subject attribute (e.g. urn:altinn:rolecode:dagl, urn:altinn:accesspackage:<name>)", i, s)
			}
			if attr == resources.AttrRoleCode {
				v = strings.ToLower(v)
			}
			rule.Subjects = append(rule.Subjects, attr+":"+v)
		}
		if len(in.Actions) == 0 {
			return p, fmt.Errorf("rules[%d]: no actions", i)
		}
		if len(in.Resources) == 0 {
			rule.Resources = [][]resources.AttributeMatch{{{ID: resources.AttrResource, Value: resourceID}}}
		}
		for j, all := range in.Resources {
			if len(all) == 0 {
				return p, fmt.Errorf("rules[%d].resources[%d]: empty", i, j)
			}
			var ms []resources.AttributeMatch
			for _, m := range all {
				if m.ID == "" || m.Value == "" {
					return p, fmt.Errorf("rules[%d].resources[%d]: id and value are required", i, j)
				}
				ms = append(ms, resources.AttributeMatch{ID: m.ID, Value: m.Value})
			}
			rule.Resources = append(rule.Resources, ms)
		}
		p.Rules = append(p.Rules, rule)
	}
	return p, nil
}
