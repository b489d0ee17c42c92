package maskinporten

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/jose"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/scopes"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// TokenRequest is the decoded /token form.
type TokenRequest struct {
	GrantType string
	Assertion string
}

// keyLifetime is how long a posted client key is valid (MP-121).
const keyLifetime = 365 * 24 * time.Hour

// purgeEvery: every this many grants an instance deletes expired jtis.
const purgeEvery = 256

// ValidateGrant checks a token request in Maskinporten's order (the rules
// of grantRules) and returns the validated grant. It never signs. A *Error
// is the client's fault (400 with Maskinporten's error); any other error
// is ours.
func (s *Service) ValidateGrant(ctx context.Context, req TokenRequest) (Grant, error) {
	run := grantRun{req: req, now: s.clock.Now()}
	for i := range grantRules {
		if err := grantRules[i].check(ctx, s, &run); err != nil {
			return Grant{}, err
		}
	}
	return run.g, nil
}

// Rule is one check /token makes of a grant.
type Rule struct {
	// Name is the rule's short name; About says what it checks and the
	// Maskinporten codes a failure answers with.
	Name, About string
}

// The outcomes of a rule in a GrantReport.
const (
	RulePassed  = "pass"
	RuleFailed  = "fail"
	RuleSkipped = "skip"
)

// RuleResult is how a grant fared against one rule.
type RuleResult struct {
	Rule
	Outcome string
	// Err is the error /token answers when this rule fails.
	Err *Error
	// Note says why a rule was skipped (the rule it needs failed), or
	// what went wrong on our side when the check itself failed.
	Note string
}

// GrantReport is every rule's result for one grant, in /token's order.
type GrantReport struct {
	Rules []RuleResult
	// Client is the client the grant's iss names, when it is one.
	Client *mpclient.Client
	// Grant is the validated grant when every rule passed.
	Grant *Grant
}

// ExplainGrant checks an assertion with every rule /token applies and
// reports each one: passed, failed with the error /token would answer,
// or skipped because a rule it needs failed (where /token stops at the
// first failure, this goes on with every rule that can still be checked).
// It changes nothing: the jti is looked up, never recorded, and no token
// is issued.
func (s *Service) ExplainGrant(ctx context.Context, assertion string) GrantReport {
	run := grantRun{req: TokenRequest{GrantType: GrantType, Assertion: assertion}, now: s.clock.Now(), dryRun: true}
	var rep GrantReport
	outcome := map[string]string{}
	for _, r := range grantRules {
		res := RuleResult{Rule: r.Rule, Outcome: RulePassed}
		for _, need := range r.needs {
			if outcome[need] != RulePassed {
				res.Outcome, res.Note = RuleSkipped, "not checked: it needs the rule "+need+", which did not pass"
				break
			}
		}
		if res.Outcome == RulePassed {
			if err := r.check(ctx, s, &run); err != nil {
				res.Outcome = RuleFailed
				if !errors.As(err, &res.Err) {
					res.Note = "could not be checked: " + err.Error()
				}
			}
		}
		if r.Name == ruleClient && res.Outcome == RulePassed {
			c := run.client
			rep.Client = &c
		}
		outcome[r.Name] = res.Outcome
		rep.Rules = append(rep.Rules, res)
	}
	if len(rep.Rules) > 0 && !slices.ContainsFunc(rep.Rules, func(r RuleResult) bool { return r.Outcome != RulePassed }) {
		g := run.g
		rep.Grant = &g
	}
	return rep
}

// grantRun is one pass over the rules: the request and what the rules
// found so far.
type grantRun struct {
	req    TokenRequest
	now    time.Time
	dryRun bool // ExplainGrant: nothing recorded
	a      *assertion
	client mpclient.Client
	key    clientKey
	exp    time.Time
	g      Grant
}

type grantRule struct {
	Rule
	// needs names the rules whose findings this one uses.
	needs []string
	check func(ctx context.Context, s *Service, run *grantRun) error
}

