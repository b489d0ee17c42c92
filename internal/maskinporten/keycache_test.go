package maskinporten

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"testing"
)

// TestParsedKeyCacheIsBounded: a client key parsed once is read from the
// cache after; the cache holds up to maxParsedKeys keys and is emptied
// when one more arrives, so keys a caller keeps varying cannot grow it
// without end.
func TestParsedKeyCacheIsBounded(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	n := base64.RawURLEncoding.EncodeToString(key.N.Bytes())
	e := base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes())
	raw := func(i int) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"kty":"RSA","alg":"RS256","kid":"k%d","n":%q,"e":%q}`, i, n, e))
	}
	var kc keyCache
	cached := func(i int) bool { _, ok := kc.m.Load(string(raw(i))); return ok }
	for range 2 {
		k, err := kc.parse(raw(0))
		if err != nil || k.kid != "k0" || k.pub.N.Cmp(key.N) != 0 {
			t.Fatalf("parse: %+v, %v", k, err)
		}
	}
	if c := kc.count.Load(); c != 1 {
		t.Fatalf("one key parsed twice counts %d, want 1 (the second from the cache)", c)
	}
	for i := 1; i < maxParsedKeys; i++ {
		if _, err := kc.parse(raw(i)); err != nil {
			t.Fatal(err)
		}
	}
	if c := kc.count.Load(); c != maxParsedKeys || !cached(0) || !cached(maxParsedKeys-1) {
		t.Fatalf("after %d keys: count %d, first cached %v, last cached %v; want all kept", maxParsedKeys, c, cached(0), cached(maxParsedKeys-1))
	}
	if _, err := kc.parse(raw(maxParsedKeys)); err != nil {
		t.Fatal(err)
	}
	if c := kc.count.Load(); c != 0 || cached(0) || !cached(maxParsedKeys) {
		t.Fatalf("one key more: count %d, first cached %v, newest cached %v; want the cache emptied, then the newest kept", c, cached(0), cached(maxParsedKeys))
	}
}
