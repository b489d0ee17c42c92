package testca

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// Service is the database's test CA, loaded once: it never changes.
type Service struct {
	clock clock.Clock
	ca    *CA
}

// New loads the database's test CA, making it first when there is none.
// Instances starting at once each try to store their own; one wins and
// all load that one.
func New(ctx context.Context, pool *pgxpool.Pool, clk clock.Clock) (*Service, error) {
	if clk == nil {
		clk = clock.System{}
	}
	certDER, keyDER, err := loadCA(ctx, pool)
	if errors.Is(err, dberr.ErrNotFound) {
		ca, gerr := GenerateCA(clk.Now())
		if gerr != nil {
			return nil, gerr
		}
		k, gerr := ca.KeyPKCS8()
		if gerr != nil {
			return nil, gerr
		}
		if gerr := insertCA(ctx, pool, ca.Cert.Raw, k); gerr != nil {
			return nil, gerr
		}
		certDER, keyDER, err = loadCA(ctx, pool)
	}
	if err != nil {
		return nil, err
	}
	ca, err := ParseCA(certDER, keyDER)
	if err != nil {
		return nil, err
	}
	return &Service{clock: clk, ca: ca}, nil
}

// CA is the test CA.
func (s *Service) CA() *CA { return s.ca }

// Roots is the pool /token verifies certificate chains against.
func (s *Service) Roots() *x509.CertPool { return s.ca.Pool() }

// IssueRequest asks for an enterprise certificate over a public key the
// caller keeps the private half of.
type IssueRequest struct {
	OrgNo string `json:"orgNo"`
	// Name is the organisation's name in the subject (default "TEST <orgNo>").
	Name string `json:"name"`
	// PublicKey is the RSA public key (at least 2048 bits) as PEM
	// ("PUBLIC KEY" or "RSA PUBLIC KEY").
	PublicKey string `json:"publicKey"`
	// ValidDays is how long it is valid from now (default 365, at most 3650).
	ValidDays int `json:"validDays"`
}

// Issued is an issued certificate and the CA it chains to, in PEM.
type Issued struct {
	Certificate string    `json:"certificate"`
	CA          string    `json:"ca"`
	NotBefore   time.Time `json:"notBefore"`
	NotAfter    time.Time `json:"notAfter"`
}

var (
	vldCertOrgNo = problem.ValidationDescriptor{Code: "SIM.VLD-00401", Title: "orgNo must be a valid 9-digit organisation number."}
	vldCertKey   = problem.ValidationDescriptor{Code: "SIM.VLD-00402", Title: "publicKey must be an RSA public key of at least 2048 bits in PEM."}
	vldCertDays  = problem.ValidationDescriptor{Code: "SIM.VLD-00403", Title: "validDays must be from 1 to 3650."}
	vldCertName  = problem.ValidationDescriptor{Code: "SIM.VLD-00404", Title: "name must be at most 200 characters."}
)

// Issue makes an enterprise certificate, valid from now on the emulator's
// clock (a minute earlier, for clock skew).
func (s *Service) Issue(in IssueRequest) (Issued, error) {
	var errs []problem.ValidationError
	if !parties.ValidOrgNo(in.OrgNo, false) {
		errs = append(errs, vldCertOrgNo.At("/orgNo"))
	}
	if len(in.Name) > 200 {
		errs = append(errs, vldCertName.At("/name"))
	}
	if in.ValidDays == 0 {
		in.ValidDays = 365
	}
	if in.ValidDays < 1 || in.ValidDays > 3650 {
		errs = append(errs, vldCertDays.At("/validDays"))
	}
	pub, err := parseRSAPublic(in.PublicKey)
	if err != nil {
		e := vldCertKey.At("/publicKey")
		e.Detail = err.Error()
		errs = append(errs, e)
	}
	if len(errs) > 0 {
		return Issued{}, problem.Validation(errs...)
	}
	if in.Name == "" {
		in.Name = "TEST " + in.OrgNo
	}
	now := s.clock.Now().UTC().Truncate(time.Second)
	cert, err := s.ca.Issue(in.OrgNo, in.Name, pub, now.Add(-time.Minute), now.AddDate(0, 0, in.ValidDays))
	if err != nil {
		return Issued{}, err
	}
	return Issued{Certificate: string(PEM(cert.Raw)), CA: string(s.ca.CertPEM()), NotBefore: cert.NotBefore, NotAfter: cert.NotAfter}, nil
}

func parseRSAPublic(text string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, fmt.Errorf("not PEM")
	}
	var key any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, fmt.Errorf("a PEM %q block; want PUBLIC KEY", block.Type)
	}
	if err != nil {
		return nil, err
	}
	rk, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("a %T; Maskinporten grants are signed with RSA keys", key)
	}
	if rk.N.BitLen() < 2048 {
		return nil, fmt.Errorf("the RSA key has %d bits; at least 2048 are required", rk.N.BitLen())
	}
	return rk, nil
}