const (
	ruleForm    = "form"
	ruleJWT     = "jwt"
	ruleClient  = "client"
	ruleKey     = "key"
	ruleSig     = "signature"
	ruleAud     = "audience"
	ruleTimes   = "lifetime"
	ruleReplay  = "single use"
	ruleScopes  = "scopes"
	ruleConsOrg = "consumer_org"
	ruleAccess  = "scope access"
	ruleDeleg   = "delegation"
	ruleClaims  = "optional claims"
	ruleDetails = "authorization_details"
)

// grantRules are the checks of a grant in the order Maskinporten makes
// them; ValidateGrant stops at the first that fails.
var grantRules = []grantRule{
	{Rule{ruleForm, "grant_type is " + GrantType + " and an assertion is sent"}, nil,
		func(_ context.Context, _ *Service, run *grantRun) error { return orNil(checkForm(run.req)) }},
	{Rule{ruleJWT, "the assertion is one compact signed JWT (no whitespace, not a JWE) whose header and claims are JSON objects, with an alg, a string kid and a well-formed x5c (MP-011, MP-123)"}, []string{ruleForm},
		func(_ context.Context, _ *Service, run *grantRun) error {
			a, e := parseAssertion(run.req.Assertion)
			run.a = a
			return orNil(e)
		}},
	{Rule{ruleClient, "iss names a registered client (MP-100)"}, []string{ruleJWT},
		func(ctx context.Context, s *Service, run *grantRun) (err error) {
			run.client, err = s.checkClient(ctx, run.a)
			return err
		}},
	{Rule{ruleKey, "the header (no crit, not both kid and x5c) names how the client authenticates: kid one of its registered keys, posted less than a year ago, or, for a client without keys, x5c at most three base64 DER certificates, the first an enterprise certificate valid now, issued by the test CA and naming the client's organisation (MP-100, MP-120, MP-121, MP-122, MP-123)"}, []string{ruleClient},
		func(_ context.Context, s *Service, run *grantRun) error {
			k, e := s.checkKey(run.client, run.a, run.now)
			run.key = k
			return orNil(e)
		}},
	{Rule{ruleSig, "the signature verifies with that key, by RS256, RS384 or RS512 (never none or HMAC) and the key's own alg (MP-124)"}, []string{ruleKey},
		func(_ context.Context, _ *Service, run *grantRun) error { return orNil(checkSignature(run.a, run.key)) }},
	{Rule{ruleAud, "aud is one value: this Maskinporten's issuer, with or without the trailing slash (MP-110)"}, []string{ruleJWT},
		func(_ context.Context, s *Service, run *grantRun) error { return orNil(s.checkAudience(run.a)) }},
	{Rule{ruleTimes, "iat and exp are numbers of seconds; iat is not ahead of the clock, exp has not passed, exp - iat is 0 to 120 s, nbf (if sent) is reached, each with the clock skew allowed (MP-130)"}, []string{ruleJWT},
		func(_ context.Context, s *Service, run *grantRun) error {
			exp, e := s.checkTimes(run.a, run.now)
			run.exp = exp
			return orNil(e)
		}},
	{Rule{ruleReplay, "the jti (or, without one, the whole assertion) was not used before by this client (MP-012)"}, []string{ruleClient, ruleTimes},
		func(ctx context.Context, s *Service, run *grantRun) error {
			return s.checkReplay(ctx, run.client, run.a, run.exp, run.now, run.dryRun)
		}},
	{Rule{ruleScopes, "scope names at least one scope, each registered on the client (MP-200)"}, []string{ruleClient},
		func(_ context.Context, _ *Service, run *grantRun) error {
			scopes, e := checkScopes(run.client, run.a)
			run.g = Grant{Client: run.client, Scopes: scopes, KeyID: run.a.header.Kid.V, ClientAmr: run.key.amr}
			return orNil(e)
		}},
	{Rule{ruleConsOrg, "consumer_org, when sent (a supplier asking on a consumer's behalf), is a 9-digit organisation number other than the client's own (MP-011)"}, []string{ruleScopes},
		func(_ context.Context, _ *Service, run *grantRun) error {
			consumer, e := checkConsumerOrg(run.client, run.a)
			run.g.Consumer = consumer
			return orNil(e)
		}},
	{Rule{ruleAccess, "the consumer (consumer_org, else the client's organisation) may still use each scope: it exists and is active, allows Maskinporten, and is its own, open to all or granted to it by the scope's owner (MP-200, MP-201, MP-250)"}, []string{ruleScopes, ruleConsOrg},
		func(ctx context.Context, s *Service, run *grantRun) error {
			return s.checkScopeAccess(ctx, run.g.ConsumerOrgNo(), run.g.Scopes)
		}},
	{Rule{ruleDeleg, "with consumer_org, each scope has a delegation source and the consumer delegated a scheme holding it to the client's organisation in Altinn, and has not withdrawn it (MP-251)"}, []string{ruleConsOrg, ruleAccess},
		func(ctx context.Context, s *Service, run *grantRun) error {
			return s.checkDelegation(ctx, &run.g)
		}},
	{Rule{ruleClaims, "resource is an array of absolute URIs, pid a national identity number; iss_onbehalfof (onbehalfof clients) is not emulated and refused (MP-011, MP-100)"}, []string{ruleClient, ruleScopes},
		func(_ context.Context, _ *Service, run *grantRun) error {
			return orNil(checkOptionalClaims(run.client, run.a, &run.g))
		}},
	{Rule{ruleDetails, "authorization_details, when sent, is one urn:altinn:systemuser element naming the customer, and that customer has an active system user for the client's system and external ref (MP-301, MP-302, MP-303)"}, []string{ruleClient},
		func(ctx context.Context, s *Service, run *grantRun) error {
			return s.checkAuthorizationDetails(ctx, run.client, run.a, &run.g)
		}},
}

