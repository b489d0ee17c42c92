package exchange

import (
	"context"
	"errors"
	"mime"
	"net/http"

	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
)

// IntrospectionResponse is the platform's IntrospectionResponse: active,
// and the issuer of an active token (null members are left out, as the
// platform's JSON options say).
type IntrospectionResponse struct {
	Active bool   `json:"active"`
	Iss    string `json:"iss,omitempty"`
}

// Introspect is AuthenticationCore.IntrospectionValidation: the platform
// tries its one validator, the platform access token's
// (EFormidlingAccessValidator, named after its first user), so a token is
// active only when it is a valid platform access token; Altinn,
// Maskinporten and ID-porten tokens are not what it introspects and are
// inactive. token_type_hint does not change this (the platform reads it
// and does nothing with it).
func (s *Service) Introspect(ctx context.Context, token string) IntrospectionResponse {
	v, err := s.signer.VerifyAccessToken(ctx, token)
	if err != nil {
		return IntrospectionResponse{}
	}
	iss, _ := v.Claims["iss"].(string)
	return IntrospectionResponse{Active: true, Iss: iss}
}

// maxIntrospectionForm bounds the form; a token is a few kilobytes.
const maxIntrospectionForm = 64 << 10

// handleIntrospection is POST /authentication/api/v1/introspection: a form
// with token (and token_type_hint), from a caller with a token of ours.
// Another content type is 415 (the controller's [Consumes]); no token is
// 400 with the platform's text.
func (s *Service) handleIntrospection(w http.ResponseWriter, r *http.Request) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/x-www-form-urlencoded" {
			return &problem.Problem{Status: http.StatusUnsupportedMediaType, Title: "Unsupported Media Type",
				Detail: "the body must be application/x-www-form-urlencoded"}
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxIntrospectionForm)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return problem.TooLarge.WithDetail("the form is larger than %d bytes", maxIntrospectionForm)
		}
		return problem.BadRequest.WithDetail("the form cannot be read: %v", err)
	}
	token := r.PostForm.Get("token")
	if token == "" {
		// The platform's own words, typo and all.
		return problem.BadRequest.WithDetail("Token canot be empty.")
	}
	respond.JSON(w, http.StatusOK, s.Introspect(r.Context(), token))
	return nil
}
