package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load("serve", nil, env(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:8080" || c.PublicURL != "http://localhost:8080" || c.DataDir != "./.altinn-sim" ||
		c.SigningAlg != "RS256" || c.RSASigner != "auto" || c.TokenLifetime != 120*time.Second || c.LogFormat != "text" || c.DatabaseURL != "" {
		t.Fatalf("defaults: %+v", c)
	}
	if c.Issuer() != "http://localhost:8080/" {
		t.Fatalf("issuer %q", c.Issuer())
	}
}

func TestEnvAndFlagsWin(t *testing.T) {
	e := env(map[string]string{
		"ALTINN_SIM_LISTEN":         "0.0.0.0:9000",
		"ALTINN_SIM_PUBLIC_URL":     "https://sim.example/",
		"ALTINN_SIM_SIGNING_ALG":    "es256",
		"ALTINN_SIM_RSA_SIGNER":     "Go",
		"ALTINN_SIM_TOKEN_LIFETIME": "5m",
		"ALTINN_SIM_LOG_FORMAT":     "JSON",
	})
	c, err := Load("serve", []string{"--listen", "127.0.0.1:9001"}, e, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:9001" || c.PublicURL != "https://sim.example" || c.Issuer() != "https://sim.example/" ||
		c.SigningAlg != "ES256" || c.RSASigner != "go" || c.TokenLifetime != 5*time.Minute || c.LogFormat != "json" {
		t.Fatalf("got %+v", c)
	}
}

func TestBadConfigIsOneLine(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--listen", "nope"}, nil, "ALTINN_SIM_LISTEN"},
		{[]string{"--public-url", "localhost:8080"}, nil, "ALTINN_SIM_PUBLIC_URL"},
		{nil, map[string]string{"ALTINN_SIM_DATABASE_URL": "mysql://x"}, "ALTINN_SIM_DATABASE_URL"},
		{[]string{"--signing-alg", "HS256"}, nil, "ALTINN_SIM_SIGNING_ALG"},
		{[]string{"--rsa-signer", "boring"}, nil, "ALTINN_SIM_RSA_SIGNER"},
		{[]string{"--token-lifetime", "soon"}, nil, "ALTINN_SIM_TOKEN_LIFETIME"},
		{[]string{"--token-lifetime", "0s"}, nil, "ALTINN_SIM_TOKEN_LIFETIME"},
		{nil, map[string]string{"ALTINN_SIM_LOG_LEVEL": "loud"}, "ALTINN_SIM_LOG_LEVEL"},
		{[]string{"--log-format", "xml"}, nil, "ALTINN_SIM_LOG_FORMAT"},
		{[]string{"--data-dir", ""}, nil, "ALTINN_SIM_DATA_DIR"},
		{[]string{"--nope"}, nil, "not defined"},
		{[]string{"extra"}, nil, "unexpected argument"},
	}
	for _, c := range cases {
		var out bytes.Buffer
		_, err := Load("serve", c.args, env(c.env), &out)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v %v: err %v, want one line naming %s", c.args, c.env, err, c.want)
		}
		if out.Len() != 0 {
			t.Errorf("%v: printed usage on error: %q", c.args, out.String())
		}
	}
}

func TestHelpListsEveryFlagAndVariable(t *testing.T) {
	var out bytes.Buffer
	_, err := Load("serve", []string{"--help"}, env(nil), &out)
	if !errors.Is(err, ErrHelp) {
		t.Fatalf("err %v", err)
	}
	for _, name := range Commands["serve"] {
		s, _ := lookup(name)
		if !strings.Contains(out.String(), "--"+s.name) || !strings.Contains(out.String(), EnvName(s.name)) {
			t.Errorf("help lacks %s / %s", s.name, EnvName(s.name))
		}
	}
}

func TestFromEnv(t *testing.T) {
	if got := FromEnv("listen", env(nil)); got != "127.0.0.1:8080" {
		t.Fatalf("default listen %q", got)
	}
	if got := FromEnv("public-url", env(map[string]string{"ALTINN_SIM_PUBLIC_URL": "https://sim.example/"})); got != "https://sim.example/" {
		t.Fatalf("public-url from env %q", got)
	}
	if got := FromEnv("no-such-flag", env(nil)); got != "" {
		t.Fatalf("unknown flag %q", got)
	}
}

