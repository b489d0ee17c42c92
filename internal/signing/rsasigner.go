package signing

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
)

// RSA signer choices (Settings.RSASigner, ALTINN_SIM_RSA_SIGNER).
const (
	// RSASignerAuto signs with OpenSSL's libcrypto when this build has
	// cgo and libcrypto.so.3 loads, else with Go's crypto/rsa.
	RSASignerAuto = "auto"
	// RSASignerOpenSSL insists on OpenSSL: start-up fails without it.
	RSASignerOpenSSL = "openssl"
	// RSASignerGo always signs with Go's crypto/rsa (the baseline of
	// bench/tokens/peer.sh).
	RSASignerGo = "go"
)

// rsaBackend makes the crypto.Signer an RSA key signs tokens with. An
// RSA-2048 signature is most of the CPU of an RS256 token, and OpenSSL
// makes it some three times faster than Go's crypto/rsa on the machines
// this project measured on (README, "Performance"); the signatures are the
// same bytes (PKCS #1 v1.5 is deterministic).
type rsaBackend struct {
	// name is "openssl" or "go"; detail says which OpenSSL, or why Go.
	name, detail string
	// wrap turns a validated, precomputed key into its signer.
	wrap func(*rsa.PrivateKey) (crypto.Signer, error)
}

// libcrypto is the OpenSSL library loaded at run time (dlopen): OpenSSL
// 3, as Debian 12 and current distributions ship it. Nothing links
// against it, so a machine without it still runs the binary, on Go's
// signer. A variable for the test that hides it.
var libcrypto = "libcrypto.so.3"

var goRSABackend = func(why string) rsaBackend {
	return rsaBackend{name: RSASignerGo, detail: why, wrap: func(k *rsa.PrivateKey) (crypto.Signer, error) { return k, nil }}
}

// chooseRSABackend picks the backend for choice ("" is auto).
func chooseRSABackend(choice string) (rsaBackend, error) {
	switch choice {
	case "", RSASignerAuto:
		b, err := opensslBackend()
		if err != nil {
			return goRSABackend(err.Error()), nil
		}
		return b, nil
	case RSASignerOpenSSL:
		b, err := opensslBackend()
		if err != nil {
			return rsaBackend{}, fmt.Errorf("RSA signer %q: %w", choice, err)
		}
		return b, nil
	case RSASignerGo:
		return goRSABackend("chosen (RSA signer go)"), nil
	}
	return rsaBackend{}, fmt.Errorf("RSA signer %q is not auto, openssl or go", choice)
}

// rsaSelfTest is the digest every wrapped key signs once before it is
// used: the signature must verify under Go's crypto/rsa, and since PKCS
// #1 v1.5 leaves no freedom, verifying means it is the very signature Go
// would make.
var rsaSelfTest = sha256.Sum256([]byte("altinn-sim RSA signer self-test"))

// checkRSASigner signs rsaSelfTest with s and verifies it with Go.
func checkRSASigner(s crypto.Signer, pub *rsa.PublicKey) error {
	sig, err := s.Sign(nil, rsaSelfTest[:], crypto.SHA256)
	if err != nil {
		return err
	}
	return rsa.VerifyPKCS1v15(pub, crypto.SHA256, rsaSelfTest[:], sig)
}

// goSignsIt reports whether a signature request is one the fast signer
// leaves to Go's key: anything but PKCS #1 v1.5 over a SHA-256 digest
// (PSS, other hashes, a digest of the wrong length, which Go refuses
// with its own error).
func goSignsIt(digest []byte, opts crypto.SignerOpts) bool {
	if _, pss := opts.(*rsa.PSSOptions); pss {
		return true
	}
	return opts == nil || opts.HashFunc() != crypto.SHA256 || len(digest) != sha256.Size
}

// RSASigner is the signer a precomputed RSA key signs tokens with under
// choice, and the backend's name ("openssl" or "go"): for benchmarks that
// measure the bare signature the server makes.
func RSASigner(choice string, k *rsa.PrivateKey) (crypto.Signer, string, error) {
	b, err := chooseRSABackend(choice)
	if err != nil {
		return nil, "", err
	}
	s, err := b.wrap(k)
	if err != nil {
		return nil, "", err
	}
	return s, b.name, nil
}
