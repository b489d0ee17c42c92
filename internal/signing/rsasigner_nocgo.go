//go:build !cgo

package signing

import "errors"

// opensslBackend is unavailable without cgo: OpenSSL is reached through
// cgo (github.com/golang-fips/openssl), so a CGO_ENABLED=0 build (the
// container image's) signs with Go's crypto/rsa.
func opensslBackend() (rsaBackend, error) {
	return rsaBackend{}, errors.New("built without cgo")
}
