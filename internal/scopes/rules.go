package scopes

import (
	"regexp"
	"slices"
	"strings"
)

// IntegrationMaskinporten is the integration type of every client the
// emulator has.
const IntegrationMaskinporten = "maskinporten"

// Verdict is whether an organisation's Maskinporten client may carry (and
// get tokens for) a scope.
type Verdict int

const (
	// Allowed: the organisation owns the scope, was granted it, or it is
	// accessible for all; or nobody owns its prefix (see Decide).
	Allowed Verdict = iota
	// Unknown: the prefix is owned but no active scope has the name.
	Unknown
	// NotForMaskinporten: the scope's allowed integration types leave
	// Maskinporten out.
	NotForMaskinporten
	// NotGranted: the owner never granted the organisation access, or
	// withdrew it.
	NotGranted
)

func (v Verdict) String() string {
	switch v {
	case Allowed:
		return "allowed"
	case Unknown:
		return "unknown"
	case NotForMaskinporten:
		return "not for maskinporten"
	case NotGranted:
		return "not granted"
	}
	return "verdict?"
}

// Decide is the access rule for one organisation and one scope, in the
// order Maskinporten checks it: the scope must exist and be active, allow
// Maskinporten clients, and be the organisation's own, accessible for all
// or granted to it.
//
// A scope under a prefix nobody owns is allowed: the emulator lets tests
// and training rooms invent APIs (test:read, kursetaten:timeliste)
// without first registering a prefix. Once an organisation owns the
// prefix, its scopes follow the rule like any other.
func Decide(org string, s Standing) Verdict {
	if s.PrefixOwner == "" {
		return Allowed
	}
	if !s.Registered || !s.Active {
		return Unknown
	}
	if len(s.AllowedIntegrationTypes) > 0 && !slices.Contains(s.AllowedIntegrationTypes, IntegrationMaskinporten) {
		return NotForMaskinporten
	}
	if org == s.PrefixOwner || s.AccessibleForAll || s.Access == StateApproved {
		return Allowed
	}
	return NotGranted
}

// Refusal says in words why a client may not carry a scope (for the
// client APIs' validation errors).
func Refusal(org, scope string, v Verdict) string {
	switch v {
	case Unknown:
		return "no active scope " + scope + " exists"
	case NotForMaskinporten:
		return "the scope " + scope + " is not allowed for Maskinporten clients"
	case NotGranted:
		return "organisation " + org + " has not been granted access to the scope " + scope
	}
	return ""
}

var (
	prefixPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	subscopePattern = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._/:-]{0,199}$`)
)

// ValidPrefix reports whether p may be a scope prefix: lower-case letters,
// digits, '_' and '-' (at most 64).
func ValidPrefix(p string) bool { return prefixPattern.MatchString(p) }

// ValidSubscope reports whether s may be a subscope: letters, digits and
// '.', '_', '/', ':' and '-', starting with a letter or digit (at most 200).
func ValidSubscope(s string) bool { return subscopePattern.MatchString(s) }

// Split cuts a scope name at its first ':' into prefix and subscope
// (a subscope may itself hold ':', as in idporten:dcr/onbehalfof:write).
func Split(name string) (prefix, subscope string, ok bool) {
	prefix, subscope, ok = strings.Cut(name, ":")
	return prefix, subscope, ok && prefix != "" && subscope != ""
}

// MayManagePrefix reports whether org may create and change scopes under
// a prefix owned by owner ("" when nobody owns it). Digdir assigns
// prefixes by hand on the platform; the emulator gives an unowned prefix
// to the first organisation that creates a scope under it.
func MayManagePrefix(org, owner string) bool { return owner == "" || owner == org }
