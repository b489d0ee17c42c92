package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

// No container engine runs where these tests run. They check the compose
// files, the Dockerfile and the build context against each other and the
// binary, and run what the altinn-sim service would run (its command and
// environment, the healthcheck, the seed override) as processes.

// service mirrors the parts of a compose service the tests use.
type service struct {
	Image       string            `yaml:"image"`
	Build       any               `yaml:"build"`
	Ports       []string          `yaml:"ports"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	Command     []string          `yaml:"command"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
}

var interpolation = regexp.MustCompile(`\$\{([A-Z0-9_]+)(:-([^}]*))?\}`)

// interpolate does compose's ${NAME} and ${NAME:-default} with env.
func interpolate(s string, env map[string]string) string {
	return interpolation.ReplaceAllStringFunc(s, func(m string) string {
		p := interpolation.FindStringSubmatch(m)
		if v := env[p[1]]; v != "" {
			return v
		}
		return p[3]
	})
}

// loadCompose reads compose files as `docker compose -f a -f b` merges
// them: later files add services, environment entries and volumes, and
// replace other fields they set. Variables come from env.
func loadCompose(t *testing.T, env map[string]string, files ...string) map[string]service {
	t.Helper()
	out := map[string]service{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			Services map[string]service `yaml:"services"`
		}
		if err := yaml.Unmarshal([]byte(interpolate(string(raw), env)), &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for name, s := range c.Services {
			m, ok := out[name]
			if !ok {
				out[name] = s
				continue
			}
			for k, v := range s.Environment {
				if m.Environment == nil {
					m.Environment = map[string]string{}
				}
				m.Environment[k] = v
			}
			m.Volumes = append(m.Volumes, s.Volumes...)
			if s.Build != nil {
				m.Build = s.Build
			}
			if s.Image != "" {
				m.Image = s.Image
			}
			if s.Command != nil {
				m.Command = s.Command
			}
			if s.Ports != nil {
				m.Ports = s.Ports
			}
			for k, v := range s.DependsOn {
				m.DependsOn[k] = v
			}
			out[name] = m
		}
	}
	return out
}

const (
	composeFile = "../../docker-compose.yml"
	seedCompose = "../../examples/training/docker-compose.seed.yml"
)

