// Package config reads altinn-sim's settings from flags and ALTINN_SIM_*
// environment variables (flags win) and validates them before anything
// starts. Each command reads only its own settings (Commands), so its
// --help lists only those and a bad value of a setting it does not use
// cannot stop it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Config is every setting of the server.
type Config struct {
	Listen    string
	PublicURL string
	// AlsoPublicURLs are further URLs the server is reached by (say
	// http://altinn-sim:8080 from other containers while PublicURL is
	// http://localhost:8080 for the host's browser). A grant's aud may name
	// any of them; everything handed out still names PublicURL.
	AlsoPublicURLs []string
	DatabaseURL    string
	DataDir        string
	AdminToken     string
	SigningAlg     string
	// RSASigner is how RSA tokens are signed: auto, openssl or go
	// (signing.RSASigner*).
	RSASigner     string
	TokenLifetime time.Duration
	LogLevel      slog.Level
	LogFormat     string
	Dev           bool
	// SeedFile, when set, is applied (as `altinn-sim seed --file`) before
	// the server starts serving.
	SeedFile string
}

// Issuer is the Maskinporten issuer: the public URL plus a trailing slash,
// as Maskinporten writes its own.
func (c Config) Issuer() string { return strings.TrimRight(c.PublicURL, "/") + "/" }

// AcceptedAudiences are the issuers a grant's aud may name: Issuer first,
// then one per AlsoPublicURLs.
func (c Config) AcceptedAudiences() []string {
	out := []string{c.Issuer()}
	for _, u := range c.AlsoPublicURLs {
		out = append(out, strings.TrimRight(u, "/")+"/")
	}
	return out
}

// setting is one flag with its environment variable.
type setting struct {
	name, def, usage string
	isBool           bool
	// check validates the value into c; it reports what is wrong, the
	// caller prefixes the setting's names.
	check func(v string, c *Config) error
}

// settings is every setting, in the order --help lists them.
var settings = []setting{
	{name: "listen", def: "127.0.0.1:8080", usage: "address to serve on (host:port)", check: checkListen},
	{name: "public-url", def: "http://localhost:8080", usage: "base of every URL handed out; the Maskinporten issuer is it plus /", check: checkPublicURL},
	{name: "also-public-url", usage: "further base URLs clients reach the server by (comma-separated); a grant's aud may name any of them", check: checkAlsoPublicURL},
	{name: "database-url", usage: "PostgreSQL connection string (empty: start an embedded PostgreSQL in the data folder)", check: checkDatabaseURL},
	{name: "data-dir", def: "./.altinn-sim", usage: "folder for the embedded PostgreSQL and other local state", check: checkDataDirName},
	{name: "admin-token", usage: "bearer token required on /sim/api and the Why? page (empty: open)", check: func(v string, c *Config) error { c.AdminToken = v; return nil }},
	{name: "signing-alg", def: "RS256", usage: "algorithm for tokens we sign: RS256 or ES256", check: checkSigningAlg},
	{name: "rsa-signer", def: "auto", usage: "RSA signing: auto (OpenSSL's libcrypto.so.3 when it loads, else Go), openssl or go", check: checkRSASigner},
	{name: "token-lifetime", def: "120s", usage: "Maskinporten access-token lifetime (1s to 24h)", check: checkLifetime},
	{name: "log-level", def: "info", usage: "log level: debug, info, warn, error", check: checkLogLevel},
	{name: "log-format", def: "text", usage: "log format: text or json", check: checkLogFormat},
	{name: "dev", def: "false", isBool: true, usage: "read web templates from disk on each request", check: checkDev},
	{name: "seed-file", usage: "seed YAML file applied (as 'altinn-sim seed --file') before serving", check: func(v string, c *Config) error { c.SeedFile = v; return nil }},
}

// Commands lists the settings each command reads.
var Commands = map[string][]string{
	"serve":   {"listen", "public-url", "also-public-url", "database-url", "data-dir", "admin-token", "signing-alg", "rsa-signer", "token-lifetime", "log-level", "log-format", "dev", "seed-file"},
	"migrate": {"database-url", "data-dir", "log-level", "log-format"},
	"seed":    {"database-url", "data-dir", "log-level", "log-format"},
}

func lookup(name string) (setting, bool) {
	for _, s := range settings {
		if s.name == name {
			return s, true
		}
	}
	return setting{}, false
}

