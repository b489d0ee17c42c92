package seed

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/apidelegation"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/scopes"
)

// apiPlan is what a seeding writes for delegated API access: scopes with
// their consumers' access, delegation schemes, delegations.
type apiPlan struct {
	scopes    []scopes.Scope
	owners    []string // scopes[i]'s owner
	scopeAct  []action
	grants    []scopeGrant
	kept      int // consumers that already had access
	schemes   []apidelegation.NewScheme
	schemeAct []action
	delegs    []apidelegation.NewDelegation
	delegAct  []action
	// usable[org] are the file's scopes org's clients may carry once
	// written ("*": any organisation, a delegable scope).
	usable map[string]map[string]bool
	inFile map[string]bool
	// registered: the file's scopes the register has already.
	registered map[string]bool
}

type scopeGrant struct{ owner, scope, consumer string }

// ownerOf is the owner the file gives the scope.
func (a apiPlan) ownerOf(name string) string {
	for i, s := range a.scopes {
		if s.Name == name {
			return a.owners[i]
		}
	}
	return ""
}

// splitFileScopes splits a client's scopes into those the register must
// judge and, for the file's new scopes (which the register does not know
// before the seeding writes them), the refusals: a new file scope org may
// not use (not its owner's, not granted to it, not delegable). A file
// scope the register already has is judged by the register too: access
// given before stays.
func (a apiPlan) splitFileScopes(org string, names []string) (check []string, refused map[int]string) {
	for i, n := range names {
		switch {
		case !a.inFile[n]:
			check = append(check, n)
			continue
		case a.usable[org][n] || a.usable["*"][n]:
			// The seeding makes it usable (and active).
			continue
		case a.registered[n]:
			check = append(check, n)
			continue
		}
		if refused == nil {
			refused = map[int]string{}
		}
		refused[i] = scopes.Refusal(org, n, scopes.NotGranted)
	}
	return check, refused
}

// checkAPIDelegation checks the shape of the scopes, schemes and
// delegations (no database).
func (f *File) checkAPIDelegation() Problems {
	var p Problems
	bad := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	names := map[string]bool{}
	for i, s := range f.Scopes {
		at := fmt.Sprintf("scopes[%d]", i)
		if _, _, ok := scopes.Split(s.Name); !ok {
			bad("%s.name: %q is not a scope name (prefix:subscope)", at, s.Name)
		} else if names[s.Name] {
			bad("%s: scope %s is listed twice", at, s.Name)
		}
		names[s.Name] = true
		if !parties.ValidOrgNo(s.Owner, false) {
			bad("%s.owner: %q is not a valid organisation number", at, s.Owner)
		}
		if d := strings.TrimSpace(s.Description); d == "" || len(d) > 255 {
			bad("%s.description: required (at most 255 characters)", at)
		}
		if s.DelegationSource != "" {
			if u, err := url.Parse(s.DelegationSource); err != nil || !u.IsAbs() || (u.Scheme != "https" && u.Scheme != "http") {
				bad("%s.delegationSource: %q is not an absolute URL (e.g. https://tt02.altinn.no/)", at, s.DelegationSource)
			}
		}
		for j, c := range s.Consumers {
			if !parties.ValidOrgNo(c, false) {
				bad("%s.consumers[%d]: %q is not a valid organisation number", at, j, c)
			}
		}
	}
	ids := map[string]bool{}
	for i, s := range f.APISchemes {
		at := fmt.Sprintf("apiDelegationSchemes[%d]", i)
		for _, e := range apidelegation.ValidateScheme(apidelegation.NewScheme{Identifier: s.Identifier, OwnerOrgNo: s.Owner,
			Scopes: s.Scopes, Title: s.Title, Description: s.Description}) {
			bad("%s.%s: %s", at, schemeField(e.Paths[0]), e.Title)
		}
		if ids[s.Identifier] {
			bad("%s: scheme %s is listed twice", at, s.Identifier)
		}
		ids[s.Identifier] = true
	}
	type triple struct{ scheme, consumer, supplier string }
	seen := map[triple]bool{}
	for i, d := range f.APIDelegations {
		at := fmt.Sprintf("apiDelegations[%d]", i)
		for _, e := range apidelegation.ValidateDelegation(apidelegation.NewDelegation{Scheme: d.Scheme, ConsumerOrgNo: d.Consumer, SupplierOrgNo: d.Supplier}) {
			bad("%s.%s: %s", at, delegationField(e.Paths[0]), e.Title)
		}
		k := triple{d.Scheme, d.Consumer, d.Supplier}
		if seen[k] {
			bad("%s: the delegation is listed twice", at)
		}
		seen[k] = true
	}
	return p
}

