// Package testca is the emulator's own test CA for enterprise certificates
// (virksomhetssertifikat): made once per database and kept there like the
// signing keys, it issues certificates that name an organisation the way
// Norwegian enterprise certificates do, and /token trusts the chains that
// end at it. Maskinporten trusts Buypass's and Commfides's test CAs
// instead, whose keys nobody outside them holds.
package testca

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"
)

// Subject attributes that carry the organisation number. SEID 2
// certificates (ETSI EN 319 412-1) carry it as organizationIdentifier
// "NTRNO-<orgno>"; older SEID 1 certificates as a bare serialNumber.
var (
	oidOrganizationIdentifier = asn1.ObjectIdentifier{2, 5, 4, 97}
	oidSerialNumber           = asn1.ObjectIdentifier{2, 5, 4, 5}
	nineDigits                = regexp.MustCompile(`^[0-9]{9}$`)
)

// CA is a certificate authority: its certificate and private key.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// caName is the test CA's subject.
var caName = pkix.Name{Country: []string{"NO"}, Organization: []string{"altinn-sim"}, CommonName: "altinn-sim test CA for enterprise certificates"}

// GenerateCA makes a new CA whose certificate is valid from a year before
// now to thirty years after, so moving the emulator's clock within that
// span never makes the CA itself invalid. It may sign only end-entity
// certificates (path length 0).
func GenerateCA(now time.Time) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	sn, err := serial()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               caName,
		NotBefore:             now.AddDate(-1, 0, 0),
		NotAfter:              now.AddDate(30, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key}, nil
}

// ParseCA reads a CA back from its certificate (DER) and PKCS#8 key.
func ParseCA(certDER, keyPKCS8 []byte) (*CA, error) {
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		return nil, fmt.Errorf("test CA certificate: %w", err)
	}
	k, err := x509.ParsePKCS8PrivateKey(keyPKCS8)
	if err != nil {
		return nil, fmt.Errorf("test CA key: %w", err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("test CA key is not a signing key")
	}
	return &CA{Cert: cert, Key: signer}, nil
}

// KeyPKCS8 is the CA's private key as stored.
func (ca *CA) KeyPKCS8() ([]byte, error) { return x509.MarshalPKCS8PrivateKey(ca.Key) }

// CertPEM is the CA's certificate in PEM.
func (ca *CA) CertPEM() []byte { return PEM(ca.Cert.Raw) }

// Pool is a pool holding only this CA, for chain verification.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// Issue makes an enterprise certificate for orgNo (named name) over pub,
// valid from notBefore to notAfter: subject C=NO, O and CN the name, and
// organizationIdentifier NTRNO-<orgNo>, as SEID 2 enterprise certificates
// name their organisation.
func (ca *CA) Issue(orgNo, name string, pub crypto.PublicKey, notBefore, notAfter time.Time) (*x509.Certificate, error) {
	if !nineDigits.MatchString(orgNo) {
		return nil, fmt.Errorf("organisation number %q is not nine digits", orgNo)
	}
	sn, err := serial()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject: pkix.Name{
			Country: []string{"NO"}, Organization: []string{name}, CommonName: name,
			ExtraNames: []pkix.AttributeTypeAndValue{{Type: oidOrganizationIdentifier, Value: "NTRNO-" + orgNo}},
		},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, pub, ca.Key)
	if err != nil {
		return nil, fmt.Errorf("issue certificate: %w", err)
	}
	return x509.ParseCertificate(der)
}

// OrgNo reads the organisation number an enterprise certificate names:
// organizationIdentifier NTRNO-<orgno> (SEID 2), else a nine-digit
// serialNumber (SEID 1).
func OrgNo(cert *x509.Certificate) (string, bool) {
	var serialNo string
	for _, atv := range cert.Subject.Names {
		v, _ := atv.Value.(string)
		switch {
		case atv.Type.Equal(oidOrganizationIdentifier):
			if n, ok := strings.CutPrefix(v, "NTRNO-"); ok && nineDigits.MatchString(n) {
				return n, true
			}
		case atv.Type.Equal(oidSerialNumber):
			if nineDigits.MatchString(v) {
				serialNo = v
			}
		}
	}
	return serialNo, serialNo != ""
}

// PEM encodes DER certificates as PEM blocks, one after another.
func PEM(ders ...[]byte) []byte {
	var out []byte
	for _, d := range ders {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: d})...)
	}
	return out
}

// serial is a random positive 127-bit serial number.
func serial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("serial number: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil
}