// orNil returns e as an error, and a nil *Error as a nil error (not an
// error holding a nil pointer).
func orNil(e *Error) error {
	if e == nil {
		return nil
	}
	return e
}

// checkForm: the grant type and the assertion parameter.
func checkForm(req TokenRequest) *Error {
	switch {
	case req.GrantType == "":
		return newErr(codeInvalidRequest, "", "Missing required parameter grant_type.")
	case req.GrantType != GrantType:
		return newErr(codeUnsupportedGrant, "", "Unsupported grant_type %q: Maskinporten supports only %s.", req.GrantType, GrantType)
	case req.Assertion == "":
		return newErr(codeInvalidRequest, "", "Missing required parameter assertion.")
	}
	return nil
}

// checkClient: `iss` names a known client.
func (s *Service) checkClient(ctx context.Context, a *assertion) (mpclient.Client, error) {
	iss := a.claims.iss.V
	if a.claims.iss.Err != nil || iss == "" {
		return mpclient.Client{}, errClientAuth("MP-100", "Missing or invalid JWT claim iss: it must be the client_id.")
	}
	c, err := s.clients.Lookup(ctx, iss)
	if errors.Is(err, dberr.ErrNotFound) {
		return mpclient.Client{}, errClientAuth("MP-100", "Client not found: %q.", iss)
	}
	if err != nil {
		return mpclient.Client{}, fmt.Errorf("look up client: %w", err)
	}
	if c.IntegrationType == mpclient.IntegrationIDPorten {
		return mpclient.Client{}, errClientAuth("MP-100", "Client %q is an ID-porten integration: it logs persons in at /idporten and cannot get Maskinporten tokens.", iss)
	}
	return c, nil
}

// clientKey is the key a grant is verified with: one of a client's
// registered keys, parsed, or the key of the enterprise certificate in
// x5c (checkCertificate).
type clientKey struct {
	kid string
	alg string // "" when the JWK has none
	pub *rsa.PublicKey
	amr string // the token's client_amr
}

