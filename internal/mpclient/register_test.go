package mpclient

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// These tests hold the client register to what the README and the
// control API's errors promise: client ids, names, scopes and key sets
// checked as Maskinporten's self-service API checks them, each mistake a
// SIM.VLD-003NN validation error at its JSON path, and what was written
// read back as written.

const org = "991825827"

var (
	keysOnce           sync.Once
	rsa2048, rsa1024   *rsa.PrivateKey
	ecP256             *ecdsa.PrivateKey
	errKeyGenerationMu error
)

func testKeys(t *testing.T) (*rsa.PrivateKey, *rsa.PrivateKey, *ecdsa.PrivateKey) {
	t.Helper()
	keysOnce.Do(func() {
		if rsa2048, errKeyGenerationMu = rsa.GenerateKey(rand.Reader, 2048); errKeyGenerationMu != nil {
			return
		}
		if rsa1024, errKeyGenerationMu = rsa.GenerateKey(rand.Reader, 1024); errKeyGenerationMu != nil {
			return
		}
		ecP256, errKeyGenerationMu = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	})
	if errKeyGenerationMu != nil {
		t.Fatal(errKeyGenerationMu)
	}
	return rsa2048, rsa1024, ecP256
}

// jwkJSON is pub as a JWK with the members given (kid, alg, use...).
func jwkJSON(t *testing.T, pub any, members map[string]string) json.RawMessage {
	t.Helper()
	k, err := jwk.FromRaw(pub)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range members {
		if err := k.Set(name, v); err != nil {
			t.Fatal(err)
		}
	}
	b, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantValidation checks err is a 400 with exactly these validation errors
// (code at path, and detail when given).
func wantValidation(t *testing.T, err error, want ...problem.ValidationError) {
	t.Helper()
	var p *problem.Problem
	if !errors.As(err, &p) || p.Status != 400 || p.Code != "STD-00000" {
		t.Fatalf("want a validation problem, got %v", err)
	}
	if len(p.ValidationErrors) != len(want) {
		t.Fatalf("validation errors %+v\nwant %+v", p.ValidationErrors, want)
	}
	for i, w := range want {
		g := p.ValidationErrors[i]
		if g.Code != w.Code || !reflect.DeepEqual(g.Paths, w.Paths) || (w.Detail != "" && g.Detail != w.Detail) {
			t.Fatalf("validation error %d: %+v\nwant %+v", i, g, w)
		}
	}
}

// sameJSON reports whether a and b encode to the same JSON value (keys
// come back from jsonb with their members reordered).
func sameJSON(a, b any) bool {
	var va, vb any
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if json.Unmarshal(ja, &va) != nil || json.Unmarshal(jb, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

func vld(code, path, detail string) problem.ValidationError {
	return problem.ValidationError{Code: code, Paths: []string{path}, Detail: detail}
}

func TestValidClientID(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]bool{
		"0b9e4a2c-8a4f-4c43-9d0f-2a1c3c0e5f11": true,
		"my_client.v2:prod-1":                  true,
		strings.Repeat("a", 100):               true,
		strings.Repeat("a", 101):               false,
		"":                                     false,
		"has space":                            false,
		"slash/inside":                         false,
		"ø":                                    false,
	} {
		if got := ValidClientID(id); got != want {
			t.Errorf("ValidClientID(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestValidScopeAndKeyID(t *testing.T) {
	t.Parallel()
	for sc, want := range map[string]bool{
		"altinn:authentication/systemregister.write": true,
		"test:read":          true,
		"a_b.c-d:x":          true,
		"noprefix":           false,
		":read":              false,
		"test:":              false,
		"test:read write":    false,
		"test:read\twrite":   false,
		"te st:read":         false,
		"altinn:x:y/z.read1": true,
	} {
		if got := ValidScope(sc); got != want {
			t.Errorf("ValidScope(%q) = %v, want %v", sc, got, want)
		}
	}
	for kid, want := range map[string]bool{
		"k1":                     true,
		"a-b_c.d":                true,
		strings.Repeat("k", 200): true,
		strings.Repeat("k", 201): false,
		"":                       false,
		"k:1":                    false,
		"k 1":                    false,
	} {
		if got := ValidKeyID(kid); got != want {
			t.Errorf("ValidKeyID(%q) = %v, want %v", kid, got, want)
		}
	}
}

// validateJWKS takes at most five public RSA keys of at least 2048 bits,
// each with a unique kid of the allowed characters, alg RS256/384/512 and
// use sig when given, and keeps them as posted; each refused key is a
// SIM.VLD-00304 at its index, saying why.
func TestValidateJWKS(t *testing.T) {
	t.Parallel()
	big, small, ec := testKeys(t)
	pub := &big.PublicKey
	key := func(m map[string]string) json.RawMessage { return jwkJSON(t, pub, m) }
	kid := func(k string) json.RawMessage { return key(map[string]string{"kid": k}) }
	private := jwkJSON(t, big, map[string]string{"kid": "priv"})
	cases := []struct {
		name string
		keys []json.RawMessage
		want []problem.ValidationError // nil: accepted as posted
	}{
		{"none", []json.RawMessage{}, nil},
		{"one with kid only", []json.RawMessage{kid("k1")}, nil},
		{"alg and use given", []json.RawMessage{
			key(map[string]string{"kid": "a", "alg": "RS256", "use": "sig"}),
			key(map[string]string{"kid": "b", "alg": "RS384"}),
			key(map[string]string{"kid": "c", "alg": "RS512"}),
		}, nil},
		{"five keys", []json.RawMessage{kid("1"), kid("2"), kid("3"), kid("4"), kid("5")}, nil},
		{"six keys", []json.RawMessage{kid("1"), kid("2"), kid("3"), kid("4"), kid("5"), kid("6")},
			[]problem.ValidationError{vld("SIM.VLD-00304", "/jwks/keys", "a client may have at most 5 keys, got 6")}},
		{"not an object", []json.RawMessage{json.RawMessage(`"k1"`)},
			[]problem.ValidationError{vld("SIM.VLD-00304", "/jwks/keys/0", "the key is not a JSON object")}},
		{"a private key", []json.RawMessage{kid("ok"), private},
			[]problem.ValidationError{vld("SIM.VLD-00304", "/jwks/keys/1", "this is a private key; post only the public key (kty, kid, alg, use, n, e)")}},
		{"a symmetric key", []json.RawMessage{json.RawMessage(`{"kty":"oct","kid":"s","k":"c2VjcmV0"}`)},
			[]problem.ValidationError{vld("SIM.VLD-00304", "/jwks/keys/0", "this is a private key; post only the public key (kty, kid, alg, use, n, e)")}},
		{"not a JWK", []json.RawMessage{json.RawMessage(`{"kid":"x"}`)},
			[]problem.ValidationError{vld("SIM.VLD-00304", "/jwks/keys/0", "")}},
		{"an EC key", []json.RawMessage{jwkJSON(t, &ec.PublicKey, map[string]string{"kid": "ec"})},
			[]problem.ValidationError{vld("SIM.VLD-00304", "/jwks/keys/0", `kty must be RSA, got "EC"`)}},
		{"1024 bits", []json.RawMessage{jwkJSON(t, &small.PublicKey, map[string]string{"kid": "small"})},
			[]problem.ValidationError{vld("SIM.VLD-00304", "/jwks/keys/0", "the RSA key has 1024 bits; at least 2048 are required")}},
		{"no kid", []json.RawMessage{key(nil)},
			[]problem.ValidationError{vld("SIM.VLD-00304", "/jwks/keys/0", "kid is required")}},
		{"kid with a colon", []json.RawMessage{kid("k:1")},
			[]problem.ValidationError{vld("SIM.VLD-00304", "/jwks/keys/0", `kid "k:1" may only contain letters, digits, '.', '_' and '-'`)}},
		{"kid used twice", []json.RawMessage{kid("k1"), kid("k2"), kid("k1")},
			[]problem.ValidationError{vld("SIM.VLD-00304", "/jwks/keys/2", `kid "k1" is used by another key of this client`)}},
		{"alg ES256", []json.RawMessage{key(map[string]string{"kid": "a", "alg": "ES256"})},
			[]problem.ValidationError{vld("SIM.VLD-00304", "/jwks/keys/0", `alg must be RS256, RS384 or RS512, got "ES256"`)}},
		{"alg PS256", []json.RawMessage{key(map[string]string{"kid": "a", "alg": "PS256"})},
			[]problem.ValidationError{vld("SIM.VLD-00304", "/jwks/keys/0", `alg must be RS256, RS384 or RS512, got "PS256"`)}},
		{"use enc", []json.RawMessage{key(map[string]string{"kid": "a", "use": "enc"})},
			[]problem.ValidationError{vld("SIM.VLD-00304", "/jwks/keys/0", `use must be sig, got "enc"`)}},
		{"every bad key reported", []json.RawMessage{kid("k:1"), kid("ok"), key(map[string]string{"kid": "a", "use": "enc"})},
			[]problem.ValidationError{
				vld("SIM.VLD-00304", "/jwks/keys/0", `kid "k:1" may only contain letters, digits, '.', '_' and '-'`),
				vld("SIM.VLD-00304", "/jwks/keys/2", `use must be sig, got "enc"`),
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, errs := validateJWKS(JWKS{Keys: c.keys}, "/jwks")
			if c.want == nil {
				if len(errs) > 0 {
					t.Fatalf("refused: %+v", errs)
				}
				if !reflect.DeepEqual(got.Keys, c.keys) {
					t.Fatalf("kept %s, want the keys as posted", got.Keys)
				}
				return
			}
			wantValidation(t, problem.Validation(errs...), c.want...)
		})
	}
}

// scopeRules refuses the scopes it names, as the scope register does for
// scopes the organisation may not use.
type scopeRules struct {
	refuse map[string]string
	err    error
	asked  []string
}

func (r *scopeRules) Refused(_ context.Context, _ string, scopes []string) (map[string]string, error) {
	r.asked = append(r.asked, scopes...)
	if r.err != nil {
		return nil, r.err
	}
	out := map[string]string{}
	for _, sc := range scopes {
		if why, ok := r.refuse[sc]; ok {
			out[sc] = why
		}
	}
	return out, nil
}

func newRegister(t *testing.T, rules ScopeRules) (*Service, *clock.Fixed) {
	t.Helper()
	clk := clock.NewFixed(time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC))
	var s *Service
	if rules == nil {
		s = New(dbtest.New(t), clk, nil, nil)
	} else {
		s = New(dbtest.New(t), clk, rules, nil)
	}
	return s, clk
}

// What CreateClient writes is what every read answers: the same client,
// its scopes without duplicates, its keys as posted, the times of the
// app's clock to the microsecond.
func TestCreateClientReadsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clk := newRegister(t, nil)
	big, _, _ := testKeys(t)
	k := jwkJSON(t, &big.PublicKey, map[string]string{"kid": "k1", "alg": "RS256"})
	created, err := s.CreateClient(ctx, NewClient{ClientID: "c1", OrgNo: org, Name: strings.Repeat("n", 200),
		Scopes: []string{"test:read", "test:write", "test:read"}, JWKS: JWKS{Keys: []json.RawMessage{k}}})
	if err != nil {
		t.Fatal(err)
	}
	now := clk.Now().UTC().Truncate(time.Microsecond)
	// Every client of the control API is a Maskinporten web client that
	// authenticates with a signed JWT.
	want := Client{ClientID: "c1", OrgNo: org, Name: strings.Repeat("n", 200), Scopes: []string{"test:read", "test:write"},
		IntegrationType: "maskinporten", ApplicationType: "web", TokenEndpointAuthMethod: "private_key_jwt",
		JWKS: JWKS{Keys: []json.RawMessage{k}}, JWKSUpdated: now, Created: now, LastUpdated: now}
	same := func(what string, got Client) {
		t.Helper()
		if !sameJSON(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Fatalf("%s:\n got %s\nwant %s", what, g, w)
		}
	}
	same("created", created)
	got, err := s.Client(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	same("read", got)
	got, err = s.Lookup(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	same("looked up", got)
	if owner, err := s.ClientOwner(ctx, "c1"); err != nil || owner != org {
		t.Fatalf("owner %q, %v", owner, err)
	}

	// A client without scopes or keys reads back with empty lists, not null.
	clk.Advance(time.Second)
	bare, err := s.CreateClient(ctx, NewClient{OrgNo: "974761076"})
	if err != nil {
		t.Fatal(err)
	}
	if !ValidClientID(bare.ClientID) || bare.ClientID == "" {
		t.Fatalf("generated id %q", bare.ClientID)
	}
	got, err = s.Client(ctx, bare.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(got); !strings.Contains(string(b), `"scopes":[],"jwks":{"keys":[]}`) {
		t.Fatalf("bare client %s", b)
	}

	// A row written by hand (psql, a seed) with no keys member reads the
	// same way.
	if _, err := s.pool.Exec(ctx, `UPDATE maskinporten_clients SET jwks = '{}' WHERE client_id = $1`, bare.ClientID); err != nil {
		t.Fatal(err)
	}
	if got, err = s.Client(ctx, bare.ClientID); err != nil || got.JWKS.Keys == nil || len(got.JWKS.Keys) != 0 {
		t.Fatalf("hand-written row without keys: %+v, %v", got, err)
	}

	all, err := s.Clients(ctx, "")
	if err != nil || len(all) != 2 || all[0].ClientID != "c1" || all[1].ClientID != bare.ClientID {
		t.Fatalf("all clients %+v, %v", all, err)
	}
	mine, err := s.Clients(ctx, org)
	if err != nil || len(mine) != 1 || mine[0].ClientID != "c1" {
		t.Fatalf("clients of %s: %+v, %v", org, mine, err)
	}
	none, err := s.Clients(ctx, "310000001")
	if err != nil || none == nil || len(none) != 0 {
		t.Fatalf("clients of an org without any: %#v, %v", none, err)
	}
}

func TestCreateClientRefuses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newRegister(t, nil)
	big, _, _ := testKeys(t)
	cases := []struct {
		name string
		in   NewClient
		want []problem.ValidationError
	}{
		{"client id with a space", NewClient{ClientID: "a b", OrgNo: org}, []problem.ValidationError{vld("SIM.VLD-00301", "/clientId", "")}},
		{"client id of 101 characters", NewClient{ClientID: strings.Repeat("a", 101), OrgNo: org}, []problem.ValidationError{vld("SIM.VLD-00301", "/clientId", "")}},
		{"org number with a bad check digit", NewClient{OrgNo: "991825828"}, []problem.ValidationError{vld("SIM.VLD-00302", "/orgNo", "")}},
		{"no org number", NewClient{}, []problem.ValidationError{vld("SIM.VLD-00302", "/orgNo", "")}},
		{"name of 201 characters", NewClient{OrgNo: org, Name: strings.Repeat("n", 201)}, []problem.ValidationError{vld("SIM.VLD-00305", "/name", "")}},
		{"scope without prefix", NewClient{OrgNo: org, Scopes: []string{"test:read", "read"}}, []problem.ValidationError{vld("SIM.VLD-00303", "/scopes/1", "")}},
		{"bad key", NewClient{OrgNo: org, JWKS: JWKS{Keys: []json.RawMessage{jwkJSON(t, &big.PublicKey, nil)}}}, []problem.ValidationError{vld("SIM.VLD-00304", "/jwks/keys/0", "kid is required")}},
		{"every mistake at once", NewClient{ClientID: "a b", OrgNo: "1", Name: strings.Repeat("n", 201), Scopes: []string{"x"},
			JWKS: JWKS{Keys: []json.RawMessage{json.RawMessage(`1`)}}}, []problem.ValidationError{
			vld("SIM.VLD-00301", "/clientId", ""), vld("SIM.VLD-00302", "/orgNo", ""), vld("SIM.VLD-00305", "/name", ""),
			vld("SIM.VLD-00303", "/scopes/0", ""), vld("SIM.VLD-00304", "/jwks/keys/0", "the key is not a JSON object"),
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.CreateClient(ctx, c.in)
			wantValidation(t, err, c.want...)
		})
	}
	if all, err := s.Clients(ctx, ""); err != nil || len(all) != 0 {
		t.Fatalf("a refused client was written: %+v, %v", all, err)
	}
}

// A client id is taken once: the second registration is a 409 and leaves
// the first client as it was.
func TestCreateClientConflict(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newRegister(t, nil)
	if _, err := s.CreateClient(ctx, NewClient{ClientID: "dup", OrgNo: org, Name: "first"}); err != nil {
		t.Fatal(err)
	}
	_, err := s.CreateClient(ctx, NewClient{ClientID: "dup", OrgNo: org, Name: "second"})
	var p *problem.Problem
	if !errors.As(err, &p) || p.Status != 409 || p.Detail != `a client with clientId "dup" already exists` {
		t.Fatalf("second registration: %v", err)
	}
	if c, err := s.Client(ctx, "dup"); err != nil || c.Name != "first" {
		t.Fatalf("after the conflict: %+v, %v", c, err)
	}
}

// The scopes a client may carry are the scope register's decision: each
// refused scope is a SIM.VLD-00306 at its index with the register's
// reason, and nothing is written.
func TestCreateClientScopeAccess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rules := &scopeRules{refuse: map[string]string{"altinn:serviceowner": "not granted to 991825827"}}
	s, _ := newRegister(t, rules)
	_, err := s.CreateClient(ctx, NewClient{ClientID: "c", OrgNo: org, Scopes: []string{"test:read", "altinn:serviceowner"}})
	wantValidation(t, err, vld("SIM.VLD-00306", "/scopes/1", "not granted to 991825827"))
	if _, err := s.Client(ctx, "c"); !errors.Is(err, dberr.ErrNotFound) {
		t.Fatalf("a refused client was written: %v", err)
	}
	// Without scopes the register is not asked.
	rules.asked = nil
	if _, err := s.CreateClient(ctx, NewClient{ClientID: "c", OrgNo: org}); err != nil || rules.asked != nil {
		t.Fatalf("no scopes: %v, asked %v", err, rules.asked)
	}
	// The register failing fails the registration.
	rules.err = fmt.Errorf("register down")
	if _, err := s.CreateClient(ctx, NewClient{ClientID: "c2", OrgNo: org, Scopes: []string{"test:read"}}); !errors.Is(err, rules.err) {
		t.Fatalf("register down: %v", err)
	}
}

// Replacing the keys replaces the whole set and restarts its validity
// (jwksUpdated) on the app's clock; a bad set changes nothing.
func TestReplaceKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clk := newRegister(t, nil)
	big, _, _ := testKeys(t)
	k1 := jwkJSON(t, &big.PublicKey, map[string]string{"kid": "k1"})
	k2 := jwkJSON(t, &big.PublicKey, map[string]string{"kid": "k2"})
	created, err := s.CreateClient(ctx, NewClient{ClientID: "c", OrgNo: org, Scopes: []string{"test:read"}, JWKS: JWKS{Keys: []json.RawMessage{k1}}})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	c, err := s.ReplaceKeys(ctx, "c", JWKS{Keys: []json.RawMessage{k2}})
	if err != nil {
		t.Fatal(err)
	}
	now := clk.Now().UTC().Truncate(time.Microsecond)
	if !sameJSON(c.JWKS.Keys, []json.RawMessage{k2}) || !c.JWKSUpdated.Equal(now) || !c.LastUpdated.Equal(now) ||
		!c.Created.Equal(created.Created) || !reflect.DeepEqual(c.Scopes, []string{"test:read"}) {
		t.Fatalf("after replace: %+v", c)
	}
	_, err = s.ReplaceKeys(ctx, "c", JWKS{Keys: []json.RawMessage{k1, k1}})
	wantValidation(t, err, vld("SIM.VLD-00304", "/keys/1", `kid "k1" is used by another key of this client`))
	if got, _ := s.Client(ctx, "c"); !sameJSON(got.JWKS.Keys, []json.RawMessage{k2}) {
		t.Fatalf("a refused set changed the keys: %s", got.JWKS.Keys)
	}
	// An empty set removes every key.
	if c, err := s.ReplaceKeys(ctx, "c", JWKS{Keys: []json.RawMessage{}}); err != nil || len(c.JWKS.Keys) != 0 {
		t.Fatalf("empty set: %+v, %v", c, err)
	}
	if _, err := s.ReplaceKeys(ctx, "nobody", JWKS{Keys: []json.RawMessage{k1}}); !errors.Is(err, dberr.ErrNotFound) {
		t.Fatalf("unknown client: %v", err)
	}
}

// A database failure is passed on as it is, not taken for a conflict or
// a validation error.
func TestCreateClientDatabaseFailure(t *testing.T) {
	t.Parallel()
	s, _ := newRegister(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.CreateClient(ctx, NewClient{ClientID: "c", OrgNo: org})
	var p *problem.Problem
	if err == nil || errors.As(err, &p) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if _, err := s.Lookup(context.Background(), "c"); !errors.Is(err, dberr.ErrNotFound) {
		t.Fatalf("lookup of a client never written: %v", err)
	}
}

// Without a clock the register dates clients by the system clock.
func TestNewWithoutClock(t *testing.T) {
	t.Parallel()
	s := New(dbtest.New(t), nil, nil, nil)
	c, err := s.CreateClient(context.Background(), NewClient{ClientID: "c", OrgNo: org})
	if err != nil || c.Created.IsZero() || !c.Created.Equal(c.JWKSUpdated) {
		t.Fatalf("%+v, %v", c, err)
	}
}

// The client cache drops what a notification names: a client write drops
// that client, any other payload on the clients' channel every client, a
// database reset every client; the PDP's notifications on the shared
// channel leave it alone.
func TestClientCacheNotifications(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newRegister(t, nil)
	listenLive(t, s)
	for _, id := range []string{"a", "b"} {
		if _, err := s.CreateClient(ctx, NewClient{ClientID: id, OrgNo: org, Name: "v0"}); err != nil {
			t.Fatal(err)
		}
	}
	version := 0
	// rename changes both names behind the cache's back.
	rename := func() {
		t.Helper()
		version++
		if _, err := s.pool.Exec(ctx, `UPDATE maskinporten_clients SET name = $1`, fmt.Sprintf("v%d", version)); err != nil {
			t.Fatal(err)
		}
	}
	notify := func(channel, payload string) {
		t.Helper()
		if err := db.Notify(ctx, s.pool, channel, payload); err != nil {
			t.Fatal(err)
		}
	}
	want := func(a, b string) {
		t.Helper()
		for id, w := range map[string]string{"a": a, "b": b} {
			c, err := s.Lookup(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if c.Name != w {
				t.Fatalf("client %s is %q, want %q", id, c.Name, w)
			}
		}
	}
	want("v0", "v0")
	rename()
	want("v0", "v0") // cached
	notify(clientsChannel, "client:a")
	want("v1", "v0")
	notify(db.InvalidateChannel, "systemuser:0b9e4a2c-8a4f-4c43-9d0f-2a1c3c0e5f11")
	notify(db.InvalidateChannel, db.PartiesPayload)
	want("v1", "v0")
	notify(db.InvalidateChannel, db.ResetPayload)
	want("v1", "v1")
	rename()
	notify(clientsChannel, "all")
	want("v2", "v2")
}

func TestDeleteClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newRegister(t, nil)
	if _, err := s.CreateClient(ctx, NewClient{ClientID: "c", OrgNo: org}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteClient(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Client(ctx, "c"); !errors.Is(err, dberr.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if _, err := s.ClientOwner(ctx, "c"); !errors.Is(err, dberr.ErrNotFound) {
		t.Fatalf("owner after delete: %v", err)
	}
	if err := s.DeleteClient(ctx, "c"); !errors.Is(err, dberr.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
}

// The self-service body's limits, at their edges: a name of 1 to 200
// characters, a description of at most 500.
func TestCheckRegistrationLengths(t *testing.T) {
	t.Parallel()
	body := func(name, descr string) Registration {
		return Registration{IntegrationType: "maskinporten", ClientName: name, Description: descr}
	}
	cases := []struct {
		name string
		in   Registration
		want []problem.ValidationError
	}{
		{"name of 1", body("n", ""), nil},
		{"name of 200, description of 500", body(strings.Repeat("n", 200), strings.Repeat("d", 500)), nil},
		{"no name", body("", ""), []problem.ValidationError{vld("SIM.VLD-00326", "/client_name", "")}},
		{"name of 201", body(strings.Repeat("n", 201), ""), []problem.ValidationError{vld("SIM.VLD-00326", "/client_name", "")}},
		{"description of 501", body("n", strings.Repeat("d", 501)), []problem.ValidationError{vld("SIM.VLD-00325", "/description", "")}},
	}
	for _, c := range cases {
		scopes, errs := checkRegistration(org, &c.in)
		if c.want == nil {
			if len(errs) > 0 || scopes == nil || len(scopes) != 0 {
				t.Errorf("%s: %v, %+v", c.name, scopes, errs)
			}
			continue
		}
		t.Run(c.name, func(t *testing.T) { wantValidation(t, problem.Validation(errs...), c.want...) })
	}
}

// A registration the database refuses is an error, and no client is
// answered as created.
func TestRegisterWriteRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newRegister(t, nil)
	// The org comes from the caller's token; one the table's check refuses
	// stands for any write that fails.
	c, _, err := s.Register(ctx, "not-an-org", Registration{IntegrationType: "maskinporten", ClientName: "x"})
	if err == nil || c.ClientID != "" {
		t.Fatalf("got %+v, %v", c, err)
	}
	if all, err := s.Clients(ctx, ""); err != nil || len(all) != 0 {
		t.Fatalf("clients %+v, %v", all, err)
	}
}

// RefusedScopes asks the scope register only when there is one and there
// are scopes to ask about (seed files check their clients with it).
func TestRefusedScopes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rules := &scopeRules{refuse: map[string]string{"altinn:serviceowner": "not granted"}}
	s, _ := newRegister(t, rules)
	got, err := s.RefusedScopes(ctx, org, []string{"test:read", "altinn:serviceowner"})
	if err != nil || !reflect.DeepEqual(got, map[string]string{"altinn:serviceowner": "not granted"}) {
		t.Fatalf("refused %v, %v", got, err)
	}
	rules.asked = nil
	if got, err := s.RefusedScopes(ctx, org, nil); got != nil || err != nil || rules.asked != nil {
		t.Fatalf("no scopes: %v, %v, asked %v", got, err, rules.asked)
	}
	open, _ := newRegister(t, nil)
	if got, err := open.RefusedScopes(ctx, org, []string{"altinn:serviceowner"}); got != nil || err != nil {
		t.Fatalf("without a scope register: %v, %v", got, err)
	}
}