// EnvName turns a flag name into its environment variable.
func EnvName(flagName string) string {
	return "ALTINN_SIM_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// EnvNames lists every environment variable Load reads.
func EnvNames() []string {
	var out []string
	for _, s := range settings {
		out = append(out, EnvName(s.name))
	}
	return out
}

// FromEnv is one setting as Load would take it without flags: its
// environment variable when set, else its default ("" for an unknown
// flag name). Commands that do not load the whole configuration use it.
func FromEnv(flagName string, getenv func(string) string) string {
	if s, ok := lookup(flagName); ok {
		return s.fromEnv(getenv)
	}
	return ""
}

func (s setting) fromEnv(getenv func(string) string) string {
	if v := getenv(EnvName(s.name)); v != "" {
		return v
	}
	return s.def
}

// label names a setting both ways, as every error about it starts.
func (s setting) label() string { return EnvName(s.name) + " / --" + s.name }

// value is a setting's flag: its raw string, validated after parsing.
// A boolean setting is a flag that needs no value (--dev alone is true).
type value struct {
	v      *string
	isBool bool
}

func (v value) String() string {
	if v.v == nil {
		return ""
	}
	return *v.v
}
func (v value) Set(s string) error { *v.v = s; return nil }
func (v value) IsBoolFlag() bool   { return v.isBool }

// ErrHelp is returned when --help was asked for; usage was already printed.
var ErrHelp = flag.ErrHelp

// Load parses args (without the program and subcommand names) over the
// environment, reading only cmd's settings (Commands). Usage goes to out
// on --help only; errors are one line naming the setting.
func Load(cmd string, args []string, getenv func(string) string, out io.Writer) (Config, error) {
	return LoadWith(cmd, "", args, getenv, out, nil)
}

// LoadWith is Load for a command with flags of its own: extra adds them
// to the flag set, and header opens the usage text.
func LoadWith(cmd, header string, args []string, getenv func(string) string, out io.Writer, extra func(*flag.FlagSet)) (Config, error) {
	names, ok := Commands[cmd]
	if !ok {
		return Config{}, fmt.Errorf("config: unknown command %q", cmd)
	}
	fset := flag.NewFlagSet("altinn-sim "+cmd, flag.ContinueOnError)
	// Errors become one line from the caller; usage is printed only on --help.
	fset.SetOutput(io.Discard)
	fset.Usage = func() {}
	if extra != nil {
		extra(fset)
	}
	raws := make([]string, len(names))
	var own []setting
	for i, n := range names {
		s, _ := lookup(n)
		own = append(own, s)
		raws[i] = s.fromEnv(getenv)
		fset.Var(value{&raws[i], s.isBool}, s.name, s.usage)
	}
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(out, cmd, header, fset, own)
			return Config{}, ErrHelp
		}
		return Config{}, err
	}
	if fset.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q", fset.Arg(0))
	}
	var c Config
	for i, s := range own {
		if err := s.check(raws[i], &c); err != nil {
			return c, fmt.Errorf("%s: %w", s.label(), err)
		}
	}
	// The data folder matters only for the embedded database.
	if _, usesDir := lookupIn(own, "data-dir"); usesDir && c.DatabaseURL == "" {
		s, _ := lookup("data-dir")
		if err := CheckDataDir(c.DataDir); err != nil {
			return c, fmt.Errorf("%s: %w", s.label(), err)
		}
	}
	return c, nil
}

func lookupIn(ss []setting, name string) (setting, bool) {
	for _, s := range ss {
		if s.name == name {
			return s, true
		}
	}
	return setting{}, false
}

