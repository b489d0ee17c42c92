package signing

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

// listening builds an instance with its own listener, as app does, and
// waits until the listener is connected.
func listening(t *testing.T, pool *pgxpool.Pool, log *slog.Logger) *Service {
	t.Helper()
	deps := Deps{Pool: pool, Clock: clock.System{}, Log: log}
	s, err := New(context.Background(), deps, DefaultSettings("http://mp.test", "ES256", 0))
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	live := make(chan struct{})
	l := db.NewListener(pool.Config().ConnConfig, nil)
	s.Listen(l)
	l.Subscribe(nil, db.ListenFuncs{Connected: func() { once.Do(func() { close(live) }) }, Lost: func() {}, Notify: func(string, string) {}})
	t.Cleanup(l.Start())
	select {
	case <-live:
	case <-time.After(10 * time.Second):
		t.Fatal("listener never connected")
	}
	return s
}

// TestRotationReachesEveryInstanceBeforeItAnswers: two instances on one
// database; once A's rotation has answered, B already signs with the new
// keys (Maskinporten and Altinn alike), publishes them in its JWKS, and
// verifies a token A signed with them — no polling, no wait.
func TestRotationReachesEveryInstanceBeforeItAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	discard := slog.New(slog.DiscardHandler)
	a, b := listening(t, pool, discard), listening(t, pool, discard)
	for round := range 3 {
		rot, err := a.RotateKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for purpose, kid := range map[string]string{purposeMaskinporten: rot.Maskinporten, purposeAltinn: rot.Altinn} {
			if got := b.signingKey(purpose).kid; got != kid {
				t.Fatalf("round %d: B signs %s tokens with %s right after A rotated; want %s", round, purpose, got, kid)
			}
			set, err := b.jwks(purpose)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := set.LookupKeyID(kid); !ok {
				t.Fatalf("round %d: B's %s JWKS lacks the new key %s", round, purpose, kid)
			}
		}
		tok, err := a.Sign(Altinn, map[string]any{"iss": a.set.AltinnIssuer, "sub": "x",
			"iat": time.Now().Unix(), "exp": time.Now().Add(time.Minute).Unix()})
		if err != nil {
			t.Fatal(err)
		}
		if kidOf(t, tok) != rot.Altinn {
			t.Fatalf("A signed with %s, want %s", kidOf(t, tok), rot.Altinn)
		}
		if _, err := b.VerifyOurs(ctx, tok); err != nil {
			t.Fatalf("round %d: B refuses a token A signed with the new key: %v", round, err)
		}
	}
}

// TestReloadWarnsOnlyWhenItFails: a reload the listener runs is logged
// only when it fails — after a rotation nothing is; after every active key
// was retired with none in its place (the reload finds no active key) a
// warning is.
func TestReloadWarnsOnlyWhenItFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	var logs lockedBuffer
	s := listening(t, pool, slog.New(slog.NewTextHandler(&logs, nil)))
	for _, c := range []struct {
		name   string
		write  func() error // returns once every listener handled it
		warned bool
	}{
		{"a rotation", func() error { _, err := s.RotateKeys(ctx); return err }, false},
		{"every key retired, none active", func() error {
			return db.InTx(ctx, pool, func(q db.Querier) error {
				if _, err := q.Exec(ctx, `UPDATE signing_keys SET retired = now() WHERE retired IS NULL`); err != nil {
					return err
				}
				return db.Invalidate(ctx, q, keysPayload)
			})
		}, true},
	} {
		logs.Reset()
		if err := c.write(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := logs.String()
		if warned := strings.Contains(got, `level=WARN msg="reload signing keys"`); warned != c.warned {
			t.Errorf("%s: warned %v, want %v; log %q", c.name, warned, c.warned, got)
		}
	}
}

