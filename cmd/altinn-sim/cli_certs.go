package main

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

const certsUsage = `Usage: altinn-sim certs new --org ORGNO --out DIR [flags]

Makes a test enterprise certificate (virksomhetssertifikat) for an
organisation: an RSA 2048 key pair is made here, and the running
emulator's test CA certifies its public key (POST <url>/sim/api/v1/certificates,
with ALTINN_SIM_ADMIN_TOKEN as bearer when set). Writes DIR/key.pem (PKCS#8,
mode 0600) and DIR/cert.pem (the certificate, then the CA's). The subject
names the organisation as SEID 2 certificates do (organizationIdentifier
NTRNO-<orgno>). A Maskinporten client of that organisation registered
without keys then signs grants with it:

  altinn-sim token --client-id ID --cert DIR/cert.pem --key DIR/key.pem --scope S

Flags:
  --org ORGNO   the organisation (required)
  --out DIR     folder for cert.pem and key.pem (required; made when missing)
  --name NAME   the organisation's name in the subject (default TEST <orgno>)
  --days N      validity from now on the emulator's clock (default 365)
  --url URL     base URL of the emulator (default: ALTINN_SIM_PUBLIC_URL)
  --force       overwrite existing cert.pem and key.pem
`

func runCerts(args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageErr("want certs new")
	}
	sub, args := args[0], args[1:]
	if isHelp(sub) {
		return flag.ErrHelp
	}
	if sub != "new" {
		return usageErr("unknown certs command %q (want new)", sub)
	}
	fs := newFlagSet("certs new")
	org := fs.String("org", "", "the organisation number")
	out := fs.String("out", "", "folder for cert.pem and key.pem")
	name := fs.String("name", "", "the organisation's name in the subject")
	days := fs.Int("days", 365, "validity in days")
	base := fs.String("url", strings.TrimRight(config.FromEnv("public-url", getenv), "/"), "base URL of the emulator")
	force := fs.Bool("force", false, "overwrite existing files")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *org == "" || *out == "" {
		return usageErr("--org and --out are required")
	}
	certFile, keyFile := filepath.Join(*out, "cert.pem"), filepath.Join(*out, "key.pem")
	if !*force {
		for _, f := range []string{certFile, keyFile} {
			if _, err := os.Stat(f); err == nil {
				return fmt.Errorf("%s exists (use --force to overwrite)", f)
			}
		}
	}
	key, err := mpgrant.NewClientKey()
	if err != nil {
		return err
	}
	var rk rsa.PrivateKey
	if err := key.Raw(&rk); err != nil {
		return err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	if err != nil {
		return err
	}
	req := map[string]any{"orgNo": *org, "name": *name, "validDays": *days,
		"publicKey": string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}))}
	var issued struct {
		Certificate string    `json:"certificate"`
		CA          string    `json:"ca"`
		NotAfter    time.Time `json:"notAfter"`
	}
	if err := postControl(strings.TrimRight(*base, "/")+"/sim/api/v1/certificates", config.FromEnv("admin-token", getenv), req, &issued); err != nil {
		return err
	}
	keyPEM, err := mpgrant.PrivatePEM(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(certFile, []byte(issued.Certificate+issued.CA), 0o644); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "wrote %s (organisation %s, valid until %s) and %s\n", certFile, *org, issued.NotAfter.UTC().Format(time.RFC3339), keyFile)
	return err
}

// postControl posts JSON to the control API and decodes a 2xx answer.
func postControl(u, adminToken string, body, out any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if adminToken != "" {
		req.Header.Set("Authorization", "Bearer "+adminToken)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %s: %s", u, resp.Status, strings.TrimSpace(string(rb)))
	}
	if err := json.Unmarshal(rb, out); err != nil {
		return fmt.Errorf("unexpected answer from %s: %s", u, rb)
	}
	return nil
}