func printUsage(out io.Writer, cmd, header string, fset *flag.FlagSet, own []setting) {
	if header != "" {
		fmt.Fprint(out, header)
	} else {
		fmt.Fprintf(out, "Usage: altinn-sim %s [flags]\n\n", cmd)
	}
	var extra []*flag.Flag
	fset.VisitAll(func(f *flag.Flag) {
		if _, ok := lookupIn(own, f.Name); !ok {
			extra = append(extra, f)
		}
	})
	if len(extra) > 0 {
		fmt.Fprintln(out, "Flags:")
		for _, f := range extra {
			fmt.Fprintf(out, "  --%-18s %s\n", f.Name, f.Usage)
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintln(out, "Settings (each flag can also be set by its environment variable; flags win):")
	for _, s := range own {
		def := s.def
		if def == "" {
			def = "none"
		}
		name := s.name
		if s.isBool {
			name += "[=false]"
		}
		fmt.Fprintf(out, "  --%-18s %-28s %s (default %s)\n", name, EnvName(s.name), s.usage, def)
	}
}

func checkListen(v string, c *Config) error {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return fmt.Errorf("%q is not host:port (e.g. 127.0.0.1:8080)", v)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q: port %q is not a number from 0 to 65535", v, port)
	}
	if host != "" && net.ParseIP(host) == nil && !validHostname(host) {
		return fmt.Errorf("%q: %q is not an IP address or host name", v, host)
	}
	c.Listen = v
	return nil
}

func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// absoluteHTTPURL is the check both public-URL settings share.
func absoluteHTTPURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL (e.g. http://localhost:8080)", v)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("%q: port %q is not a number from 1 to 65535", v, p)
		}
	}
	return strings.TrimRight(v, "/"), nil
}

func checkPublicURL(v string, c *Config) error {
	u, err := absoluteHTTPURL(v)
	c.PublicURL = u
	return err
}

func checkAlsoPublicURL(v string, c *Config) error {
	c.AlsoPublicURLs = nil
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		u, err := absoluteHTTPURL(part)
		if err != nil {
			return err
		}
		c.AlsoPublicURLs = append(c.AlsoPublicURLs, u)
	}
	return nil
}

func checkDatabaseURL(v string, c *Config) error {
	c.DatabaseURL = v
	if v == "" {
		return nil
	}
	du, err := url.Parse(v)
	if err != nil || (du.Scheme != "postgres" && du.Scheme != "postgresql") {
		if !strings.Contains(v, "=") { // keyword/value DSN is fine too
			return fmt.Errorf("want postgres://user@host:port/db, got %q", v)
		}
	}
	return nil
}

func checkDataDirName(v string, c *Config) error {
	if v == "" {
		return errors.New("must not be empty")
	}
	c.DataDir = v
	return nil
}

func checkSigningAlg(v string, c *Config) error {
	c.SigningAlg = strings.ToUpper(v)
	if c.SigningAlg != "RS256" && c.SigningAlg != "ES256" {
		return fmt.Errorf("%q is not RS256 or ES256", v)
	}
	return nil
}

func checkRSASigner(v string, c *Config) error {
	c.RSASigner = strings.ToLower(v)
	switch c.RSASigner {
	case "auto", "openssl", "go":
		return nil
	}
	return fmt.Errorf("%q is not auto, openssl or go", v)
}

func checkLifetime(v string, c *Config) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second || d > 24*time.Hour {
		return fmt.Errorf("%q is not a duration between 1s and 24h (e.g. 120s)", v)
	}
	c.TokenLifetime = d
	return nil
}

func checkLogLevel(v string, c *Config) error {
	if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
		return fmt.Errorf("%q is not debug, info, warn or error", v)
	}
	return nil
}

func checkLogFormat(v string, c *Config) error {
	c.LogFormat = strings.ToLower(v)
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("%q is not text or json", v)
	}
	return nil
}

func checkDev(v string, c *Config) error {
	switch strings.ToLower(v) {
	case "true", "1", "yes":
		c.Dev = true
	case "false", "0", "no", "":
		c.Dev = false
	default:
		return fmt.Errorf("%q is not true or false", v)
	}
	return nil
}

// CheckDataDir says whether dir can be used as the data folder without
// creating anything: it must be a folder we may write in, or not exist
// yet under one we may write in.
func CheckDataDir(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("%q: %w", dir, err)
	}
	for d := abs; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		switch {
		case err == nil && !st.IsDir():
			if d == abs {
				return fmt.Errorf("%s is a file, not a folder", abs)
			}
			return fmt.Errorf("cannot create %s: %s is a file, not a folder", abs, d)
		case err == nil:
			if err := writable(d); err != nil {
				if d == abs {
					return fmt.Errorf("cannot write in %s: %v", abs, err)
				}
				return fmt.Errorf("cannot create %s: cannot write in %s: %v", abs, d, err)
			}
			return nil
		case !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR):
			return fmt.Errorf("cannot use %s: %v", abs, err)
		}
		if d == filepath.Dir(d) {
			return fmt.Errorf("cannot create %s", abs)
		}
	}
}
