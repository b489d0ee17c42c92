package signing

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

// An instance that only signs Altinn tokens (exchange, person tokens)
// still picks up keys another instance rotated in, as one signing
// Maskinporten tokens does.
func TestSigningKeysFollowRotationElsewhere(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := dbtest.New(t)
	deps := Deps{Pool: pool, Clock: clock.System{}, Log: slog.New(slog.DiscardHandler)}
	a, err := New(ctx, deps, DefaultSettings("http://mp.test", "ES256", 0))
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(ctx, deps, DefaultSettings("http://mp.test", "ES256", 0))
	if err != nil {
		t.Fatal(err)
	}
	rot, err := a.RotateKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if b.keys.activeKey(purposeAltinn).kid == rot.Altinn {
		t.Fatal("b had the new key before reloading")
	}
	// Make b's reload due, as if keyReloadEvery had passed, and sign only
	// Altinn tokens.
	b.keys.mu.Lock()
	b.keys.lastReload = time.Now().Add(-2 * keyReloadEvery)
	b.keys.mu.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tok, err := b.signAltinn(map[string]any{"sub": "x"})
		if err != nil {
			t.Fatal(err)
		}
		if kidOf(t, tok) == rot.Altinn {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("b still signs Altinn tokens with %s after a due reload; want %s", kidOf(t, tok), rot.Altinn)
		}
		time.Sleep(20 * time.Millisecond)
	}
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
