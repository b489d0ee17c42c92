package maskinporten_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

// TestErrorURIsAnswer: every MP code /token can answer with has a page at
// its error_uri, and the error_uri of real /token errors answers 200.
func TestErrorURIsAnswer(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	get := func(u string) (int, string) {
		t.Helper()
		res, err := apptest.Client().Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode == 200 && !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: Content-Type %q", u, res.Header.Get("Content-Type"))
		}
		return res.StatusCode, string(b)
	}

	// Every code in the package's source.
	files, _ := filepath.Glob("*.go")
	codes := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range regexp.MustCompile(`"(MP-[0-9]{3})"`).FindAllStringSubmatch(string(src), -1) {
			codes[c[1]] = true
		}
	}
	if len(codes) < 10 {
		t.Fatalf("found only %d MP codes in the source", len(codes))
	}
	for c := range codes {
		if st, body := get(s.URL + "/errors/" + c); st != 200 || !strings.Contains(body, c) {
			t.Errorf("/errors/%s: %d", c, st)
		}
	}
	if st, _ := get(s.URL + "/errors/MP-999"); st != 404 {
		t.Errorf("/errors/MP-999: %d, want 404", st)
	}

	// Real errors, followed by their error_uri.
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	claims := mpgrant.Claims(mpgrant.Options{ClientID: "no-such-client", Audience: s.URL + "/", Scopes: []string{"test:read"}, Now: time.Now()})
	unknownClient, err := mpgrant.SignJWS(key, map[string]any{"alg": "RS256", "kid": "k1"}, claims)
	if err != nil {
		t.Fatal(err)
	}
	for assertion, mp := range map[string]string{"not-a-jwt": "MP-011", unknownClient: "MP-100"} {
		st, _, b := s.Do(t, "POST", "/token", "", url.Values{"grant_type": {maskinporten.GrantType}, "assertion": {assertion}})
		var e struct {
			URI string `json:"error_uri"`
		}
		if err := json.Unmarshal(b, &e); err != nil || st != 400 || !strings.HasSuffix(e.URI, "/errors/"+mp) {
			t.Fatalf("%s: %d %s", mp, st, b)
		}
		if st, body := get(e.URI); st != http.StatusOK || !strings.Contains(body, mp) {
			t.Errorf("error_uri %s: %d", e.URI, st)
		}
	}
}
