// Command smartcloud is a small vendor program that walks the whole system
// user journey of the Altinn platform docs against altinn-sim, as the demo
// system "SmartCloud" of Digitaliseringsdirektoratet (991825827):
//
//  1. make a key pair and register a Maskinporten client with its public
//     key (altinn-sim's control API stands in for Samarbeidsportalen);
//  2. get a Maskinporten token by a JWT-bearer grant and register the
//     system 991825827_smartcloud in the system register;
//  3. ask the customer 313725138 for a (standard) system user and print the
//     confirmUrl a person there must open;
//  4. poll the request until the person has approved it in the portal;
//  5. get a system-user token (a grant with authorization_details);
//  6. call a tiny protected API — served by this program on loopback, the
//     way a service owner's API would be — which verifies the token and
//     asks altinn-sim's PDP whether the system user may read the resource
//     for the customer, and answers with the decision.
//
// Run it against a running emulator:
//
//	go run ./cmd/altinn-sim &            # http://localhost:8080
//	go run ./examples/smartcloud
//
// It deliberately uses only the standard library and jwx, not altinn-sim's
// internal packages, so it reads like a vendor's own code.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"
)

// Scopes and names the journey uses.
const (
	scopeRegister     = "altinn:authentication/systemregister.write"
	scopeRequestWrite = "altinn:authentication/systemuser.request.write"
	scopeRequestRead  = "altinn:authentication/systemuser.request.read"
	scopeAuthorize    = "altinn:authorization/authorize"
	// scopeAPI is the Maskinporten scope protecting the service owner's
	// API (the resource's MaskinportenScope reference).
	scopeAPI = "skatteetaten:kravogbetalinger"
	// resourceID is the resource registry id the system asks rights for.
	resourceID = "kravogbetaling"

	grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"
)

// Config says where the emulator is and who plays which part.
type Config struct {
	BaseURL    string // the emulator, e.g. http://localhost:8080
	AdminToken string // bearer token for /sim/api when the emulator has one
	Vendor     string // the vendor's org number (SmartCloud's maker)
	SystemID   string // <vendor>_smartcloud
	Customer   string // the organisation asked for a system user
	ActFor     string // the organisation the API is asked about (default Customer)
	APIOwner   string // the service owner running the protected API
	Poll       time.Duration
	Timeout    time.Duration // how long to wait for the approval
	Out        io.Writer
	HTTP       *http.Client
}

// DefaultConfig is the journey of the platform docs.
func DefaultConfig() Config {
	return Config{
		BaseURL:  "http://localhost:8080",
		Vendor:   "991825827",
		SystemID: "991825827_smartcloud",
		Customer: "313725138",
		APIOwner: "974761076", // Skatteetaten owns the resource kravogbetaling
		Poll:     2 * time.Second,
		Timeout:  15 * time.Minute,
		Out:      os.Stdout,
		HTTP:     &http.Client{Timeout: 30 * time.Second},
	}
}

// Result is what the journey ended with.
type Result struct {
	ClientID     string
	RequestID    string
	ConfirmURL   string
	SystemUserID string
	Decision     string // the PDP's decision: Permit, Deny, NotApplicable, Indeterminate
	APIStatus    int    // the protected API's HTTP status
}

