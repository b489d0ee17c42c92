package onboarding

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/web"
)

// Every text is in all three languages with the same arguments, and every
// key a template or handler names exists.
func TestMessagesComplete(t *testing.T) {
	for k, m := range messages {
		for _, l := range []string{"nb", "nn", "en"} {
			if strings.TrimSpace(m.In(l)) == "" {
				t.Errorf("message %q lacks %s", k, l)
			}
		}
		if n := strings.Count(m.In("nb"), "%"); n != strings.Count(m.In("nn"), "%") || n != strings.Count(m.In("en"), "%") {
			t.Errorf("message %q: nb, nn and en take different arguments", k)
		}
	}
	files, _ := fs.Glob(web.FS, "templates/onboarding/*.tmpl")
	if len(files) != len(pageNames)+1 {
		t.Errorf("%d templates for %d pages and the layout", len(files), len(pageNames))
	}
	for _, f := range files {
		b, _ := fs.ReadFile(web.FS, f)
		for _, m := range regexp.MustCompile(`\.T "([a-zA-Z0-9_.]+)"`).FindAllStringSubmatch(string(b), -1) {
			if _, ok := messages[m[1]]; !ok {
				t.Errorf("%s uses unknown message %q", f, m[1])
			}
		}
	}
	src, _ := os.ReadFile("http.go")
	for _, m := range regexp.MustCompile(`"((?:orgs|integrations|new|keys|integration|delete|refused|csrf|error)\.[a-zA-Z]+)"`).FindAllStringSubmatch(string(src), -1) {
		if _, ok := messages[m[1]]; !ok {
			t.Errorf("http.go uses unknown message %q", m[1])
		}
	}
}

// A missing or broken template stops the service from starting.
func TestTemplatesCheckedAtStart(t *testing.T) {
	full := fstest.MapFS{}
	_ = fs.WalkDir(web.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(web.FS, p)
			full[p] = &fstest.MapFile{Data: b}
		}
		return err
	})
	if _, err := newPages(full, false); err != nil {
		t.Fatalf("the embedded templates: %v", err)
	}
	for _, name := range append([]string{"base"}, pageNames...) {
		broken := fstest.MapFS{}
		for k, v := range full {
			if k != "templates/onboarding/"+name+".tmpl" {
				broken[k] = v
			}
		}
		if _, err := newPages(broken, false); err == nil {
			t.Errorf("started without %s.tmpl", name)
		}
	}
	full["templates/onboarding/keys.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{.Nope`)}
	if _, err := newPages(full, false); err == nil {
		t.Error("a template that does not parse was accepted")
	}
}

func TestParsePublicKeys(t *testing.T) {
	priv, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	var rk rsa.PrivateKey
	if err := priv.Raw(&rk); err != nil {
		t.Fatal(err)
	}
	pkix, _ := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	pkixPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix})
	pkcs1PEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rk.PublicKey)})
	privPEM, _ := mpgrant.PrivatePEM(priv)
	pkcs1Priv := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(&rk)})
	pubSet, _ := mpgrant.PublicJWKS(priv)
	setJSON, _ := json.Marshal(pubSet)

	for name, tc := range map[string]struct {
		in      []byte
		keys    int
		err     error
		anyErr  bool
		wantKID bool // a PEM key gets the thumbprint as kid, alg and use
	}{
		"PKIX PEM":        {in: pkixPEM, keys: 1, wantKID: true},
		"PKCS#1 PEM":      {in: pkcs1PEM, keys: 1, wantKID: true},
		"PEM with spaces": {in: append([]byte("\n  "), pkixPEM...), keys: 1, wantKID: true},
		"PKCS#8 private":  {in: privPEM, err: errPrivateUpload},
		"PKCS#1 private":  {in: pkcs1Priv, err: errPrivateUpload},
		"JWK Set":         {in: setJSON, keys: 1},
		"one JWK":         {in: pubSet.Keys[0], keys: 1},
		"empty":           {in: []byte("  \n"), err: errNoKey},
		"not a key":       {in: []byte("hello"), anyErr: true},
		"broken PEM":      {in: []byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), anyErr: true},
		"keys not a list": {in: []byte(`{"keys":{"kty":"RSA"}}`), anyErr: true},
	} {
		t.Run(name, func(t *testing.T) {
			set, err := parsePublicKeys(tc.in)
			if tc.err != nil || tc.anyErr {
				if err == nil || (tc.err != nil && !errors.Is(err, tc.err)) {
					t.Fatalf("err %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil || len(set.Keys) != tc.keys {
				t.Fatalf("%d keys, err %v", len(set.Keys), err)
			}
			if tc.wantKID {
				var k map[string]any
				_ = json.Unmarshal(set.Keys[0], &k)
				if k["kid"] != priv.KeyID() || k["alg"] != "RS256" || k["use"] != "sig" || k["d"] != nil {
					t.Errorf("PEM key became %v; want kid %s (the thumbprint), RS256, sig", k, priv.KeyID())
				}
			}
		})
	}
}