// TestEverySettingCheckedBeforeStart: every bad value is one line naming
// the setting both ways, from Load, before anything is started or made.
func TestEverySettingCheckedBeforeStart(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		cmd  string
		args []string
		env  map[string]string
		want string // "" means accepted
	}{
		{"port out of range", "serve", []string{"--listen", "127.0.0.1:99999"}, nil, "ALTINN_SIM_LISTEN / --listen: \"127.0.0.1:99999\": port \"99999\" is not a number from 0 to 65535"},
		{"port not a number", "serve", []string{"--listen", "127.0.0.1:http"}, nil, "ALTINN_SIM_LISTEN / --listen"},
		{"negative port", "serve", []string{"--listen", "127.0.0.1:-1"}, nil, "ALTINN_SIM_LISTEN / --listen"},
		{"listen without port", "serve", []string{"--listen", "127.0.0.1"}, nil, "ALTINN_SIM_LISTEN / --listen: \"127.0.0.1\" is not host:port"},
		{"listen bad host", "serve", []string{"--listen", "no host!:8080"}, nil, "ALTINN_SIM_LISTEN / --listen"},
		{"listen all interfaces", "serve", []string{"--listen", ":8080"}, nil, ""},
		{"listen host name", "serve", []string{"--listen", "localhost:8080"}, nil, ""},
		{"public url no scheme", "serve", []string{"--public-url", "localhost:8080"}, nil, "ALTINN_SIM_PUBLIC_URL / --public-url"},
		{"public url relative", "serve", []string{"--public-url", "/sim"}, nil, "ALTINN_SIM_PUBLIC_URL / --public-url"},
		{"public url ftp", "serve", []string{"--public-url", "ftp://sim.example"}, nil, "ALTINN_SIM_PUBLIC_URL / --public-url"},
		{"public url no host", "serve", []string{"--public-url", "http://"}, nil, "ALTINN_SIM_PUBLIC_URL / --public-url"},
		{"public url bad port", "serve", []string{"--public-url", "http://localhost:99999"}, nil, "ALTINN_SIM_PUBLIC_URL / --public-url"},
		{"public url with user", "serve", []string{"--public-url", "http://u:p@localhost:8080"}, nil, "ALTINN_SIM_PUBLIC_URL / --public-url"},
		{"public url with query", "serve", nil, map[string]string{"ALTINN_SIM_PUBLIC_URL": "http://localhost:8080/?a=b"}, "ALTINN_SIM_PUBLIC_URL / --public-url"},
		{"also public url bad", "serve", []string{"--also-public-url", "http://altinn-sim:8080,altinn-sim:8080"}, nil, "ALTINN_SIM_ALSO_PUBLIC_URL / --also-public-url"},
		{"also public url list", "serve", []string{"--also-public-url", "http://altinn-sim:8080, https://sim.test/"}, nil, ""},
		{"signing alg", "serve", []string{"--signing-alg", "none"}, nil, "ALTINN_SIM_SIGNING_ALG / --signing-alg"},
		{"lifetime too long", "serve", []string{"--token-lifetime", "25h"}, nil, "ALTINN_SIM_TOKEN_LIFETIME / --token-lifetime"},
		{"lifetime no unit", "serve", nil, map[string]string{"ALTINN_SIM_TOKEN_LIFETIME": "120"}, "ALTINN_SIM_TOKEN_LIFETIME / --token-lifetime"},
		{"log level", "migrate", []string{"--log-level", "verbose"}, nil, "ALTINN_SIM_LOG_LEVEL / --log-level"},
		{"log format", "seed", nil, map[string]string{"ALTINN_SIM_LOG_FORMAT": "yaml"}, "ALTINN_SIM_LOG_FORMAT / --log-format"},
		{"dev not a boolean", "serve", nil, map[string]string{"ALTINN_SIM_DEV": "maybe"}, "ALTINN_SIM_DEV / --dev"},
		{"dev with a word value", "serve", []string{"--dev=maybe"}, nil, "ALTINN_SIM_DEV / --dev"},
		{"data dir is a file", "serve", []string{"--data-dir", file}, nil, "ALTINN_SIM_DATA_DIR / --data-dir: " + file + " is a file, not a folder"},
		{"data dir under a file", "migrate", []string{"--data-dir", filepath.Join(file, "data")}, nil, "ALTINN_SIM_DATA_DIR / --data-dir: cannot create " + filepath.Join(file, "data") + ": " + file + " is a file"},
		{"data dir on a read-only file system", "seed", []string{"--data-dir", "/proc/self/altinn-sim"}, nil, "ALTINN_SIM_DATA_DIR / --data-dir: cannot create /proc/self/altinn-sim"},
		{"data dir not checked with a database url", "serve", []string{"--data-dir", file, "--database-url", "postgres://x@y/z"}, nil, ""},
		{"data dir to be made", "serve", []string{"--data-dir", filepath.Join(dir, "a", "b")}, nil, ""},
		// A command reads only its own settings.
		{"migrate ignores the public url", "migrate", nil, map[string]string{"ALTINN_SIM_PUBLIC_URL": "nonsense", "ALTINN_SIM_LISTEN": "x"}, ""},
		{"migrate has no --listen", "migrate", []string{"--listen", "127.0.0.1:1"}, nil, "flag provided but not defined: -listen"},
		{"seed has no --admin-token", "seed", []string{"--admin-token", "x"}, nil, "flag provided but not defined: -admin-token"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			_, err := Load(c.cmd, c.args, env(c.env), &out)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n")):
				t.Fatalf("err %v; want one line starting %q", err, c.want)
			}
			if out.Len() != 0 {
				t.Errorf("printed %q", out.String())
			}
		})
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("Load made something in %s: %v", dir, entries)
	}
}

func TestUnwritableDataDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write anywhere; TestEverySettingCheckedBeforeStart covers a read-only file system")
	}
	dir := filepath.Join(t.TempDir(), "locked")
	if err := os.Mkdir(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	_, err := Load("serve", []string{"--data-dir", filepath.Join(dir, "data")}, env(nil), &bytes.Buffer{})
	if err == nil || !strings.HasPrefix(err.Error(), "ALTINN_SIM_DATA_DIR / --data-dir: cannot create") {
		t.Fatalf("err %v", err)
	}
}

// TestBooleanFlags: --dev alone is true and does not eat the next flag.
func TestBooleanFlags(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		dev  bool
	}{
		{[]string{"--dev", "--listen", "127.0.0.1:9000"}, nil, true},
		{[]string{"--listen", "127.0.0.1:9000", "--dev"}, nil, true},
		{[]string{"--dev=false", "--listen", "127.0.0.1:9000"}, map[string]string{"ALTINN_SIM_DEV": "true"}, false},
		{[]string{"--listen", "127.0.0.1:9000"}, map[string]string{"ALTINN_SIM_DEV": "1"}, true},
		{[]string{"--listen", "127.0.0.1:9000"}, nil, false},
	}
	for _, c := range cases {
		cfg, err := Load("serve", c.args, env(c.env), &bytes.Buffer{})
		if err != nil || cfg.Dev != c.dev || cfg.Listen != "127.0.0.1:9000" {
			t.Errorf("%v %v: %+v %v; want dev=%v and the listen address kept", c.args, c.env, cfg, err, c.dev)
		}
	}
}

// TestHelpListsOnlyTheCommandsOwnSettings: migrate and seed do not offer
// the server's flags.
func TestHelpListsOnlyTheCommandsOwnSettings(t *testing.T) {
	for cmd, names := range Commands {
		var out bytes.Buffer
		if _, err := Load(cmd, []string{"-h"}, env(nil), &out); !errors.Is(err, ErrHelp) {
			t.Fatalf("%s: %v", cmd, err)
		}
		for _, s := range settings {
			has := strings.Contains(out.String(), "--"+s.name+" ") || strings.Contains(out.String(), "--"+s.name+"[")
			if want := slices.Contains(names, s.name); has != want {
				t.Errorf("%s --help lists --%s: %v, want %v:\n%s", cmd, s.name, has, want, out.String())
			}
		}
	}
}

func TestAcceptedAudiences(t *testing.T) {
	c, err := Load("serve", []string{"--public-url", "http://localhost:8080/", "--also-public-url", "http://altinn-sim:8080/,http://10.0.0.5:8080"}, env(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(c.AcceptedAudiences(), " ")
	if got != "http://localhost:8080/ http://altinn-sim:8080/ http://10.0.0.5:8080/" {
		t.Fatalf("audiences %q", got)
	}
}