// TestDockerCompose keeps docker-compose.yml (alone and with the seed
// override) right: services, ports, URLs, environment and healthchecks
// agree with each other and with the binary.
func TestDockerCompose(t *testing.T) {
	for _, files := range [][]string{{composeFile}, {composeFile, seedCompose}} {
		c := loadCompose(t, nil, files...)
		pg, ok := c["postgres"]
		if !ok || !strings.HasPrefix(pg.Image, "postgres:") {
			t.Fatalf("no postgres service with a postgres image: %+v", pg)
		}
		if len(pg.Ports) > 0 {
			t.Errorf("postgres publishes %v; only altinn-sim needs to be reachable", pg.Ports)
		}
		sim, ok := c["altinn-sim"]
		if !ok || sim.Build == nil {
			t.Fatal("no altinn-sim service built from the Dockerfile")
		}
		// One image, built once: no other service builds.
		for name, s := range c {
			if name != "altinn-sim" && s.Build != nil {
				t.Errorf("%v: service %s builds the image again", files, name)
			}
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
		// Inside the container it listens on all interfaces; the host
		// sees it on 127.0.0.1 only, at the port of the public URL.
		listen := sim.Environment["ALTINN_SIM_LISTEN"]
		port, ok := strings.CutPrefix(listen, "0.0.0.0:")
		if !ok {
			t.Fatalf("ALTINN_SIM_LISTEN %q must listen on all interfaces inside the container", listen)
		}
		if len(sim.Ports) != 1 {
			t.Fatalf("ports %v", sim.Ports)
		}
		p := strings.Split(sim.Ports[0], ":")
		if len(p) != 3 || p[0] != "127.0.0.1" || p[2] != port {
			t.Errorf("port %q: want 127.0.0.1:<host port>:%s (this machine only)", sim.Ports[0], port)
		}
		if pub := sim.Environment["ALTINN_SIM_PUBLIC_URL"]; pub != "http://localhost:"+p[1] {
			t.Errorf("ALTINN_SIM_PUBLIC_URL %q is not the published port %s", pub, p[1])
		}
		// Other containers reach it by its service name.
		if also := sim.Environment["ALTINN_SIM_ALSO_PUBLIC_URL"]; also != "http://altinn-sim:"+port {
			t.Errorf("ALTINN_SIM_ALSO_PUBLIC_URL %q: want http://altinn-sim:%s", also, port)
		}
		if sim.Environment["ALTINN_SIM_ADMIN_TOKEN"] == "" {
			t.Error("the control API is open: set ALTINN_SIM_ADMIN_TOKEN")
		}
		hc := sim.Healthcheck.Test
		if len(hc) < 3 || hc[0] != "CMD" || hc[1] != "/usr/local/bin/altinn-sim" || hc[2] != "healthcheck" {
			t.Errorf("altinn-sim healthcheck %v", hc)
		}
	}
	// Variables override the defaults.
	c := loadCompose(t, map[string]string{"ALTINN_SIM_ADMIN_TOKEN": "from-env"}, composeFile)
	if got := c["altinn-sim"].Environment["ALTINN_SIM_ADMIN_TOKEN"]; got != "from-env" {
		t.Errorf("ALTINN_SIM_ADMIN_TOKEN from the environment: %q", got)
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
	for _, want := range []string{"CGO_ENABLED=0", "./cmd/altinn-sim", "COPY --from=build", `ENTRYPOINT ["/usr/local/bin/altinn-sim"]`, `CMD ["serve"]`} {
		if !strings.Contains(s, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	user := regexp.MustCompile(`(?m)^USER (\S+)`).FindStringSubmatch(s)
	if user == nil || strings.HasPrefix(user[1], "root") || strings.HasPrefix(user[1], "0") {
		t.Errorf("the final image must run as a non-root user, got %v", user)
	}
}

// dockerignore is a .dockerignore as Docker applies it: patterns in order,
// the last that matches a path or one of its parent folders wins, "!"
// takes a path back in, ** spans folders.
type dockerignore []struct {
	re     *regexp.Regexp
	negate bool
}

func readDockerignore(t *testing.T, path string) dockerignore {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var d dockerignore
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		neg := strings.HasPrefix(line, "!")
		line = strings.TrimPrefix(filepath.Clean(strings.TrimPrefix(line, "!")), "/")
		var re strings.Builder
		re.WriteString("^")
		for i := 0; i < len(line); i++ {
			switch c := line[i]; {
			case strings.HasPrefix(line[i:], "**/"):
				re.WriteString("(.*/)?")
				i += 2
			case strings.HasPrefix(line[i:], "**"):
				re.WriteString(".*")
				i++
			case c == '*':
				re.WriteString("[^/]*")
			case c == '?':
				re.WriteString("[^/]")
			default:
				re.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		re.WriteString("$")
		d = append(d, struct {
			re     *regexp.Regexp
			negate bool
		}{regexp.MustCompile(re.String()), neg})
	}
	return d
}

// excluded says whether a slash-separated path relative to the context
// stays out of it.
func (d dockerignore) excluded(path string) bool {
	parts := strings.Split(path, "/")
	out := false
	for _, p := range d {
		for i := 1; i <= len(parts); i++ {
			if p.re.MatchString(strings.Join(parts[:i], "/")) {
				out = !p.negate
				break
			}
		}
	}
	return out
}

// TestDockerBuildContext applies .dockerignore to paths a working copy
// holds (a live .altinn-sim cluster, test binaries and output, .git) and
// to the tree itself, then resolves the binary's packages and embedded
// files from only what is left, as
// the Dockerfile's `COPY . .` would see it.
func TestDockerBuildContext(t *testing.T) {
	root := "../.."
	d := readDockerignore(t, filepath.Join(root, ".dockerignore"))
	for _, p := range []string{
		".altinn-sim/pg/PG_VERSION", ".altinn-sim/run/.s.PGSQL.5432", "cmd/altinn-sim/.altinn-sim/pg/base/1",
		"internal/app/.altinn-sim/pg/x", ".git/HEAD", "altinn-sim", "cmd/altinn-sim/altinn-sim.test",
		"test-artifacts/report.xml", "bench/out/x.json", "acceptance/node/node_modules/x/index.js",
		"examples/training/treningsleverandoren-key.json", "README.md", "docker-compose.yml", ".env",
	} {
		if !d.excluded(p) {
			t.Errorf("%s is in the build context", p)
		}
	}
	for _, p := range []string{"go.mod", "go.sum", "cmd/altinn-sim/main.go", "internal/app/app.go", "migrations/embed.go", "web/embed.go"} {
		if d.excluded(p) {
			t.Errorf("%s is left out of the build context", p)
		}
	}
	// The real tree: copy what the context holds and build from it.
	ctx := t.TempDir()
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return err
		}
		if d.excluded(rel) {
			if e != nil && e.IsDir() && !strings.Contains(rel, "/") && rel != "cmd" && rel != "internal" && rel != "migrations" && rel != "web" {
				return filepath.SkipDir // a whole top-level folder left out
			}
			return nil
		}
		if err != nil {
			return err
		}
		if strings.Contains("/"+rel+"/", "/.altinn-sim/") {
			t.Errorf("%s is in the build context", rel)
		}
		if e.IsDir() {
			return os.MkdirAll(filepath.Join(ctx, rel), 0o755)
		}
		if !e.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(ctx, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	// go list resolves every import and go:embed pattern as go build
	// does, without compiling (which, in another folder, the build cache
	// would not spare).
	build := exec.Command("go", "list", "-deps", "./cmd/altinn-sim")
	build.Dir = ctx
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("the binary does not build from the build context alone: %v\n%s", err, out)
	}
}

// TestComposeStackAsProcesses runs what `docker compose -f
// docker-compose.yml -f examples/training/docker-compose.seed.yml up`
// runs in the altinn-sim container, as a process: the Dockerfile's
// command with the service's environment and the mounted seed folder.
// Only the listen port (a free one), the database (the test's) and the
// mount's host path differ. Then: the compose healthcheck passes, the
// control API wants the admin token, and a grant whose aud is the URL
// other containers use (http://altinn-sim:8080/) gets a token, as does
// one for the host's URL; the token names the canonical issuer.
func TestComposeStackAsProcesses(t *testing.T) {
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	svc := loadCompose(t, nil, composeFile, seedCompose)["altinn-sim"]
	addr := freeAddr(t)
	env := map[string]string{}
	for k, v := range svc.Environment {
		env[k] = v
	}
	env["ALTINN_SIM_LISTEN"] = addr
	env["ALTINN_SIM_DATABASE_URL"] = dbtest.NewURL(t)
	// The volume "./examples/training:/seed:ro" from the repository root.
	for _, v := range svc.Volumes {
		p := strings.Split(v, ":")
		if rest, ok := strings.CutPrefix(env["ALTINN_SIM_SEED_FILE"], p[1]+"/"); ok {
			env["ALTINN_SIM_SEED_FILE"] = filepath.Join("../..", p[0], rest)
		}
	}
	if _, err := os.Stat(env["ALTINN_SIM_SEED_FILE"]); err != nil {
		t.Fatalf("the seed file is not in a mounted folder: %v (volumes %v)", err, svc.Volumes)
	}
	args := svc.Command
	if args == nil {
		args = []string{"serve"} // the Dockerfile's CMD
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	log := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	// The compose healthcheck, with the container's environment.
	hc := exec.Command(bin, svc.Healthcheck.Test[2:]...)
	hc.Env = cmd.Env
	deadline := time.Now().Add(60 * time.Second)
	for hc.Run() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("the compose healthcheck did not pass within 60s; log:\n%s", log.String())
		}
		time.Sleep(200 * time.Millisecond)
		hc = exec.Command(bin, svc.Healthcheck.Test[2:]...)
		hc.Env = cmd.Env
	}
	if !strings.Contains(log.String(), "seeded") {
		t.Errorf("no seeding in the log:\n%s", log.String())
	}
	base := "http://" + addr

	// The control API wants the compose admin token.
	get := func(token string) int {
		req, _ := http.NewRequest(http.MethodGet, base+"/sim/api/v1/clients/treningsleverandoren-timeforer", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := get(""); code != 401 {
		t.Errorf("control API without the admin token: %d", code)
	}
	if code := get(env["ALTINN_SIM_ADMIN_TOKEN"]); code != 200 {
		t.Errorf("the seeded client with the admin token: %d", code)
	}

	// Grants for both URLs; the token names the canonical issuer.
	key := "../../examples/training/treningsleverandoren-key.json"
	for _, aud := range []string{env["ALTINN_SIM_ALSO_PUBLIC_URL"] + "/", env["ALTINN_SIM_PUBLIC_URL"] + "/", env["ALTINN_SIM_ALSO_PUBLIC_URL"]} {
		code, out, errs := runCLI(t, nil, "token", "--client-id", "treningsleverandoren-timeforer", "--key", key,
			"--scope", "altinn:authentication/systemregister.write", "--audience", aud, "--url", base, "--raw")
		if code != 0 {
			t.Fatalf("grant with aud %s: exit %d %s", aud, code, errs)
		}
		parts := strings.Split(strings.TrimSpace(out), ".")
		payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
		var claims struct {
			Iss string `json:"iss"`
		}
		if err := json.Unmarshal(payload, &claims); err != nil || claims.Iss != env["ALTINN_SIM_PUBLIC_URL"]+"/" {
			t.Errorf("aud %s: token iss %q (%v), want %s/", aud, claims.Iss, err, env["ALTINN_SIM_PUBLIC_URL"])
		}
	}
	// Any other URL is still refused as Maskinporten refuses it.
	code, _, errs := runCLI(t, nil, "token", "--client-id", "treningsleverandoren-timeforer", "--key", key,
		"--scope", "altinn:authentication/systemregister.write", "--audience", "http://elsewhere:8080/", "--url", base)
	if code != 1 || !strings.Contains(errs, "Invalid JWT claim aud") {
		t.Errorf("grant for another URL: exit %d %s", code, errs)
	}
}

func TestHealthcheckCommand(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ready" {
			w.WriteHeader(404)
		}
	}))
	defer ok.Close()
	none := func(string) string { return "" }
	var out, errb syncBuffer
	if code := run([]string{"healthcheck", "--url", ok.URL + "/ready"}, none, &out, &errb); code != 0 {
		t.Fatalf("healthy server: exit %d %s", code, errb.String())
	}
	if code := run([]string{"healthcheck", "--url", ok.URL + "/other"}, none, &out, &errb); code != 1 {
		t.Fatalf("404: exit %d", code)
	}
	listen := strings.TrimPrefix(ok.URL, "http://")
	env := func(k string) string {
		if k == "ALTINN_SIM_LISTEN" {
			return listen
		}
		return ""
	}
	if code := run([]string{"healthcheck"}, env, &out, &errb); code != 0 {
		t.Fatalf("default URL from ALTINN_SIM_LISTEN: exit %d %s", code, errb.String())
	}
	// --url wins over a listen address it does not need.
	bad := func(k string) string {
		if k == "ALTINN_SIM_LISTEN" {
			return "nowhere"
		}
		return ""
	}
	if code := run([]string{"healthcheck", "--url", ok.URL + "/ready"}, bad, &out, &errb); code != 0 {
		t.Fatalf("--url with a bad ALTINN_SIM_LISTEN: exit %d %s", code, errb.String())
	}
	if out.String() != "" {
		t.Errorf("healthcheck printed %q", out.String())
	}
}
