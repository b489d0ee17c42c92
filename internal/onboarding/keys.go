package onboarding

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

// Key pairs. On Digdir's portal the browser makes the pair and keeps the
// private half; here the server makes it (the pages need no JavaScript),
// puts the private half in that one answer only and stores the public
// half alone. It is made as a vendor's tools make it (mpgrant, the CLI's
// 'keys new'): RSA 2048, kid the RFC 7638 thumbprint, so a grant signed
// with the PEM file names the right kid without being told.

// newPair is a generated key pair: the public set to register and the
// private half as the downloads offer it.
type newPair struct {
	Public mpclient.JWKS
	KID    string
	PEM    []byte // PKCS#8, as mp-key.pem
	JWK    []byte // the private JWK (kid, alg, use)
}

func generatePair() (newPair, error) {
	priv, err := mpgrant.NewClientKey()
	if err != nil {
		return newPair{}, fmt.Errorf("generate key: %w", err)
	}
	pemBytes, err := mpgrant.PrivatePEM(priv)
	if err != nil {
		return newPair{}, err
	}
	jwkBytes, err := json.MarshalIndent(priv, "", "  ")
	if err != nil {
		return newPair{}, err
	}
	pub, err := mpgrant.PublicJWKS(priv)
	if err != nil {
		return newPair{}, err
	}
	return newPair{Public: mpclient.JWKS{Keys: pub.Keys}, KID: priv.KeyID(), PEM: pemBytes, JWK: jwkBytes}, nil
}

// dataURL is a download link's target: the file in the page itself, so
// the private key is never stored to be fetched later. html/template
// would refuse a data: URL in href; this one is built here from bytes.
func dataURL(mediaType string, b []byte) template.URL {
	return template.URL("data:" + mediaType + ";base64," + base64.StdEncoding.EncodeToString(b)) //nolint:gosec // our own bytes, base64
}

// errPrivateUpload: a private key was uploaded where only the public half
// belongs.
var errPrivateUpload = errors.New("private key uploaded")

// errNoKey: nothing was uploaded or pasted.
var errNoKey = errors.New("no key")

// parsePublicKeys reads what a person uploads as a public key: a JWK, a
// JWK Set, or PEM ("PUBLIC KEY" or "RSA PUBLIC KEY"). A JWK stays member
// for member as given, for the register's checks to judge (alg and use
// are required, as on /api/v1/clients/{id}/jwks); a PEM key has no
// members, so it gets those 'altinn-sim keys public' gives it: kid the
// thumbprint, alg RS256, use sig. A private key is refused here, before
// anything is kept.
func parsePublicKeys(data []byte) (mpclient.JWKS, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return mpclient.JWKS{}, errNoKey
	}
	if bytes.HasPrefix(data, []byte("-----BEGIN ")) {
		if bytes.Contains(data, []byte("PRIVATE KEY-----")) {
			return mpclient.JWKS{}, errPrivateUpload
		}
		k, err := jwk.ParseKey(data, jwk.WithPEM(true))
		if err != nil {
			return mpclient.JWKS{}, fmt.Errorf("not a PEM public key: %w", err)
		}
		if priv, _ := jwk.IsPrivateKey(k); priv {
			return mpclient.JWKS{}, errPrivateUpload
		}
		if err := jwk.AssignKeyID(k); err != nil {
			return mpclient.JWKS{}, err
		}
		_ = k.Set(jwk.AlgorithmKey, jwa.RS256)
		_ = k.Set(jwk.KeyUsageKey, jwk.ForSignature)
		raw, err := json.Marshal(k)
		if err != nil {
			return mpclient.JWKS{}, err
		}
		return mpclient.JWKS{Keys: []json.RawMessage{raw}}, nil
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return mpclient.JWKS{}, fmt.Errorf("neither a JWK nor a PEM key: %w", err)
	}
	if keys, ok := probe["keys"]; ok {
		var set mpclient.JWKS
		if err := json.Unmarshal(keys, &set.Keys); err != nil {
			return mpclient.JWKS{}, fmt.Errorf("keys is not a list of JWKs: %w", err)
		}
		return set, nil
	}
	return mpclient.JWKS{Keys: []json.RawMessage{json.RawMessage(data)}}, nil
}