func main() {
	cfg := DefaultConfig()
	flag.StringVar(&cfg.BaseURL, "url", envOr("ALTINN_SIM_PUBLIC_URL", cfg.BaseURL), "base URL of altinn-sim")
	flag.StringVar(&cfg.AdminToken, "admin-token", os.Getenv("ALTINN_SIM_ADMIN_TOKEN"), "admin token for /sim/api, if the emulator has one")
	flag.StringVar(&cfg.Customer, "customer", cfg.Customer, "org number of the customer asked for a system user")
	flag.DurationVar(&cfg.Timeout, "wait", cfg.Timeout, "how long to wait for the approval")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := run(ctx, cfg, nil)
	if err != nil {
		fmt.Fprintf(os.Stderr, "smartcloud: %v\n", err)
		os.Exit(1)
	}
	if res.Decision != "Permit" {
		os.Exit(3)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// vendor is the program's state while it runs.
type vendor struct {
	cfg    Config
	base   string
	issuer string // Maskinporten's issuer: the grant's aud and the tokens' iss
}

// run does the whole journey. approve, when not nil, is called with the
// confirmUrl instead of waiting for a person (tests approve through the
// portal's forms); either way the program then polls the request's status
// as a vendor does.
func run(ctx context.Context, cfg Config, approve func(confirmURL string) error) (Result, error) {
	var res Result
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	v := &vendor{cfg: cfg, base: strings.TrimRight(cfg.BaseURL, "/")}
	say := func(format string, args ...any) { fmt.Fprintf(cfg.Out, format+"\n", args...) }

	// Maskinporten's metadata names the issuer (the grant's audience).
	var meta struct {
		Issuer        string `json:"issuer"`
		TokenEndpoint string `json:"token_endpoint"`
		JWKSURI       string `json:"jwks_uri"`
	}
	if err := v.getJSON(ctx, "/.well-known/oauth-authorization-server", "", &meta); err != nil {
		return res, fmt.Errorf("read Maskinporten metadata (is altinn-sim running at %s?): %w", v.base, err)
	}
	v.issuer = meta.Issuer
	say("1. Maskinporten at %s (issuer %s)", v.base, v.issuer)

	// 1. A fresh key pair; the public half goes to Maskinporten.
	vendorKey, vendorJWKS, err := newKey()
	if err != nil {
		return res, err
	}
	var client struct {
		ClientID string `json:"clientId"`
	}
	if err := v.postJSON(ctx, "/sim/api/v1/clients", cfg.AdminToken, map[string]any{
		"orgNo": cfg.Vendor, "name": "SmartCloud",
		"scopes": []string{scopeRegister, scopeRequestWrite, scopeRequestRead, scopeAPI},
		"jwks":   vendorJWKS,
	}, http.StatusCreated, &client); err != nil {
		return res, fmt.Errorf("create the Maskinporten client: %w", err)
	}
	res.ClientID = client.ClientID
	say("   Maskinporten client %s for %s, key %s", client.ClientID, cfg.Vendor, vendorKey.KeyID())

	// 2. Register the system, bound to the client.
	regToken, err := v.token(ctx, vendorKey, client.ClientID, []string{scopeRegister}, "")
	if err != nil {
		return res, err
	}
	if err := v.registerSystem(ctx, regToken, client.ClientID); err != nil {
		return res, err
	}
	say("2. system %s registered with rights on %s", cfg.SystemID, resourceID)

	// 3. Ask the customer for a system user.
	reqToken, err := v.token(ctx, vendorKey, client.ClientID, []string{scopeRequestWrite, scopeRequestRead}, "")
	if err != nil {
		return res, err
	}
	var sreq struct {
		ID         string `json:"id"`
		Status     string `json:"status"`
		ConfirmURL string `json:"confirmUrl"`
		Code       string `json:"code"`
	}
	st, body, err := v.do(ctx, http.MethodPost, "/authentication/api/v1/systemuser/request/vendor", reqToken, map[string]any{
		"externalRef": cfg.Customer, "systemId": cfg.SystemID, "partyOrgNo": cfg.Customer,
		"rights": []any{map[string]any{"resource": []any{map[string]string{"id": "urn:altinn:resource", "value": resourceID}}}},
	})
	if err != nil {
		return res, err
	}
	_ = json.Unmarshal(body, &sreq)
	switch {
	case st == http.StatusBadRequest && sreq.Code == "AUTH-00004":
		// A system user already exists (an earlier run was approved).
		say("3. %s already has a system user for %s; no new request needed", cfg.Customer, cfg.SystemID)
	case st == http.StatusCreated || st == http.StatusOK:
		res.RequestID, res.ConfirmURL = sreq.ID, sreq.ConfirmURL
		say("3. asked %s for a system user: request %s (%s)", cfg.Customer, sreq.ID, sreq.Status)
		say("")
		say("   A person who may manage access for %s (e.g. Tiril Tiger, 12857841016) must approve it here:", cfg.Customer)
		say("")
		say("     %s", sreq.ConfirmURL)
		say("")
		if approve != nil {
			if err := approve(sreq.ConfirmURL); err != nil {
				return res, fmt.Errorf("approve: %w", err)
			}
		}
		// 4. Wait for the answer.
		if err := v.waitForApproval(ctx, vendorKey, client.ClientID, sreq.ID, say); err != nil {
			return res, err
		}
	default:
		return res, fmt.Errorf("create the system user request: %d %s", st, body)
	}

	// 5. A system-user token: the grant names the customer.
	suToken, err := v.token(ctx, vendorKey, client.ClientID, []string{scopeAPI}, cfg.Customer)
	if err != nil {
		return res, fmt.Errorf("system-user token: %w", err)
	}
	claims, err := jwt.ParseInsecure([]byte(suToken))
	if err != nil {
		return res, err
	}
	res.SystemUserID = systemUserID(claims)
	say("5. system-user token for system user %s acting for %s", res.SystemUserID, cfg.Customer)

	// 6. The service owner's API, served here on loopback.
	api, err := v.startAPI(ctx, meta.JWKSURI)
	if err != nil {
		return res, err
	}
	defer api.close()
	actFor := cfg.ActFor
	if actFor == "" {
		actFor = cfg.Customer
	}
	st, body, err = v.call(ctx, http.MethodGet, api.url+"/api/claims?org="+actFor, suToken, nil)
	if err != nil {
		return res, err
	}
	var answer struct {
		Decision string `json:"decision"`
	}
	_ = json.Unmarshal(body, &answer)
	res.Decision, res.APIStatus = answer.Decision, st
	say("6. GET %s/api/claims?org=%s with the system-user token: %d", api.url, actFor, st)
	say("   the PDP says: %s", answer.Decision)
	if answer.Decision == "" {
		return res, fmt.Errorf("the API answered %d %s", st, body)
	}
	return res, nil
}

// registerSystem registers the system, or — when an earlier run did —
// replaces it so that it is bound to this run's client.
func (v *vendor) registerSystem(ctx context.Context, token, clientID string) error {
	cfg := v.cfg
	sys := map[string]any{
		"id":          cfg.SystemID,
		"vendor":      map[string]string{"authority": "iso6523-actorid-upis", "ID": "0192:" + cfg.Vendor},
		"name":        map[string]string{"nb": "SmartCloud", "nn": "SmartCloud", "en": "SmartCloud"},
		"description": map[string]string{"nb": "SmartCloud Demo System", "nn": "SmartCloud Demo System", "en": "SmartCloud Demo System"},
		"rights":      []any{map[string]any{"resource": []any{map[string]string{"id": "urn:altinn:resource", "value": resourceID}}}},
		"clientId":    []string{clientID},
		"isVisible":   true,
	}
	st, body, err := v.do(ctx, http.MethodPost, "/authentication/api/v1/systemregister/vendor", token, sys)
	if err != nil {
		return err
	}
	if st == http.StatusOK {
		return nil
	}
	if st == http.StatusBadRequest && bytes.Contains(body, []byte("AUTH.VLD-00002")) {
		// Already registered: replace it (PUT is a whole replacement).
		st, body, err = v.do(ctx, http.MethodPut, "/authentication/api/v1/systemregister/vendor/"+cfg.SystemID, token, sys)
		if err != nil {
			return err
		}
		if st == http.StatusOK {
			return nil
		}
	}
	return fmt.Errorf("register the system: %d %s", st, body)
}

// waitForApproval polls the request until it is Accepted, with a fresh
// token when the last one is about to expire.
func (v *vendor) waitForApproval(ctx context.Context, key jwk.Key, clientID, requestID string, say func(string, ...any)) error {
	deadline := time.Now().Add(v.cfg.Timeout)
	var token string
	var tokenAt time.Time
	for first := true; ; first = false {
		if token == "" || time.Since(tokenAt) > 60*time.Second {
			t, err := v.token(ctx, key, clientID, []string{scopeRequestRead}, "")
			if err != nil {
				return err
			}
			token, tokenAt = t, time.Now()
		}
		var r struct {
			Status string `json:"status"`
		}
		if err := v.getJSON(ctx, "/authentication/api/v1/systemuser/request/vendor/"+requestID, token, &r); err != nil {
			return fmt.Errorf("read the request's status: %w", err)
		}
		switch r.Status {
		case "Accepted":
			say("4. the request is Accepted")
			return nil
		case "New":
			if first {
				say("4. waiting for the approval (polling every %s) ...", v.cfg.Poll)
			}
		default:
			return fmt.Errorf("the request ended as %s", r.Status)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no approval within %s", v.cfg.Timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(v.cfg.Poll):
		}
	}
}

// --- Maskinporten: key, grant and token ---

// newKey makes an RSA key pair as a JWK (kid = its thumbprint) and the
// public key set to register.
func newKey() (jwk.Key, map[string]any, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, err
	}
	raw, err := jwk.FromRaw(priv)
	if err != nil {
		return nil, nil, err
	}
	if err := jwk.AssignKeyID(raw); err != nil {
		return nil, nil, err
	}
	_ = raw.Set(jwk.AlgorithmKey, jwa.RS256)
	_ = raw.Set(jwk.KeyUsageKey, jwk.ForSignature)
	pub, err := raw.PublicKey()
	if err != nil {
		return nil, nil, err
	}
	return raw, map[string]any{"keys": []any{pub}}, nil
}

// token signs a JWT grant with the client's key and posts it to /token.
// systemUserOrg, when set, asks for a system-user token for that customer.
func (v *vendor) token(ctx context.Context, key jwk.Key, clientID string, scopes []string, systemUserOrg string) (string, error) {
	now := time.Now()
	claims := map[string]any{
		"aud":   v.issuer,
		"iss":   clientID,
		"scope": strings.Join(scopes, " "),
		"iat":   now.Unix(),
		"exp":   now.Add(60 * time.Second).Unix(),
		"jti":   uuid.NewString(),
	}
	if systemUserOrg != "" {
		claims["authorization_details"] = []any{map[string]any{
			"type":           "urn:altinn:systemuser",
			"systemuser_org": map[string]string{"authority": "iso6523-actorid-upis", "ID": "0192:" + systemUserOrg},
		}}
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	hdr := jws.NewHeaders()
	_ = hdr.Set(jws.KeyIDKey, key.KeyID())
	_ = hdr.Set(jws.TypeKey, "JWT")
	grant, err := jws.Sign(payload, jws.WithKey(jwa.RS256, key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return "", fmt.Errorf("sign the grant: %w", err)
	}
	form := url.Values{"grant_type": {grantType}, "assertion": {string(grant)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, v.base+"/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := v.cfg.HTTP.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &tr) != nil || tr.AccessToken == "" {
		return "", fmt.Errorf("/token answered %d: %s", resp.StatusCode, bytes.TrimSpace(body))
	}
	return tr.AccessToken, nil
}

// systemUserID reads authorization_details[].systemuser_id[0] from a
// system-user token.
func systemUserID(tok jwt.Token) string {
	raw, ok := tok.Get("authorization_details")
	if !ok {
		return ""
	}
	b, _ := json.Marshal(raw)
	var details []struct {
		Type         string   `json:"type"`
		SystemUserID []string `json:"systemuser_id"`
	}
	if json.Unmarshal(b, &details) != nil {
		return ""
	}
	for _, d := range details {
		if d.Type == "urn:altinn:systemuser" && len(d.SystemUserID) > 0 {
			return d.SystemUserID[0]
		}
	}
	return ""
}

// --- the service owner's protected API ---

type api struct {
	url   string
	close func()
}

// startAPI serves GET /api/claims?org=<orgno> on a loopback port. It plays
// the service owner: it verifies the caller's Maskinporten token against
// Maskinporten's JWKS, takes the system user from authorization_details,
// and asks the PDP (with its own token carrying the authorize scope)
// whether that system user may read the resource for the organisation.
func (v *vendor) startAPI(ctx context.Context, jwksURI string) (*api, error) {
	keys, err := jwk.Fetch(ctx, jwksURI)
	if err != nil {
		return nil, fmt.Errorf("fetch Maskinporten's keys: %w", err)
	}
	// The API owner's own Maskinporten client, for the PDP.
	ownerKey, ownerJWKS, err := newKey()
	if err != nil {
		return nil, err
	}
	var client struct {
		ClientID string `json:"clientId"`
	}
	if err := v.postJSON(ctx, "/sim/api/v1/clients", v.cfg.AdminToken, map[string]any{
		"orgNo": v.cfg.APIOwner, "name": "Claims API (PDP client)", "scopes": []string{scopeAuthorize}, "jwks": ownerJWKS,
	}, http.StatusCreated, &client); err != nil {
		return nil, fmt.Errorf("create the API owner's client: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/claims", func(w http.ResponseWriter, r *http.Request) {
		reply := func(status int, decision, msg string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(map[string]string{"decision": decision, "message": msg})
		}
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			reply(http.StatusUnauthorized, "", "no bearer token")
			return
		}
		tok, err := jwt.Parse([]byte(raw), jwt.WithKeySet(keys, jws.WithInferAlgorithmFromKey(true)),
			jwt.WithValidate(true), jwt.WithIssuer(v.issuer), jwt.WithAcceptableSkew(10*time.Second))
		if err != nil {
			reply(http.StatusUnauthorized, "", "invalid token: "+err.Error())
			return
		}
		scope, _ := tok.Get("scope")
		if s, _ := scope.(string); !strings.Contains(" "+s+" ", " "+scopeAPI+" ") {
			reply(http.StatusForbidden, "", "the token lacks scope "+scopeAPI)
			return
		}
		suID := systemUserID(tok)
		if suID == "" {
			reply(http.StatusForbidden, "", "not a system-user token")
			return
		}
		pdpToken, err := v.token(r.Context(), ownerKey, client.ClientID, []string{scopeAuthorize}, "")
		if err != nil {
			reply(http.StatusBadGateway, "", err.Error())
			return
		}
		decision, err := v.authorize(r.Context(), pdpToken, suID, "read", resourceID, r.URL.Query().Get("org"))
		if err != nil {
			reply(http.StatusBadGateway, "", err.Error())
			return
		}
		if decision != "Permit" {
			reply(http.StatusForbidden, decision, "the PDP did not permit it")
			return
		}
		reply(http.StatusOK, decision, "here are the claims of "+r.URL.Query().Get("org"))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &api{url: "http://" + ln.Addr().String(), close: func() { _ = srv.Close() }}, nil
}

// authorize asks the PDP one XACML JSON question.
func (v *vendor) authorize(ctx context.Context, token, systemUserID, action, resource, orgNo string) (string, error) {
	attr := func(id, value string) map[string]string { return map[string]string{"AttributeId": id, "Value": value} }
	body := map[string]any{"Request": map[string]any{
		"AccessSubject": []any{map[string]any{"Attribute": []any{attr("urn:altinn:systemuser:uuid", systemUserID)}}},
		"Action":        []any{map[string]any{"Attribute": []any{attr("urn:oasis:names:tc:xacml:1.0:action:action-id", action)}}},
		"Resource": []any{map[string]any{"Attribute": []any{
			attr("urn:altinn:resource", resource), attr("urn:altinn:organization:identifier-no", orgNo)}}},
	}}
	var out struct {
		Response []struct {
			Decision string `json:"decision"`
		} `json:"response"`
	}
	if err := v.postJSON(ctx, "/authorization/api/v1/authorize", token, body, http.StatusOK, &out); err != nil {
		return "", fmt.Errorf("ask the PDP: %w", err)
	}
	if len(out.Response) != 1 {
		return "", errors.New("the PDP answered no result")
	}
	return out.Response[0].Decision, nil
}

// --- HTTP helpers ---

func (v *vendor) do(ctx context.Context, method, path, token string, body any) (int, []byte, error) {
	return v.call(ctx, method, v.base+path, token, body)
}

func (v *vendor) call(ctx context.Context, method, u, token string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := v.cfg.HTTP.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return resp.StatusCode, b, err
}

func (v *vendor) getJSON(ctx context.Context, path, token string, out any) error {
	st, b, err := v.do(ctx, http.MethodGet, path, token, nil)
	if err != nil {
		return err
	}
	if st != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", path, st, bytes.TrimSpace(b))
	}
	return json.Unmarshal(b, out)
}

func (v *vendor) postJSON(ctx context.Context, path, token string, body any, want int, out any) error {
	st, b, err := v.do(ctx, http.MethodPost, path, token, body)
	if err != nil {
		return err
	}
	if st != want {
		return fmt.Errorf("POST %s: %d %s", path, st, bytes.TrimSpace(b))
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}
