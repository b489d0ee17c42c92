package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

// The vendor-side commands, so curl users can follow along without
// writing code:
//
//	altinn-sim keys new --out key.json [--format pem]   RSA key pair; prints the public set
//	altinn-sim keys public --key key.json               prints the public set again
//	altinn-sim grant --client-id ID --key key.json --scope S [--systemuser-org ORGNO]
//	altinn-sim token --client-id ID --key key.json --scope S [--systemuser-org ORGNO] [--raw]

const keysUsage = `Usage: altinn-sim keys new --out FILE [--format jwk|pem] [--force]
       altinn-sim keys public --key FILE [--kid KID]

keys new makes an RSA 2048 key pair: the private key goes to the file
(mode 0600) as a JWK, or with --format pem as PKCS#8 PEM (like the
mp-key.pem Maskinporten's onboarding offers); the public key set
{"keys":[...]} goes to stdout, ready for
POST /sim/api/v1/clients {"orgNo":..., "scopes":[...], "jwks": <it>}.
Its kid is the key's RFC 7638 thumbprint.
keys public prints the public key set of a private key file again.

Flags:
  --out FILE     keys new: file for the private key (required)
  --format F     keys new: jwk (default) or pem
  --force        keys new: overwrite an existing file
  --key FILE     keys public: the private key, JWK or PEM (PKCS#1 or PKCS#8) (required)
  --kid KID      keys public: the kid to print (default: a JWK's own kid, else the thumbprint)
`

const grantFlags = `Flags:
  --client-id ID         the client's id, the grant's iss (required)
  --key FILE             private key: a JWK from 'keys new', or PEM (PKCS#1 or PKCS#8) (required)
  --kid KID              the header's kid (default: a JWK's own kid, else the key's
                         RFC 7638 thumbprint, as 'keys new' and 'keys public' print it)
  --cert FILE            sign as a client without registered keys: the enterprise
                         certificate (PEM, chain after it) for --key goes in the
                         header's x5c, and no kid ('altinn-sim certs new' makes one)
  --scope S              scope to ask for (repeatable, or space-separated; required)
  --systemuser-org ORGNO customer organisation number: ask for a system-user token
  --external-ref REF     externalRef of the system user (default: the customer org number)
  --consumer-org ORGNO   consumer organisation number: a supplier's token for a consumer that delegated the scope
  --audience URL         the grant's aud (default: ALTINN_SIM_PUBLIC_URL plus /)
  --lifetime D           exp - iat of the grant (default 60s, at most 120s)
`

const grantUsage = `Usage: altinn-sim grant --client-id ID --key FILE --scope S [flags]

Prints a signed JWT grant (assertion) for Maskinporten's /token.

` + grantFlags

const tokenUsage = `Usage: altinn-sim token --client-id ID --key FILE --scope S [flags]

Signs a grant, POSTs it to <url>/token and prints the answer.

` + grantFlags + `  --url URL              base URL of the emulator (default: ALTINN_SIM_PUBLIC_URL)
  --raw                  print only the access token
`

// clientUsages is each client command's --help.
var clientUsages = map[string]string{"keys": keysUsage, "certs": certsUsage, "grant": grantUsage, "token": tokenUsage}

// runClientCommand runs keys, grant or token and returns the exit code.
func runClientCommand(cmd string, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	var err error
	switch cmd {
	case "keys":
		err = runKeys(args, stdout)
	case "certs":
		err = runCerts(args, getenv, stdout)
	case "grant":
		err = runGrant(args, getenv, stdout, false)
	case "token":
		err = runGrant(args, getenv, stdout, true)
	}
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, clientUsages[cmd])
		return 0
	}
	if errors.Is(err, errUsage) {
		fmt.Fprintf(stderr, "altinn-sim %s: %v (see altinn-sim %s --help)\n", cmd, strings.TrimPrefix(err.Error(), "usage: "), cmd)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "altinn-sim %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

var errUsage = errors.New("usage")

func usageErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}

func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageErr("%v", err)
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func runKeys(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageErr("want keys new or keys public")
	}
	sub, args := args[0], args[1:]
	if isHelp(sub) {
		return flag.ErrHelp
	}
	fs := newFlagSet("keys " + sub)
	switch sub {
	case "new":
		out := fs.String("out", "", "file for the private key")
		format := fs.String("format", "jwk", "jwk or pem")
		force := fs.Bool("force", false, "overwrite an existing file")
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if *out == "" {
			return usageErr("--out is required")
		}
		if *format != "jwk" && *format != "pem" {
			return usageErr("--format must be jwk or pem, got %q", *format)
		}
		key, err := mpgrant.NewClientKey()
		if err != nil {
			return err
		}
		var raw []byte
		if *format == "pem" {
			raw, err = mpgrant.PrivatePEM(key)
		} else {
			raw, err = json.MarshalIndent(key, "", "  ")
			raw = append(raw, '\n')
		}
		if err != nil {
			return err
		}
		mode := os.O_WRONLY | os.O_CREATE | os.O_EXCL
		if *force {
			mode = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		}
		f, err := os.OpenFile(*out, mode, 0o600)
		if err != nil {
			return fmt.Errorf("write private key: %w (use --force to overwrite)", err)
		}
		if _, err := f.Write(raw); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		return printPublic(key, stdout)
	case "public":
		path := fs.String("key", "", "private key file, JWK or PEM")
		kid := fs.String("kid", "", "the kid to print")
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		key, err := readKey(*path, *kid)
		if err != nil {
			return err
		}
		return printPublic(key, stdout)
	}
	return usageErr("unknown keys command %q (want new or public)", sub)
}