// TestKidLookupWarnsOnlyWhenReloadFails: B, told of no rotation, reloads
// its keys when a token names a kid only the database knows, and warns
// only when that reload fails — not after a plain rotation, but when every
// key was retired with none active.
func TestKidLookupWarnsOnlyWhenReloadFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	var logs lockedBuffer
	mk := func(log *slog.Logger) *Service {
		s, err := New(ctx, Deps{Pool: pool, Clock: clock.System{}, Log: log}, DefaultSettings("http://mp.test", "ES256", 0))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := mk(slog.New(slog.DiscardHandler)), mk(slog.New(slog.NewTextHandler(&logs, nil)))
	for _, c := range []struct {
		name   string
		after  string // SQL run after A's rotation, before B sees the token
		warned bool
	}{
		{"a rotation", ``, false},
		{"a rotation, then every key retired", `UPDATE signing_keys SET retired = now() WHERE retired IS NULL`, true},
	} {
		if _, err := a.RotateKeys(ctx); err != nil {
			t.Fatal(err)
		}
		tok, err := a.Sign(Maskinporten, map[string]any{"iss": "http://mp.test/", "sub": "x"})
		if err != nil {
			t.Fatal(err)
		}
		if c.after != "" {
			if _, err := pool.Exec(ctx, c.after); err != nil {
				t.Fatal(err)
			}
		}
		logs.Reset()
		_, _ = b.VerifySignature(ctx, tok)
		got := logs.String()
		if warned := strings.Contains(got, `level=WARN msg="reload signing keys"`); warned != c.warned {
			t.Errorf("%s: warned %v, want %v; log %q", c.name, warned, c.warned, got)
		}
	}
}

// lockedBuffer is a log sink the listener writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuffer) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.Reset()
}

func kidOf(t *testing.T, jwt string) string {
	t.Helper()
	hb, err := b64.DecodeString(strings.Split(jwt, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var h struct{ Kid string }
	if err := json.Unmarshal(hb, &h); err != nil {
		t.Fatal(err)
	}
	return h.Kid
}

// Services starting at once on an empty database agree on one key.
func TestKeyCreationRace(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	var wg sync.WaitGroup
	kids := make([]string, 4)
	errs := make([]error, 4)
	for i := range kids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := New(context.Background(), Deps{Pool: pool}, DefaultSettings("http://x", "ES256", 0))
			if err != nil {
				errs[i] = err
				return
			}
			tok, err := s.Sign(Maskinporten, map[string]any{"iss": "http://x/"})
			if err != nil {
				errs[i] = err
				return
			}
			kids[i] = kidOf(t, tok)
		}()
	}
	wg.Wait()
	for i := range kids {
		if errs[i] != nil || kids[i] == "" || kids[i] != kids[0] {
			t.Fatalf("kids %v errs %v", kids, errs)
		}
	}
}

// TestVerifyFindsKeysByKid: an instance that was not told of another's
// rotation (no listener) still verifies a token signed with the new key:
// the unknown kid is looked up once and the keys reloaded. A kid it
// already holds needs no database at all: with its pool closed it still
// verifies its own tokens.
func TestVerifyFindsKeysByKid(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := dbtest.NewURL(t)
	pa, pb := dbtest.OpenURL(t, u), dbtest.OpenURL(t, u)
	mk := func(p *pgxpool.Pool) *Service {
		s, err := New(ctx, Deps{Pool: p, Clock: clock.System{}, Log: slog.New(slog.DiscardHandler)}, DefaultSettings("http://mp.test", "ES256", 0))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := mk(pa), mk(pb)
	claims := map[string]any{"iss": "http://mp.test/", "sub": "x"}
	if _, err := a.RotateKeys(ctx); err != nil {
		t.Fatal(err)
	}
	tok, err := a.Sign(Maskinporten, claims)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.VerifySignature(ctx, tok); err != nil {
		t.Fatalf("B verifies a token signed with the key A rotated in: %v", err)
	}
	own, err := b.Sign(Maskinporten, claims)
	if err != nil {
		t.Fatal(err)
	}
	pb.Close()
	if _, err := b.VerifySignature(ctx, own); err != nil {
		t.Fatalf("B verifies its own token with its pool closed: %v", err)
	}
}