// checkKey: header `kid` names one of the client's keys, and that key has
// not expired; a client without registered keys uses an enterprise
// certificate in x5c instead (checkCertificate).
func (s *Service) checkKey(c mpclient.Client, a *assertion, now time.Time) (clientKey, *Error) {
	if names, ok := a.header.Critical(); ok {
		return clientKey{}, errClientAuth("MP-100", "Invalid JWT header: crit marks %s as critical; no JWS extension is understood here, and a JWT with critical header parameters that are not understood must be refused.", names)
	}
	hasKid, hasX5c := a.header.Kid.Present, a.header.X5c != nil
	kid := a.header.Kid.V
	switch {
	case hasKid && hasX5c:
		return clientKey{}, errClientAuth("MP-100", "Invalid JWT header: either 'kid' or 'x5c' must be present, not both.")
	case !hasKid && hasX5c && len(c.JWKS.Keys) > 0:
		return clientKey{}, errClientAuth("MP-100", "Invalid JWT. The client requires pre-registered jwk and no key identifier (kid) provided.")
	case !hasKid && hasX5c:
		return s.checkCertificate(c, a, now)
	case !hasKid || kid == "":
		return clientKey{}, errClientAuth("MP-100", "Invalid JWT header: either 'kid' or 'x5c' must be present.")
	}
	for _, raw := range c.JWKS.Keys {
		var head struct {
			Kid string `json:"kid"`
		}
		if json.Unmarshal(raw, &head) != nil || head.Kid != kid {
			continue
		}
		if now.After(c.JWKSUpdated.Add(keyLifetime)) {
			return clientKey{}, errClientAuth("MP-121", "Expired key: key %q was posted %s and keys expire after one year; post the key set again.", kid, c.JWKSUpdated.UTC().Format(time.DateOnly))
		}
		k, err := s.clientKeys.parse(raw)
		if err != nil {
			return clientKey{}, errClientAuth("MP-120", "The registered key %q cannot be used: %v.", kid, err)
		}
		return k, nil
	}
	return clientKey{}, errClientAuth("MP-100", "Unknown key identifier (kid) for client.")
}

// keyCache holds parsed client keys by their exact JWK text, so it can
// never be stale: a replaced key has other text.
type keyCache struct {
	m     sync.Map // string(raw JWK) → clientKey
	count atomic.Int64
}

func (kc *keyCache) parse(raw json.RawMessage) (clientKey, error) {
	if k, ok := kc.m.Load(string(raw)); ok {
		return k.(clientKey), nil
	}
	key, err := jwk.ParseKey(raw)
	if err != nil {
		return clientKey{}, err
	}
	var pub rsa.PublicKey
	if err := key.Raw(&pub); err != nil {
		return clientKey{}, fmt.Errorf("not an RSA key: %w", err)
	}
	k := clientKey{kid: key.KeyID(), alg: key.Algorithm().String(), pub: &pub, amr: amrPrivateKeyJWT}
	if kc.count.Add(1) > maxParsedKeys {
		kc.m.Clear()
		kc.count.Store(0)
	}
	kc.m.Store(string(raw), k)
	return k, nil
}

const maxParsedKeys = 10000

// assertionAlgs are the grant signature algorithms Maskinporten documents.
var assertionAlgs = map[string]bool{"RS256": true, "RS384": true, "RS512": true}

// checkSignature: the signature verifies with that key and its algorithm
// only. `none`, HMAC (which would use the public key as a secret) and
// anything else are refused before any crypto runs.
func checkSignature(a *assertion, k clientKey) *Error {
	alg := a.header.Alg.V
	switch {
	case strings.EqualFold(alg, "none"):
		return errClientAuth("MP-124", "Invalid JWT signature: unsigned JWTs (alg none) are not accepted.")
	case strings.HasPrefix(strings.ToUpper(alg), "HS"):
		return errClientAuth("MP-124", "Invalid JWT signature: HMAC algorithm %s is not accepted; sign with the client's RSA key (RS256).", alg)
	case !assertionAlgs[alg]:
		return errClientAuth("MP-124", "Invalid JWT signature: algorithm %q is not supported; use RS256, RS384 or RS512.", alg)
	case k.alg != "" && k.alg != alg:
		return errClientAuth("MP-124", "Invalid JWT signature: the JWT says alg %s but key %q is registered for %s.", alg, k.kid, k.alg)
	}
	if err := jose.Verify(alg, k.pub, a.signingInput, a.signature); err != nil {
		e := errClientAuth("MP-124", "Invalid JWT signature.")
		e.Cause = err
		return e
	}
	return nil
}

