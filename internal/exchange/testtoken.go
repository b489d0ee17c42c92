package exchange

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// TestTokenRequest is the control API's test-token body, after the
// platform's test token generator: a token without a grant.
type TestTokenRequest struct {
	Type          string   `json:"type"` // enterprise, systemuser or person
	OrgNo         string   `json:"orgNo"`
	Scopes        []string `json:"scopes"`
	SystemUserID  string   `json:"systemUserId"`
	SystemUserOrg string   `json:"systemUserOrg"`
	SystemID      string   `json:"systemId"`
	ExternalRef   string   `json:"externalRef"`
	PID           string   `json:"pid"`
	ClientID      string   `json:"clientId"`
	// Exchange returns the Altinn token the exchange endpoint would give
	// for the Maskinporten token (enterprise and systemuser only).
	Exchange bool `json:"exchange"`
	// Issuer and App make a platform access token (type accesstoken):
	// the issuing org or service (ttd, studio, platform …) and the app
	// (ttd.myapp) in urn:altinn:app.
	Issuer string `json:"issuer"`
	App    string `json:"app"`
}

var (
	vldType       = problem.ValidationDescriptor{Code: "SIM.VLD-00310", Title: "type must be enterprise, systemuser, person or accesstoken."}
	vldIssuer     = problem.ValidationDescriptor{Code: "SIM.VLD-00121", Title: "issuer must be an app's or platform service's name (letters, digits, '.', '-', '_'), such as ttd."}
	vldSystemUser = problem.ValidationDescriptor{Code: "SIM.VLD-00311", Title: "systemUserId must be a UUID."}
	vldPID        = problem.ValidationDescriptor{Code: "SIM.VLD-00312", Title: "pid must be a valid 11-digit national identity number of a test person."}
	vldScopes     = problem.ValidationDescriptor{Code: "SIM.VLD-00313", Title: "scopes must contain at least one scope."}
)

// TestToken mints a token like the real one, without a grant: an
// enterprise or system-user Maskinporten token, or an Altinn end-user
// token for a test person.
func (s *Service) TestToken(ctx context.Context, in TestTokenRequest) (maskinporten.TokenResponse, error) {
	var errs []problem.ValidationError
	typ := strings.ToLower(in.Type)
	switch typ {
	case "enterprise", "systemuser", "person":
	case "accesstoken":
		return s.accessToken(in)
	default:
		return maskinporten.TokenResponse{}, problem.Validation(vldType.At("/type"))
	}
	for i, sc := range in.Scopes {
		if !mpclient.ValidScope(sc) {
			errs = append(errs, mpclient.VldScope.At(fmt.Sprintf("/scopes/%d", i)))
		}
	}
	if typ == "person" {
		if !parties.ValidPID(in.PID) {
			errs = append(errs, vldPID.At("/pid"))
		}
		if len(errs) > 0 {
			return maskinporten.TokenResponse{}, problem.Validation(errs...)
		}
		return s.personToken(ctx, in)
	}
	if !parties.ValidOrgNo(in.OrgNo, true) {
		errs = append(errs, mpclient.VldOrgNo.At("/orgNo"))
	}
	if len(in.Scopes) == 0 {
		errs = append(errs, vldScopes.At("/scopes"))
	}
	var details []signing.AuthorizationDetail
	if typ == "systemuser" {
		if _, err := uuid.Parse(in.SystemUserID); err != nil {
			errs = append(errs, vldSystemUser.At("/systemUserId"))
		}
		owner := in.SystemUserOrg
		if owner == "" {
			owner = in.OrgNo
		}
		if !parties.ValidOrgNo(owner, true) {
			errs = append(errs, mpclient.VldOrgNo.At("/systemUserOrg"))
		}
		systemID := in.SystemID
		if systemID == "" {
			// Like the platform's test token generator, which puts a
			// random id here.
			systemID = uuid.NewString()
		}
		org := signing.NewOrgID(owner)
		details = []signing.AuthorizationDetail{{Type: signing.AuthorizationDetailsSystemUser, SystemUserOrg: &org,
			SystemUserID: []string{strings.ToLower(in.SystemUserID)}, SystemID: systemID, ExternalRef: in.ExternalRef}}
	}
	if len(errs) > 0 {
		return maskinporten.TokenResponse{}, problem.Validation(errs...)
	}
	clientID := in.ClientID
	if clientID == "" {
		clientID = uuid.NewString()
	}
	resp, err := s.mp.Mint(clientID, in.OrgNo, in.Scopes, details)
	if err != nil || !in.Exchange {
		return resp, err
	}
	tok, err := s.Exchange(ctx, resp.AccessToken, false)
	if err != nil {
		return maskinporten.TokenResponse{}, err
	}
	return maskinporten.TokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int64(s.set.AltinnLifetime.Seconds()), Scope: resp.Scope}, nil
}

// personToken is an Altinn end-user token as the portal login gives.
func (s *Service) personToken(ctx context.Context, in TestTokenRequest) (maskinporten.TokenResponse, error) {
	scopes := in.Scopes
	if len(scopes) == 0 {
		scopes = []string{"altinn:portal/enduser"}
	}
	now := s.clock.Now()
	claims := map[string]any{
		"pid":                           in.PID,
		"urn:altinn:authenticatemethod": "TestID",
		"urn:altinn:authlevel":          3,
		"scope":                         strings.Join(scopes, " "),
	}
	if s.persons != nil {
		p, err := s.persons.Person(ctx, in.PID)
		if errors.Is(err, dberr.ErrNotFound) {
			return maskinporten.TokenResponse{}, problem.Validation(vldPID.At("/pid"))
		}
		if err != nil {
			return maskinporten.TokenResponse{}, err
		}
		claims["nameid"] = p.UserID
		claims["urn:altinn:userid"] = p.UserID
		claims["urn:altinn:username"] = ""
		claims["urn:altinn:partyid"] = p.PartyID
		claims["urn:altinn:party:uuid"] = p.PartyUUID.String()
	}
	s.altinnClaims(claims, now)
	tok, err := s.signAltinn(claims)
	if err != nil {
		return maskinporten.TokenResponse{}, err
	}
	return maskinporten.TokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int64(s.set.AltinnLifetime.Seconds()), Scope: claims["scope"].(string)}, nil
}

// accessTokenLifetime is how long a platform access token lives (the
// platform's AccessTokenGenerator default).
const accessTokenLifetime = 5 * time.Minute

// issuerName is what a platform access token's iss may be: a name, never
// a URL (our own token issuers are URLs).
var issuerName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// accessToken is a platform access token as an Altinn app or platform
// service makes one for the PlatformAccessToken header: iss the issuer's
// name, urn:altinn:app the app, signed with the Altinn key (which stands
// in for every issuer's certificate here).
func (s *Service) accessToken(in TestTokenRequest) (maskinporten.TokenResponse, error) {
	if !issuerName.MatchString(in.Issuer) {
		return maskinporten.TokenResponse{}, problem.Validation(vldIssuer.At("/issuer"))
	}
	now := s.clock.Now()
	claims := map[string]any{"iss": in.Issuer, "jti": uuid.NewString(), "nbf": now.Unix(), "iat": now.Unix(),
		"exp": now.Add(accessTokenLifetime).Unix()}
	if in.App != "" {
		claims["urn:altinn:app"] = in.App
	}
	tok, err := s.signAltinn(claims)
	if err != nil {
		return maskinporten.TokenResponse{}, err
	}
	return maskinporten.TokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int64(accessTokenLifetime.Seconds())}, nil
}
