package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/altinn-sim/altinn-sim/internal/config"
)

// compose mirrors the parts of docker-compose.yml the test checks.
type compose struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Ports       []string          `yaml:"ports"`
		Environment map[string]string `yaml:"environment"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Healthcheck struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
	} `yaml:"services"`
}

// TestDockerCompose keeps docker-compose.yml right without a Docker engine:
// services, ports, environment and healthchecks must agree with each other
// and with the binary.
func TestDockerCompose(t *testing.T) {
	raw, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	pg, ok := c.Services["postgres"]
	if !ok || !strings.HasPrefix(pg.Image, "postgres:") {
		t.Fatalf("no postgres service with a postgres image: %+v", pg)
	}
	sim, ok := c.Services["altinn-sim"]
	if !ok || sim.Build == nil {
		t.Fatal("no altinn-sim service built from the Dockerfile")
	}
	if len(pg.Healthcheck.Test) == 0 || len(sim.Healthcheck.Test) == 0 {
		t.Fatal("both services need a healthcheck")
	}
	if sim.DependsOn["postgres"].Condition != "service_healthy" {
		t.Fatal("altinn-sim must wait for a healthy postgres")
	}
	known := config.EnvNames()
	for k := range sim.Environment {
		if !slices.Contains(known, k) {
			t.Errorf("compose sets %s, which altinn-sim does not read", k)
		}
	}
	// The database URL must point at the postgres service with its credentials.
	u, err := url.Parse(sim.Environment["ALTINN_SIM_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	pass, _ := u.User.Password()
	if u.Hostname() != "postgres" || u.Port() != "5432" || u.User.Username() != pg.Environment["POSTGRES_USER"] ||
		pass != pg.Environment["POSTGRES_PASSWORD"] || strings.TrimPrefix(u.Path, "/") != pg.Environment["POSTGRES_DB"] {
		t.Errorf("ALTINN_SIM_DATABASE_URL %q does not match the postgres service %v", u, pg.Environment)
	}
	// The published port must be the one altinn-sim listens on, on all interfaces.
	listen := sim.Environment["ALTINN_SIM_LISTEN"]
	if !strings.HasPrefix(listen, "0.0.0.0:") {
		t.Errorf("ALTINN_SIM_LISTEN %q must listen on all interfaces inside the container", listen)
	}
	port := strings.TrimPrefix(listen, "0.0.0.0:")
	if !slices.ContainsFunc(sim.Ports, func(p string) bool { return strings.HasSuffix(p, ":"+port) }) {
		t.Errorf("ports %v do not publish container port %s", sim.Ports, port)
	}
	if pub := sim.Environment["ALTINN_SIM_PUBLIC_URL"]; !strings.HasSuffix(pub, ":"+strings.Split(sim.Ports[0], ":")[0]) {
		t.Errorf("ALTINN_SIM_PUBLIC_URL %q is not the published port", pub)
	}
	// The healthcheck runs a subcommand the binary has.
	hc := sim.Healthcheck.Test
	if hc[0] != "CMD" || hc[1] != "/usr/local/bin/altinn-sim" || hc[2] != "healthcheck" {
		t.Errorf("altinn-sim healthcheck %v", hc)
	}
}

func TestDockerfile(t *testing.T) {
	raw, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	if n := len(regexp.MustCompile(`(?m)^FROM `).FindAllString(s, -1)); n < 2 {
		t.Errorf("want a multi-stage build, got %d FROM lines", n)
	}
	for _, want := range []string{"CGO_ENABLED=0", "./cmd/altinn-sim", "COPY --from=build", "/usr/local/bin/altinn-sim"} {
		if !strings.Contains(s, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	user := regexp.MustCompile(`(?m)^USER (\S+)`).FindStringSubmatch(s)
	if user == nil || strings.HasPrefix(user[1], "root") || user[1] == "0" {
		t.Errorf("the final image must run as a non-root user, got %v", user)
	}
}

func TestHealthcheckCommand(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ready" {
			w.WriteHeader(404)
		}
	}))
	defer ok.Close()
	var errb bytes.Buffer
	if code := run([]string{"healthcheck", "--url", ok.URL + "/ready"}, func(string) string { return "" }, &errb, &errb); code != 0 {
		t.Fatalf("healthy server: exit %d %s", code, errb.String())
	}
	if code := run([]string{"healthcheck", "--url", ok.URL + "/other"}, func(string) string { return "" }, &errb, &errb); code != 1 {
		t.Fatalf("404: exit %d", code)
	}
	listen := strings.TrimPrefix(ok.URL, "http://")
	env := func(k string) string {
		if k == "ALTINN_SIM_LISTEN" {
			return listen
		}
		return ""
	}
	if code := run([]string{"healthcheck"}, env, &errb, &errb); code != 0 {
		t.Fatalf("default URL from ALTINN_SIM_LISTEN: exit %d %s", code, errb.String())
	}
}