// checkAudience: `aud` is our issuer, one value, with or without the
// trailing slash; the token endpoint URL is refused (as Maskinporten does since 2025-08).
func (s *Service) checkAudience(a *assertion) *Error {
	aud := a.claims.aud.V
	if a.claims.aud.Err != nil || len(aud) == 0 {
		return errClientAuth("MP-110", "Invalid JWT claim aud: it is missing; set it to the issuer %s.", s.set.Issuer)
	}
	if len(aud) > 1 {
		return errClientAuth("MP-110", "Invalid JWT claim aud: it must contain a single value, the issuer %s.", s.set.Issuer)
	}
	if !s.acceptedAudience(aud[0]) {
		return errClientAuth("MP-110", "Invalid JWT claim aud: got %q, want the issuer %s.", aud[0], s.set.Issuer)
	}
	return nil
}

// acceptedAudience: the issuer, or one of GrantLimits.ExtraAudiences, with or
// without the trailing slash.
func (s *Service) acceptedAudience(aud string) bool {
	for _, iss := range append([]string{s.set.Issuer}, s.limits.ExtraAudiences...) {
		if aud == iss || aud == strings.TrimSuffix(iss, "/") {
			return true
		}
	}
	return false
}

// checkTimes: iat not in the future, exp not passed, exp - iat at most
// 120 s, nbf (when sent) reached; skew on each. Returns exp.
func (s *Service) checkTimes(a *assertion, now time.Time) (time.Time, *Error) {
	iat, exp := a.claims.iat, a.claims.exp
	if iat.Err != nil || !iat.Present {
		return time.Time{}, errClaim("MP-130", "Invalid JWT claim iat: it is missing or not a number of seconds.")
	}
	if exp.Err != nil || !exp.Present {
		return time.Time{}, errClaim("MP-130", "Invalid JWT claim exp: it is missing or not a number of seconds.")
	}
	skew := s.limits.Skew
	iatT, expT := time.Unix(iat.V, 0), time.Unix(exp.V, 0)
	if iatT.After(now.Add(skew)) {
		return time.Time{}, errClaim("", "Issue time is after now: iat is %s, our clock says %s.", fmtTime(iatT), fmtTime(now))
	}
	if !expT.After(now.Add(-skew)) {
		return time.Time{}, errClaim("MP-130", "JWT is expired: exp was %s, our clock says %s.", fmtTime(expT), fmtTime(now))
	}
	// exp == iat is accepted: Maskinporten documents only that exp is at
	// most 120 s after iat, and real clients (Altinn's own k6 Maskinporten
	// library among them) send grants with exp equal to iat.
	if expT.Before(iatT) {
		return time.Time{}, errClaim("MP-130", "Invalid JWT: exp (%d) must not be before iat (%d).", exp.V, iat.V)
	}
	if life := expT.Sub(iatT); life > s.limits.MaxLifetime {
		return time.Time{}, errClaim("MP-130", "Invalid JWT lifetime: exp - iat is %d s; at most %d s is allowed.", int64(life.Seconds()), int64(s.limits.MaxLifetime.Seconds()))
	}
	if nbf := a.claims.nbf; nbf.Err != nil {
		return time.Time{}, errClaim("MP-130", "Invalid JWT claim nbf: it is not a number of seconds.")
	} else if nbf.Present && time.Unix(nbf.V, 0).After(now.Add(skew)) {
		return time.Time{}, errClaim("MP-130", "JWT is not yet valid: nbf is %s, our clock says %s.", fmtTime(time.Unix(nbf.V, 0)), fmtTime(now))
	}
	return expT, nil
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// checkReplay: the grant's jti has not been used by this client before.
// Without a jti (common client libraries send none) the assertion itself
// is the key, so the same assertion still cannot be used twice.
//
// With dryRun (ExplainGrant) the jti is only looked up, never recorded.
func (s *Service) checkReplay(ctx context.Context, c mpclient.Client, a *assertion, exp, now time.Time, dryRun bool) error {
	jti := a.claims.jti.V
	if a.claims.jti.Err != nil {
		return errClaim("MP-011", "Invalid JWT claim jti: it must be a string.")
	}
	if jti == "" {
		sum := sha256.Sum256([]byte(a.raw))
		jti = "assertion-sha256:" + base64.RawURLEncoding.EncodeToString(sum[:])
	}
	var fresh bool
	var err error
	if dryRun {
		var used bool
		used, err = jtiUsed(ctx, s.pool, c.ClientID, jti)
		fresh = !used
	} else {
		fresh, err = recordJTI(ctx, s.pool, c.ClientID, jti, exp.Add(s.limits.Skew))
	}
	if err != nil {
		return err
	}
	if !fresh {
		return errClaim("MP-012", "Grant is used before: this jti (or, without jti, this exact assertion) was already used by client %q.", c.ClientID)
	}
	if !dryRun && s.grants.Add(1)%purgeEvery == 0 {
		if err := purgeJTIs(ctx, s.pool, now.Add(-s.limits.Skew)); err != nil {
			s.log.Warn("purge expired jtis", "err", err)
		}
	}
	return nil
}

// checkScopes: at least one scope, each registered on the client.
func checkScopes(c mpclient.Client, a *assertion) ([]string, *Error) {
	if a.claims.scope.Err != nil {
		return nil, newErr(codeInvalidScope, "MP-200", "Invalid JWT claim scope: it must be a space-separated string.")
	}
	scopes := strings.Fields(a.claims.scope.V)
	if len(scopes) == 0 {
		return nil, newErr(codeInvalidScope, "MP-200", "Token request contains no scope: set the scope claim.")
	}
	var bad []string
	var out []string
	for _, sc := range scopes {
		if !slices.Contains(c.Scopes, sc) {
			bad = append(bad, sc)
		} else if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	if len(bad) > 0 {
		return nil, newErr(codeInvalidScope, "MP-200", "Token request contains invalid scopes for client, %s.", strings.Join(bad, " "))
	}
	return out, nil
}

// checkScopeAccess: the consumer (the client's organisation, or the
// consumer_org a supplier asks for) may still use every scope it asks
// for: the scope exists and is active (MP-200), allows Maskinporten
// (MP-201), and is the organisation's own, accessible for all or granted
// to it by the owner (MP-250). A client keeps a scope whose access was
// withdrawn; its grants fail here. A supplier needs no access of its own:
// the provider grants the consumer, never the supplier.
func (s *Service) checkScopeAccess(ctx context.Context, org string, requested []string) error {
	if s.scopes == nil {
		return nil
	}
	var unknown, notMP []string
	for _, sc := range requested {
		v, err := s.scopes.Check(ctx, org, sc)
		if err != nil {
			return fmt.Errorf("scope access of %s to %q: %w", org, sc, err)
		}
		switch v {
		case scopes.Unknown:
			unknown = append(unknown, sc)
		case scopes.NotForMaskinporten:
			notMP = append(notMP, sc)
		case scopes.NotGranted:
			return newErr(codeInvalidScope, "MP-250", "Consumer has not been granted access to the scope %s.", sc)
		}
	}
	if len(unknown) > 0 {
		return newErr(codeInvalidScope, "MP-200", "Token request contains invalid scopes for client, %s.", strings.Join(unknown, " "))
	}
	if len(notMP) > 0 {
		return newErr(codeInvalidScope, "MP-201", "Token request contains scopes not allowed for maskinporten, %s.", strings.Join(notMP, " "))
	}
	return nil
}

// checkConsumerOrg reads consumer_org: "" when the grant has none, else
// the consumer's organisation number, which must be well-formed and not
// the client's own.
func checkConsumerOrg(c mpclient.Client, a *assertion) (string, *Error) {
	co := a.claims.consumerOrg
	if !co.Present {
		return "", nil
	}
	switch {
	case co.Err != nil || !signing.NineDigits(co.V):
		return "", newErr(codeInvalidRequest, "MP-011", "Invalid JWT claim consumer_org: it must be a 9-digit organisation number.")
	case co.V == c.OrgNo:
		return "", newErr(codeInvalidRequest, "", "Validation of JWT claim failed: The combination consumer_org in claim and delegation scope on client is invalid.")
	}
	return co.V, nil
}

// checkDelegation: for a consumer_org grant, every scope can be delegated
// through Altinn (it has a delegation source) and the consumer delegated
// it to the client's organisation (the supplier) and has not withdrawn
// the delegation (MP-251). g gets the delegation source for the token.
func (s *Service) checkDelegation(ctx context.Context, g *Grant) error {
	if g.Consumer == "" {
		return nil
	}
	supplier := g.Client.OrgNo
	notDelegated := func(sc string) *Error {
		return newErr(codeInvalidScope, "MP-251", "Consumer %s has not delegated access to the scope %s to supplier %s.", g.Consumer, sc, supplier)
	}
	if s.delegations == nil {
		return notDelegated(strings.Join(g.Scopes, " "))
	}
	for _, sc := range g.Scopes {
		v, err := s.delegations.Delegation(ctx, g.Consumer, supplier, sc)
		if err != nil {
			return fmt.Errorf("delegation of %q from %s to %s: %w", sc, g.Consumer, supplier, err)
		}
		if v.DelegationSource == "" {
			// Maskinporten's text for a consumer_org grant whose scope
			// cannot be delegated in Altinn.
			return newErr(codeInvalidRequest, "", "Validation of JWT claim failed: The combination consumer_org in claim and delegation scope on client is invalid.")
		}
		if !v.Delegated {
			return notDelegated(sc)
		}
		if g.DelegationSource == "" {
			g.DelegationSource = v.DelegationSource
		}
	}
	return nil
}

// checkOptionalClaims: resource (audience restriction), pid, and the
// onbehalfof claim the emulator cannot honour.
func checkOptionalClaims(c mpclient.Client, a *assertion, g *Grant) *Error {
	if raw := jose.NonNull(a.claims.resource); raw != nil {
		var res []string
		if err := json.Unmarshal(raw, &res); err != nil {
			return newErr(codeInvalidRequest, "MP-011", "Invalid JWT claim resource: only an array of URIs is supported.")
		}
		for _, r := range res {
			u, err := url.Parse(r)
			if err != nil || !u.IsAbs() {
				return newErr(codeInvalidRequest, "MP-011", "Invalid JWT claim resource: %q is not an absolute URI.", r)
			}
		}
		g.Audience = res
	}
	pid := a.claims.pid.V
	if a.claims.pid.Err != nil || (pid != "" && !parties.ValidPID(pid)) {
		return newErr(codeInvalidRequest, "MP-011", "Invalid JWT claim pid: it must be an 11-digit national identity number.")
	}
	g.PID = pid
	if a.claims.issOnBehalfOf.Present {
		return errClientAuth("MP-100", "Unknown onbehalfof client: the emulator has no onbehalfof registrations.")
	}
	return nil
}

// checkAuthorizationDetails: the RAR element is well-formed and, for a
// system user, the system user exists (byExternalId); g gets the
// enriched detail. Grants in the wild send one object instead of an
// array, and `id` for `ID`; both are read, the documented form is issued.
func (s *Service) checkAuthorizationDetails(ctx context.Context, c mpclient.Client, a *assertion, g *Grant) error {
	raw := a.claims.authorizationDetails
	if raw == nil {
		return nil
	}
	elems, e := splitDetails(raw)
	if e != nil {
		return e
	}
	if len(elems) == 0 {
		return nil
	}
	if len(elems) > 1 {
		return newErr(codeAltinnCustomer, "MP-303", "Invalid authorization details values: only one authorization_details element (one party) per grant is supported, got %d.", len(elems))
	}
	req, e := parseSystemUserDetail(elems[0])
	if e != nil {
		return e
	}
	externalRef := req.externalRef
	if externalRef == "" {
		externalRef = req.ownerOrgNo
	}
	notFound := newErr(codeAltinnCustomer, "MP-303",
		"Invalid authorization details values: no active system user for client %s (system vendor %s), systemuser_org 0192:%s and externalRef %q. Check that the system is registered with this client_id, that the request was approved and that externalRef matches.",
		c.ClientID, c.OrgNo, req.ownerOrgNo, externalRef)
	if s.systemUsers == nil {
		return notFound
	}
	su, err := s.systemUsers.ByExternalID(ctx, c.ClientID, c.OrgNo, req.ownerOrgNo, externalRef)
	if errors.Is(err, dberr.ErrNotFound) {
		notFound.Cause = err
		return notFound
	}
	if err != nil {
		return fmt.Errorf("system-user lookup: %w", err)
	}
	org := signing.NewOrgID(req.ownerOrgNo)
	g.SystemUser = &su
	g.AuthorizationDetails = []signing.AuthorizationDetail{{
		Type:          signing.AuthorizationDetailsSystemUser,
		SystemUserOrg: &org,
		SystemUserID:  []string{su.ID},
		SystemID:      su.SystemID,
		ExternalRef:   req.externalRef,
	}}
	return nil
}

// splitDetails accepts an array of objects or one object.
func splitDetails(raw json.RawMessage) ([]map[string]json.RawMessage, *Error) {
	raw = bytes.TrimSpace(raw)
	var elems []map[string]json.RawMessage
	if len(raw) > 0 && raw[0] == '{' {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(raw, &one); err != nil {
			return nil, newErr(codeInvalidRequest, "MP-011", "Invalid JWT claim authorization_details: %v.", err)
		}
		return []map[string]json.RawMessage{one}, nil
	}
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, newErr(codeInvalidRequest, "MP-011", "Invalid JWT claim authorization_details: it must be an array of objects.")
	}
	for _, el := range elems {
		if el == nil {
			return nil, newErr(codeInvalidRequest, "MP-011", "Invalid JWT claim authorization_details: it must be an array of objects.")
		}
	}
	return elems, nil
}

type systemUserDetail struct {
	ownerOrgNo  string
	externalRef string
}

func parseSystemUserDetail(el map[string]json.RawMessage) (systemUserDetail, *Error) {
	typ, ok, err := jose.StringMember(el, "type")
	if err != nil || !ok || typ == "" {
		return systemUserDetail{}, newErr(codeInvalidRequest, "MP-301", "Unknown authorization details type: the element has no type.")
	}
	if typ != signing.AuthorizationDetailsSystemUser {
		return systemUserDetail{}, newErr(codeInvalidRequest, "MP-301", "Unknown authorization details type %q: the emulator supports %s.", typ, signing.AuthorizationDetailsSystemUser)
	}
	for k := range el {
		if k != "type" && k != "systemuser_org" && k != "externalRef" {
			return systemUserDetail{}, newErr(codeInvalidRequest, "MP-302", "Unknown fields in the authorization details: %q (allowed: type, systemuser_org, externalRef).", k)
		}
	}
	var d systemUserDetail
	ref, _, err := jose.StringMember(el, "externalRef")
	if err != nil {
		return d, newErr(codeAltinnCustomer, "MP-303", "Invalid authorization details values: externalRef must be a string.")
	}
	d.externalRef = ref
	orgRaw, ok := el["systemuser_org"]
	var org map[string]json.RawMessage
	if !ok || jose.DecodeObject(orgRaw, &org) != nil {
		return d, newErr(codeAltinnCustomer, "MP-303", "Invalid authorization details values: systemuser_org must be an object {\"authority\":\"iso6523-actorid-upis\",\"ID\":\"0192:<orgno>\"}.")
	}
	var authority, id string
	for k := range org {
		switch k {
		case "authority":
			authority, _, err = jose.StringMember(org, k)
		case "ID", "id":
			id, _, err = jose.StringMember(org, k)
		default:
			return d, newErr(codeInvalidRequest, "MP-302", "Unknown fields in the authorization details: systemuser_org.%s (allowed: authority, ID).", k)
		}
		if err != nil {
			return d, newErr(codeAltinnCustomer, "MP-303", "Invalid authorization details values: systemuser_org.%s must be a string.", k)
		}
	}
	if authority != signing.AuthorityISO6523 {
		return d, newErr(codeAltinnCustomer, "MP-303", "Invalid authorization details values: systemuser_org.authority must be %q, got %q.", signing.AuthorityISO6523, authority)
	}
	n, ok := strings.CutPrefix(id, "0192:")
	if !ok || !signing.NineDigits(n) {
		return d, newErr(codeAltinnCustomer, "MP-303", "Invalid authorization details values: systemuser_org.ID must be 0192:<9-digit orgno>, got %q.", id)
	}
	d.ownerOrgNo = n
	return d, nil
}
