package config

import (
	"bytes"
	"errors"
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
		c.SigningAlg != "RS256" || c.TokenLifetime != 120*time.Second || c.LogFormat != "text" || c.DatabaseURL != "" {
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
		"ALTINN_SIM_TOKEN_LIFETIME": "5m",
		"ALTINN_SIM_LOG_FORMAT":     "JSON",
	})
	c, err := Load("serve", []string{"--listen", "127.0.0.1:9001"}, e, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:9001" || c.PublicURL != "https://sim.example" || c.Issuer() != "https://sim.example/" ||
		c.SigningAlg != "ES256" || c.TokenLifetime != 5*time.Minute || c.LogFormat != "json" {
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
	var r raw
	for _, s := range r.settings() {
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
