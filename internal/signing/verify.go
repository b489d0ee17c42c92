package signing

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/jose"
)

// Verified is a token of ours whose signature, issuer and lifetime hold.
type Verified struct {
	Purpose Purpose
	Claims  map[string]any
}

// VerifyOurs checks a token we signed: a known kid, its algorithm, no
// crit, the signature, the issuer belonging to that key, exp and nbf with
// skew. Errors wrap auth.ErrInvalidToken and say what was wrong.
func (s *Service) VerifyOurs(ctx context.Context, raw string) (Verified, error) {
	return s.verifyOurs(ctx, raw, true, false)
}

// VerifyAccessToken checks a platform access token (what an Altinn app or
// platform service sends in the PlatformAccessToken header): signed with
// our Altinn key, as the emulator stands in for every issuer's
// certificate, its iss the issuer's name (ttd, studio, platform …) and
// never one of our token issuers, and exp and nbf with skew.
func (s *Service) VerifyAccessToken(ctx context.Context, raw string) (Verified, error) {
	return s.verifyOurs(ctx, raw, true, true)
}

// VerifySignature checks a token we signed as VerifyOurs does, but not its
// lifetime: for hints that may have expired (an id_token_hint at logout).
func (s *Service) VerifySignature(ctx context.Context, raw string) (Verified, error) {
	return s.verifyOurs(ctx, raw, false, false)
}

func (s *Service) verifyOurs(ctx context.Context, raw string, lifetime, accessToken bool) (Verified, error) {
	bad := func(format string, args ...any) (Verified, error) {
		return Verified{}, fmt.Errorf("%w: "+format, append([]any{auth.ErrInvalidToken}, args...)...)
	}
	j, err := jose.Decode(raw)
	if err != nil {
		return bad("%s", err.Error())
	}
	h := j.Header
	key := s.keyByKid(ctx, h.Kid.V)
	if key == nil {
		return bad("unknown kid %q: the token was not issued by this emulator", h.Kid.V)
	}
	if h.Alg.V != key.alg {
		return bad("alg %q does not match the signing key's %s", h.Alg.V, key.alg)
	}
	if names, ok := h.Critical(); ok {
		return bad("crit marks %s as critical; this emulator signs no such token and understands no JWS extension", names)
	}
	if err := jose.Verify(key.alg, key.signer.Public(), j.SigningInput, j.Signature); err != nil {
		return bad("the signature does not verify")
	}
	claims := make(map[string]any, len(j.Payload))
	for name, v := range j.Payload {
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		var val any
		if err := dec.Decode(&val); err != nil {
			return bad("claim %s is not JSON", name)
		}
		claims[name] = val
	}
	iss := jose.ReadString(j.Payload["iss"]).V
	if accessToken {
		if key.purpose != purposeAltinn {
			return bad("a platform access token is signed with the Altinn key")
		}
		if iss == "" || iss == s.set.Issuer || iss == s.set.AltinnIssuer || iss == s.set.IDPortenIssuer {
			return bad("iss %q names no access-token issuer (an app's or service's name such as ttd)", iss)
		}
	} else {
		wantIss := s.set.Issuer
		switch key.purpose {
		case purposeAltinn:
			wantIss = s.set.AltinnIssuer
		case purposeIDPorten:
			wantIss = s.set.IDPortenIssuer
		}
		if iss != wantIss {
			return bad("iss %q is not %s", iss, wantIss)
		}
	}
	if !lifetime {
		return Verified{Purpose: key.purpose, Claims: claims}, nil
	}
	now := s.clock.Now()
	exp := jose.ReadNumericDate(j.Payload["exp"])
	if exp.Err != nil || !exp.Present {
		return bad("the token has no exp")
	}
	if !time.Unix(exp.V, 0).After(now.Add(-s.set.Skew)) {
		return bad("the token expired at %s", fmtTime(time.Unix(exp.V, 0)))
	}
	if nbf := jose.ReadNumericDate(j.Payload["nbf"]); nbf.Err != nil {
		return bad("nbf is not a number of seconds")
	} else if nbf.Present && time.Unix(nbf.V, 0).After(now.Add(s.set.Skew)) {
		return bad("the token is not valid before %s", fmtTime(time.Unix(nbf.V, 0)))
	}
	return Verified{Purpose: key.purpose, Claims: claims}, nil
}