// schemeField and delegationField name the file's keys for the JSON
// paths of the validation errors.
func schemeField(path string) string {
	switch path {
	case "/owner_orgno":
		return "owner"
	}
	return strings.TrimPrefix(path, "/")
}

func delegationField(path string) string {
	switch path {
	case "/consumer_orgno":
		return "consumer"
	case "/supplier_orgno":
		return "supplier"
	}
	return strings.TrimPrefix(path, "/")
}

// planAPIDelegation reads the register and decides the writes; problems go
// to p.problems.
func (d Deps) planAPIDelegation(ctx context.Context, f *File, p *plan, orgKnown func(string) (bool, error)) error {
	bad := func(format string, args ...any) { p.problems = append(p.problems, fmt.Sprintf(format, args...)) }
	a := &p.api
	a.usable = map[string]map[string]bool{}
	a.inFile = map[string]bool{}
	a.registered = map[string]bool{}
	use := func(org, scope string) {
		if a.usable[org] == nil {
			a.usable[org] = map[string]bool{}
		}
		a.usable[org][scope] = true
	}
	if len(f.Scopes)+len(f.APISchemes)+len(f.APIDelegations) == 0 {
		// Nothing of delegated API access: seedings without the services
		// (older callers of Deps) never reach them.
		return nil
	}
	if len(f.Scopes) > 0 && d.Scopes == nil {
		bad("scopes: this seeding cannot write scopes")
		return nil
	}
	if len(f.APISchemes)+len(f.APIDelegations) > 0 && (d.APIDelegation == nil || d.Scopes == nil) {
		bad("apiDelegationSchemes: this seeding cannot write delegated API access")
		return nil
	}
	fileScopes := map[string]Scope{}
	for i, s := range f.Scopes {
		at := fmt.Sprintf("scopes[%d]", i)
		fileScopes[s.Name] = s
		a.inFile[s.Name] = true
		if ok, err := orgKnown(s.Owner); err != nil {
			return err
		} else if !ok {
			bad("%s.owner: no organisation %s (add it under organizations)", at, s.Owner)
		}
		st, err := d.Scopes.StandingOf(ctx, s.Owner, s.Name)
		if err != nil {
			return err
		}
		prefix, sub, _ := scopes.Split(s.Name)
		want := scopes.NewScopeDefaults()
		want.Prefix, want.Subscope, want.Name = prefix, sub, s.Name
		want.Description, want.DelegationSource = strings.TrimSpace(s.Description), s.DelegationSource
		act := create
		switch {
		case st.PrefixOwner != "" && st.PrefixOwner != s.Owner:
			bad("%s.name: the prefix %q belongs to organisation %s", at, prefix, st.PrefixOwner)
		case st.Registered:
			a.registered[s.Name] = true
			cur, err := d.Scopes.OwnScope(ctx, s.Owner, s.Name)
			if err != nil {
				return err
			}
			act = keep
			if !cur.Active || cur.Description != want.Description || cur.DelegationSource != want.DelegationSource {
				act = update
			}
		}
		a.scopes, a.owners, a.scopeAct = append(a.scopes, want), append(a.owners, s.Owner), append(a.scopeAct, act)
		use(s.Owner, s.Name)
		if s.DelegationSource != "" {
			use("*", s.Name)
		}
		for j, c := range dedupe(s.Consumers) {
			if ok, err := orgKnown(c); err != nil {
				return err
			} else if !ok {
				bad("%s.consumers[%d]: no organisation %s (add it under organizations)", at, j, c)
			}
			use(c, s.Name)
			cst, err := d.Scopes.StandingOf(ctx, c, s.Name)
			if err != nil {
				return err
			}
			if cst.Access == scopes.StateApproved {
				a.kept++
				continue
			}
			a.grants = append(a.grants, scopeGrant{owner: s.Owner, scope: s.Name, consumer: c})
		}
	}

	existing, err := d.APIDelegation.Schemes(ctx, "")
	if err != nil {
		return err
	}
	known := map[string]apidelegation.Scheme{}
	for _, s := range existing {
		known[s.Identifier] = s
	}
	fileSchemes := map[string]bool{}
	for i, s := range f.APISchemes {
		at := fmt.Sprintf("apiDelegationSchemes[%d]", i)
		fileSchemes[s.Identifier] = true
		for j, name := range s.Scopes {
			if fs, ok := fileScopes[name]; ok {
				if fs.Owner != s.Owner {
					bad("%s.scopes[%d]: %s belongs to %s, not %s", at, j, name, fs.Owner, s.Owner)
				}
				continue
			}
			st, err := d.Scopes.StandingOf(ctx, s.Owner, name)
			if err != nil {
				return err
			}
			switch {
			case st.PrefixOwner == "":
			case !st.Registered || !st.Active:
				bad("%s.scopes[%d]: no active scope %s (add it under scopes)", at, j, name)
			case st.PrefixOwner != s.Owner:
				bad("%s.scopes[%d]: %s belongs to %s, not %s", at, j, name, st.PrefixOwner, s.Owner)
			}
		}
		in := apidelegation.NewScheme{Identifier: s.Identifier, OwnerOrgNo: s.Owner, Scopes: s.Scopes,
			Title: strings.TrimSpace(s.Title), Description: strings.TrimSpace(s.Description)}
		act := create
		if cur, ok := known[s.Identifier]; ok {
			act = keep
			if cur.OwnerOrgNo != in.OwnerOrgNo || !slices.Equal(cur.Scopes, in.Scopes) || cur.Title != in.Title || cur.Description != in.Description {
				act = update
			}
		}
		a.schemes, a.schemeAct = append(a.schemes, in), append(a.schemeAct, act)
	}
	for i, dl := range f.APIDelegations {
		at := fmt.Sprintf("apiDelegations[%d]", i)
		if _, ok := known[dl.Scheme]; !ok && !fileSchemes[dl.Scheme] {
			bad("%s.scheme: no delegation scheme %s (add it under apiDelegationSchemes)", at, dl.Scheme)
		}
		for _, o := range []struct{ key, org string }{{"consumer", dl.Consumer}, {"supplier", dl.Supplier}} {
			if ok, err := orgKnown(o.org); err != nil {
				return err
			} else if !ok {
				bad("%s.%s: no organisation %s (add it under organizations)", at, o.key, o.org)
			}
		}
		live, err := d.APIDelegation.Delegations(ctx, apidelegation.Filter{ConsumerOrgNo: dl.Consumer, SupplierOrgNo: dl.Supplier, Scheme: dl.Scheme})
		if err != nil {
			return err
		}
		act := create
		if len(live) > 0 {
			act = keep
		}
		a.delegs = append(a.delegs, apidelegation.NewDelegation{Scheme: dl.Scheme, ConsumerOrgNo: dl.Consumer, SupplierOrgNo: dl.Supplier})
		a.delegAct = append(a.delegAct, act)
	}
	return nil
}