func printPublic(key jwk.Key, w io.Writer) error {
	set, err := mpgrant.PublicJWKS(key)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(set, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// readKey reads a private client key file, JWK or PEM (see
// mpgrant.ParsePrivateKey for kid).
func readKey(path, kid string) (jwk.Key, error) {
	if path == "" {
		return nil, usageErr("--key is required")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := mpgrant.ParsePrivateKey(b, kid)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return key, nil
}

// scopeList is a repeatable --scope flag; each value may also hold
// several space-separated scopes.
type scopeList []string

func (s *scopeList) String() string { return strings.Join(*s, " ") }
func (s *scopeList) Set(v string) error {
	*s = append(*s, strings.Fields(v)...)
	return nil
}

func runGrant(args []string, getenv func(string) string, stdout io.Writer, post bool) error {
	name := "grant"
	if post {
		name = "token"
	}
	fs := newFlagSet(name)
	public := strings.TrimRight(config.FromEnv("public-url", getenv), "/")
	var scopes scopeList
	clientID := fs.String("client-id", "", "the client's id (the grant's iss)")
	keyPath := fs.String("key", "", "private key file, JWK or PEM")
	kid := fs.String("kid", "", "the header's kid (default: a JWK's own, else the thumbprint)")
	certPath := fs.String("cert", "", "enterprise certificate (PEM) for x5c instead of a kid")
	fs.Var(&scopes, "scope", "scope to ask for (repeatable, or space-separated)")
	suOrg := fs.String("systemuser-org", "", "customer organisation number: ask for a system-user token")
	extRef := fs.String("external-ref", "", "externalRef of the system user (default: the customer org number)")
	consumerOrg := fs.String("consumer-org", "", "consumer organisation number: a supplier's token for a consumer that delegated the scope")
	audience := fs.String("audience", public+"/", "the grant's aud: Maskinporten's issuer")
	lifetime := fs.Duration("lifetime", 60*time.Second, "exp - iat of the grant (at most 120s)")
	base := fs.String("url", public, "base URL of the emulator (token only)")
	rawOut := fs.Bool("raw", false, "print only the access token (token only)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *clientID == "" {
		return usageErr("--client-id is required")
	}
	if len(scopes) == 0 {
		return usageErr("at least one --scope is required")
	}
	if *certPath != "" && *kid != "" {
		return usageErr("--cert and --kid do not go together: a certificate grant carries x5c and no kid")
	}
	key, err := readKey(*keyPath, *kid)
	if err != nil {
		return err
	}
	claims := mpgrant.Claims(mpgrant.Options{
		ClientID: *clientID, Audience: *audience, Scopes: scopes,
		SystemUserOrg: *suOrg, ExternalRef: *extRef, ConsumerOrg: *consumerOrg, Lifetime: *lifetime,
	})
	var assertion string
	if *certPath != "" {
		b, err := os.ReadFile(*certPath)
		if err != nil {
			return err
		}
		chain, err := mpgrant.ParseCertificateChain(b, key)
		if err != nil {
			return fmt.Errorf("%s: %w", *certPath, err)
		}
		assertion, err = mpgrant.SignWithCertificate(key, chain, claims)
		if err != nil {
			return err
		}
	} else if assertion, err = mpgrant.Sign(key, claims); err != nil {
		return err
	}
	if !post {
		_, err := fmt.Fprintln(stdout, assertion)
		return err
	}
	return postToken(strings.TrimRight(*base, "/")+"/token", assertion, *rawOut, stdout)
}

func postToken(tokenURL, assertion string, rawOut bool, stdout io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	form := url.Values{"grant_type": {mpgrant.GrantType}, "assertion": {assertion}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s: %s", tokenURL, resp.Status, strings.TrimSpace(string(body)))
	}
	if rawOut {
		var tr mpgrant.TokenResponse
		if err := json.Unmarshal(body, &tr); err != nil || tr.AccessToken == "" {
			return fmt.Errorf("unexpected answer from %s: %s", tokenURL, body)
		}
		_, err := fmt.Fprintln(stdout, tr.AccessToken)
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", strings.TrimSpace(string(body)))
	return err
}
