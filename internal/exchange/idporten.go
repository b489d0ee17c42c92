package exchange

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/idporten"
)

// ErrExchangeScope is an ID-porten token without a scope the platform
// exchanges: 403 with an empty body, as on the platform.
var ErrExchangeScope = errors.New("token exchange refused: no altinn scope")

// partnerScopes are the non-Altinn scopes the platform also exchanges
// ID-porten tokens for.
var partnerScopes = map[string]bool{
	"skatteetaten:formueinntekt/skattemelding": true,
	"skatteetaten:mvameldinginnsending":        true,
	"skatteetaten:mvameldingvalidering":        true,
}

// authLevels maps ID-porten's acr to Altinn's authentication level.
var authLevels = map[string]int{"idporten-loa-low": 0, idporten.LoASubstantial: 3, idporten.LoAHigh: 4}

// ExchangeIDPorten turns one of our ID-porten access tokens into an
// Altinn person token: the person's Altinn ids and authentication level
// are added, every other claim but aud, iss, at_hash, sid and sub kept,
// and the token expires when the ID-porten token does.
func (s *Service) ExchangeIDPorten(ctx context.Context, raw string) (string, error) {
	at, err := idporten.VerifyAccessToken(ctx, s.signer, raw)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrExchange, err)
	}
	in := at.Claims
	scope, _ := in["scope"].(string)
	ok := false
	for _, sc := range strings.Fields(scope) {
		ok = ok || strings.HasPrefix(sc, "altinn:") || partnerScopes[sc]
	}
	if !ok {
		return "", fmt.Errorf("%w (scope %q)", ErrExchangeScope, scope)
	}
	pid, _ := in["pid"].(string)
	acr, _ := in["acr"].(string)
	if pid == "" || acr == "" {
		return "", fmt.Errorf("%w: the token has no pid or acr", ErrExchange)
	}
	if s.persons == nil {
		return "", fmt.Errorf("%w: no person register", ErrExchange)
	}
	p, err := s.persons.Person(ctx, pid)
	if errors.Is(err, dberr.ErrNotFound) {
		return "", fmt.Errorf("%w: no Altinn user has pid %s", ErrExchange, pid)
	}
	if err != nil {
		return "", err
	}
	claims := make(map[string]any, len(in)+8)
	for k, v := range in {
		switch k {
		case "aud", "iss", "at_hash", "sid", "sub":
			continue
		}
		claims[k] = v
	}
	claims["nameid"] = p.UserID
	claims["urn:altinn:userid"] = p.UserID
	claims["urn:altinn:username"] = ""
	claims["urn:altinn:partyid"] = p.PartyID
	claims["urn:altinn:party:uuid"] = p.PartyUUID.String()
	claims["urn:altinn:authenticatemethod"] = authMethod(in["amr"])
	claims["urn:altinn:authlevel"] = authLevel(acr)
	exp := in["exp"]
	s.altinnClaims(claims, s.clock.Now())
	claims["exp"] = exp
	return s.signAltinn(claims)
}

// authMethod is the amr (the first, when a list), or NotDefined.
func authMethod(amr any) string {
	switch v := amr.(type) {
	case string:
		if v != "" {
			return v
		}
	case []any:
		if len(v) > 0 {
			if s, ok := v[0].(string); ok && s != "" {
				return s
			}
		}
	}
	return "NotDefined"
}

// authLevel maps acr to a level; an unknown acr gives its last character
// when that is a digit (the old Level3/Level4), as the platform does.
func authLevel(acr string) int {
	if l, ok := authLevels[acr]; ok {
		return l
	}
	if n, err := strconv.Atoi(acr[len(acr)-1:]); err == nil {
		return n
	}
	return 0
}