// Verify implements auth.Verifier for the platform APIs: it accepts our
// Maskinporten tokens and our Altinn tokens and says who the caller is.
func (s *Service) Verify(ctx context.Context, raw string) (auth.Caller, error) {
	v, err := s.VerifyOurs(ctx, raw)
	if err != nil {
		return auth.Caller{}, err
	}
	if v.Purpose == purposeIDPorten {
		// The platform APIs take Altinn tokens (and Maskinporten's); an
		// ID-porten token must be exchanged first, as on the platform.
		return auth.Caller{}, fmt.Errorf("%w: an ID-porten token is not accepted here; exchange it at /authentication/api/v1/exchange/id-porten first", auth.ErrInvalidToken)
	}
	c := auth.Caller{Kind: auth.KindMaskinporten, Claims: v.Claims}
	if v.Purpose == purposeAltinn {
		c.Kind = auth.KindAltinn
	}
	c.ClientID, _ = v.Claims["client_id"].(string)
	if sc, ok := v.Claims["scope"].(string); ok {
		c.Scopes = strings.Fields(sc)
	}
	if org, ok := OrgClaim(v.Claims["consumer"]); ok {
		c.ConsumerOrgNo = org.OrgNo()
	}
	if n := stringish(v.Claims["urn:altinn:orgNumber"]); n != "" {
		c.ConsumerOrgNo = n
	}
	if d, ok := systemUserDetailClaim(v.Claims["authorization_details"]); ok {
		if len(d.SystemUserID) > 0 {
			c.SystemUserID = d.SystemUserID[0]
		}
		if d.SystemUserOrg != nil {
			c.SystemUserOrgNo = d.SystemUserOrg.OrgNo()
		}
		c.SystemID = d.SystemID
	}
	c.PID, _ = v.Claims["pid"].(string)
	if id, err := strconv.ParseInt(stringish(v.Claims["urn:altinn:userid"]), 10, 64); err == nil {
		c.UserID = id
	}
	if id, err := strconv.ParseInt(stringish(v.Claims["urn:altinn:partyid"]), 10, 64); err == nil {
		c.PartyID = id
	}
	return c, nil
}

// stringish renders a string or number claim as a string.
func stringish(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatInt(int64(x), 10)
	}
	return ""
}

// OrgClaim reads an ISO 6523 object; Altinn tokens may carry it as a JSON
// string (claims copied by .NET), Maskinporten's as an object.
func OrgClaim(v any) (OrgID, bool) {
	var raw []byte
	switch x := v.(type) {
	case string:
		raw = []byte(x)
	case map[string]any:
		raw, _ = json.Marshal(x)
	default:
		return OrgID{}, false
	}
	var m map[string]string
	if json.Unmarshal(raw, &m) != nil {
		return OrgID{}, false
	}
	id := m["ID"]
	if id == "" {
		id = m["id"]
	}
	return OrgID{Authority: m["authority"], ID: id}, true
}

// systemUserDetailClaim finds the system-user element of
// authorization_details: an array (Maskinporten) or a single object, maybe
// as a JSON string (exchanged Altinn tokens).
func systemUserDetailClaim(v any) (AuthorizationDetail, bool) {
	var raw []byte
	switch x := v.(type) {
	case nil:
		return AuthorizationDetail{}, false
	case string:
		raw = []byte(x)
	default:
		raw, _ = json.Marshal(x)
	}
	type wire struct {
		Type          string          `json:"type"`
		SystemUserOrg json.RawMessage `json:"systemuser_org"`
		SystemUserID  json.RawMessage `json:"systemuser_id"`
		SystemID      string          `json:"system_id"`
	}
	var list []wire
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		var one wire
		if json.Unmarshal(raw, &one) != nil {
			return AuthorizationDetail{}, false
		}
		list = []wire{one}
	} else if json.Unmarshal(raw, &list) != nil {
		return AuthorizationDetail{}, false
	}
	for _, w := range list {
		if w.Type != AuthorizationDetailsSystemUser {
			continue
		}
		d := AuthorizationDetail{Type: w.Type, SystemID: w.SystemID}
		var ids []string
		if json.Unmarshal(w.SystemUserID, &ids) != nil {
			var one string
			if json.Unmarshal(w.SystemUserID, &one) == nil && one != "" {
				ids = []string{one}
			}
		}
		d.SystemUserID = ids
		var orgAny any
		if json.Unmarshal(w.SystemUserOrg, &orgAny) == nil {
			if org, ok := OrgClaim(orgAny); ok {
				d.SystemUserOrg = &org
			}
		}
		return d, true
	}
	return AuthorizationDetail{}, false
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
