package maskinporten

import (
	"fmt"
	"net/http"
)

// Error is a failed token request in Maskinporten's terms: the OAuth
// `error` code, the MP code (it becomes `error_uri`) and the description
// the client sees. Cause is for the log only, never sent.
type Error struct {
	Code        string // invalid_request, invalid_grant, invalid_client, invalid_scope, unsupported_grant_type, ...
	MP          string // e.g. "MP-110"; "" when Maskinporten has none
	Description string
	Status      int
	Cause       error
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Description
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Cause }

// The OAuth error codes Maskinporten answers with.
const (
	codeInvalidRequest   = "invalid_request"
	codeInvalidGrant     = "invalid_grant"
	codeInvalidClient    = "invalid_client"
	codeInvalidScope     = "invalid_scope"
	codeUnsupportedGrant = "unsupported_grant_type"
	// The error Altinn documents for MP-303 (system-user lookup failed).
	codeAltinnCustomer = "invalid_altinn_customer_configuration"
)

func newErr(code, mp, format string, args ...any) *Error {
	return &Error{Code: code, MP: mp, Description: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

// Descriptions start with Maskinporten's own wording and add what exactly was wrong, so a vendor can fix the grant.
const (
	prefixAuthFailed = "Invalid assertion. Client authentication failed."
	prefixInvalid    = "Invalid assertion."
)

func errMalformed(format string, args ...any) *Error {
	return newErr(codeInvalidRequest, "MP-011", "Invalid assertion. Invalid parameter value. "+format, args...)
}

func errClientAuth(mp, format string, args ...any) *Error {
	return newErr(codeInvalidGrant, mp, prefixAuthFailed+" "+format, args...)
}

func errClaim(mp, format string, args ...any) *Error {
	return newErr(codeInvalidGrant, mp, prefixInvalid+" "+format, args...)
}
