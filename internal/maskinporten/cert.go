package maskinporten

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/testca"
)

// How a client authenticated, as the token's client_amr says: with a
// registered key, or with an enterprise certificate in x5c.
const (
	amrPrivateKeyJWT = "private_key_jwt"
	amrCertificate   = "virksomhetssertifikat"
)

// maxChain is how many x5c certificates a grant may carry: the enterprise
// certificate, its issuing CA and the root, as the longest real chains
// have.
const maxChain = 3

// certInvalid is Maskinporten's MP-120 with what exactly was wrong.
func certInvalid(format string, args ...any) *Error {
	return errClientAuth("MP-120", "The JWT is signed with an invalid certificate: "+format, args...)
}

// checkCertificate: a client without registered keys authenticates with
// an enterprise certificate in x5c. The chain must be readable (MP-123),
// the certificate valid now on the emulator's clock and issued by the test
// CA (MP-120), and name the client's organisation (MP-122). It returns the
// certificate's key, which must then verify the signature.
func (s *Service) checkCertificate(c mpclient.Client, a *assertion, now time.Time) (clientKey, *Error) {
	var chain []string
	if err := json.Unmarshal(a.header.X5c, &chain); err != nil { // parseAssertion checked the shape
		return clientKey{}, newErr(codeInvalidGrant, "MP-123", "Invalid JWT header x5c: it must be a non-empty JSON array of base64 certificates.")
	}
	if len(chain) > maxChain {
		return clientKey{}, newErr(codeInvalidGrant, "MP-123", "Invalid JWT header x5c: the chain has %d certificates; at most %d are read (the enterprise certificate, its issuing CA and the root).", len(chain), maxChain)
	}
	certs := make([]*x509.Certificate, len(chain))
	for i, b64 := range chain {
		der, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return clientKey{}, newErr(codeInvalidGrant, "MP-123", "Invalid JWT header x5c: x5c[%d] is not standard base64 (with padding) of a DER certificate.", i)
		}
		if certs[i], err = x509.ParseCertificate(der); err != nil {
			return clientKey{}, newErr(codeInvalidGrant, "MP-123", "Invalid JWT header x5c: x5c[%d] is not an X.509 certificate: %v.", i, err)
		}
	}
	leaf := certs[0]
	switch {
	case now.Before(leaf.NotBefore):
		return clientKey{}, certInvalid("it is not valid before %s; our clock says %s.", fmtTime(leaf.NotBefore), fmtTime(now))
	case now.After(leaf.NotAfter):
		return clientKey{}, certInvalid("it expired %s; our clock says %s.", fmtTime(leaf.NotAfter), fmtTime(now))
	}
	intermediates := x509.NewCertPool()
	for _, ic := range certs[1:] {
		intermediates.AddCert(ic)
	}
	roots := s.certRoots
	if roots == nil {
		roots = x509.NewCertPool() // never the system's roots
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: intermediates, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		var unknown x509.UnknownAuthorityError
		if errors.As(err, &unknown) {
			e := certInvalid("it is not issued by altinn-sim's test CA (its issuer is %q); make one with 'altinn-sim certs new'.", leaf.Issuer.String())
			e.Cause = err
			return clientKey{}, e
		}
		e := certInvalid("its chain does not verify: %v.", err)
		e.Cause = err
		return clientKey{}, e
	}
	org, ok := testca.OrgNo(leaf)
	if !ok {
		return clientKey{}, errClientAuth("MP-122", "Invalid JWT. Invalid organization number for client. The certificate names no organisation number (organizationIdentifier NTRNO-<orgno>, or serialNumber).")
	}
	if org != c.OrgNo {
		return clientKey{}, errClientAuth("MP-122", "Invalid JWT. Invalid organization number for client. Does not match certificate orgno: the certificate names %s, the client belongs to %s.", org, c.OrgNo)
	}
	pub, ok := leaf.PublicKey.(*rsa.PublicKey)
	if !ok {
		return clientKey{}, certInvalid("its key is not RSA; grants are signed with RS256, RS384 or RS512.")
	}
	return clientKey{pub: pub, amr: amrCertificate}, nil
}