// applyScopes writes the scopes and grants their consumers access, as
// the owner does with the self-service API.
func (d Deps) applyScopes(ctx context.Context, a apiPlan, count func(string, action)) error {
	for i, s := range a.scopes {
		switch a.scopeAct[i] {
		case create:
			if _, err := d.Scopes.CreateScope(ctx, a.ownerOf(s.Name), s); err != nil {
				return fmt.Errorf("scope %s: %w", s.Name, err)
			}
		case update:
			want := s
			if _, err := d.Scopes.UpdateScope(ctx, a.ownerOf(s.Name), s.Name, func(cur scopes.Scope) (scopes.Scope, error) {
				cur.Description, cur.DelegationSource, cur.Active = want.Description, want.DelegationSource, true
				return cur, nil
			}); err != nil {
				return fmt.Errorf("scope %s: %w", s.Name, err)
			}
		}
		count("scopes", a.scopeAct[i])
	}
	for _, g := range a.grants {
		if _, err := d.Scopes.GrantAccess(ctx, g.owner, g.scope, g.consumer); err != nil {
			return fmt.Errorf("scope %s: access for %s: %w", g.scope, g.consumer, err)
		}
		count("scopeAccess", create)
	}
	for range a.kept {
		count("scopeAccess", keep)
	}
	return nil
}

// applyAPIDelegations writes the schemes (as their providers register
// them) and the delegations (as the consumers give them).
func (d Deps) applyAPIDelegations(ctx context.Context, a apiPlan, count func(string, action)) error {
	for i, s := range a.schemes {
		if a.schemeAct[i] != keep {
			if _, _, err := d.APIDelegation.PutScheme(ctx, s); err != nil {
				return fmt.Errorf("delegation scheme %s: %w", s.Identifier, err)
			}
		}
		count("apiDelegationSchemes", a.schemeAct[i])
	}
	for i, dl := range a.delegs {
		if a.delegAct[i] == create {
			if _, _, err := d.APIDelegation.Delegate(ctx, dl, ""); err != nil {
				return fmt.Errorf("API delegation of %s from %s to %s: %w", dl.Scheme, dl.ConsumerOrgNo, dl.SupplierOrgNo, err)
			}
		}
		count("apiDelegations", a.delegAct[i])
	}
	return nil
}
