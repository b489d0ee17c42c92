// Package config reads altinn-sim's settings from flags and ALTINN_SIM_*
// environment variables (flags win) and validates them before anything
// starts.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"
)

// Config is every setting of the server.
type Config struct {
	Listen        string
	PublicURL     string
	DatabaseURL   string
	DataDir       string
	AdminToken    string
	SigningAlg    string
	TokenLifetime time.Duration
	LogLevel      slog.Level
	LogFormat     string
	Dev           bool
}

// Issuer is the Maskinporten issuer: the public URL plus a trailing slash,
// as Maskinporten writes its own.
func (c Config) Issuer() string { return strings.TrimRight(c.PublicURL, "/") + "/" }

// setting is one flag with its environment variable.
type setting struct {
	name, def, usage string
	target           *string
}

// EnvName turns a flag name into its environment variable.
func EnvName(flagName string) string {
	return "ALTINN_SIM_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// EnvNames lists every environment variable Load reads.
func EnvNames() []string {
	var r raw
	var out []string
	for _, s := range r.settings() {
		out = append(out, EnvName(s.name))
	}
	return out
}

// FromEnv is one setting as Load would take it without flags: its
// environment variable when set, else its default ("" for an unknown
// flag name). Commands that do not load the whole configuration use it.
func FromEnv(flagName string, getenv func(string) string) string {
	var r raw
	for _, s := range r.settings() {
		if s.name == flagName {
			return s.fromEnv(getenv)
		}
	}
	return ""
}

func (s setting) fromEnv(getenv func(string) string) string {
	if v := getenv(EnvName(s.name)); v != "" {
		return v
	}
	return s.def
}

// raw holds the string form of every setting before validation.
type raw struct {
	listen, publicURL, databaseURL, dataDir, adminToken, signingAlg, tokenLifetime, logLevel, logFormat, dev string
}

func (r *raw) settings() []setting {
	return []setting{
		{"listen", "127.0.0.1:8080", "address to serve on", &r.listen},
		{"public-url", "http://localhost:8080", "base of every URL handed out; the Maskinporten issuer is it plus /", &r.publicURL},
		{"database-url", "", "PostgreSQL connection string (empty: start an embedded PostgreSQL in the data folder)", &r.databaseURL},
		{"data-dir", "./.altinn-sim", "folder for the embedded PostgreSQL and other local state", &r.dataDir},
		{"admin-token", "", "bearer token required on /sim/api (empty: open)", &r.adminToken},
		{"signing-alg", "RS256", "algorithm for tokens we sign: RS256 or ES256", &r.signingAlg},
		{"token-lifetime", "120s", "Maskinporten access-token lifetime", &r.tokenLifetime},
		{"log-level", "info", "log level: debug, info, warn, error", &r.logLevel},
		{"log-format", "text", "log format: text or json", &r.logFormat},
		{"dev", "false", "read web templates from disk on each request", &r.dev},
	}
}

// ErrHelp is returned when --help was asked for; usage was already printed.
var ErrHelp = flag.ErrHelp

// Load parses args (without the program and subcommand names) over the
// environment. Usage goes to out on --help or a flag error.
func Load(cmd string, args []string, getenv func(string) string, out io.Writer) (Config, error) {
	var r raw
	fs := flag.NewFlagSet("altinn-sim "+cmd, flag.ContinueOnError)
	// Errors become one line from the caller; usage is printed only on --help.
	fs.SetOutput(io.Discard)
	ss := r.settings()
	for _, s := range ss {
		fs.StringVar(s.target, s.name, s.fromEnv(getenv), s.usage)
	}
	printUsage := func() {
		fmt.Fprintf(out, "Usage: altinn-sim %s [flags]\n\nEvery flag can also be set by its environment variable; flags win.\n\n", cmd)
		for _, s := range ss {
			def := s.def
			if def == "" {
				def = "none"
			}
			fmt.Fprintf(out, "  --%-16s %-28s %s (default %s)\n", s.name, EnvName(s.name), s.usage, def)
		}
	}
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage()
			return Config{}, ErrHelp
		}
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return r.validate()
}

func (r raw) validate() (Config, error) {
	c := Config{
		Listen:      r.listen,
		PublicURL:   strings.TrimRight(r.publicURL, "/"),
		DatabaseURL: r.databaseURL,
		DataDir:     r.dataDir,
		AdminToken:  r.adminToken,
		SigningAlg:  strings.ToUpper(r.signingAlg),
		LogFormat:   strings.ToLower(r.logFormat),
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		return c, fmt.Errorf("ALTINN_SIM_LISTEN / --listen: %q is not host:port", r.listen)
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return c, fmt.Errorf("ALTINN_SIM_PUBLIC_URL / --public-url: %q is not an absolute http(s) URL", r.publicURL)
	}
	if c.DatabaseURL != "" {
		du, err := url.Parse(c.DatabaseURL)
		if err != nil || (du.Scheme != "postgres" && du.Scheme != "postgresql") {
			if !strings.Contains(c.DatabaseURL, "=") { // keyword/value DSN is fine too
				return c, fmt.Errorf("ALTINN_SIM_DATABASE_URL / --database-url: want postgres://user@host:port/db, got %q", r.databaseURL)
			}
		}
	}
	if c.DataDir == "" {
		return c, errors.New("ALTINN_SIM_DATA_DIR / --data-dir: must not be empty")
	}
	if c.SigningAlg != "RS256" && c.SigningAlg != "ES256" {
		return c, fmt.Errorf("ALTINN_SIM_SIGNING_ALG / --signing-alg: %q is not RS256 or ES256", r.signingAlg)
	}
	if c.TokenLifetime, err = time.ParseDuration(r.tokenLifetime); err != nil || c.TokenLifetime < time.Second || c.TokenLifetime > 24*time.Hour {
		return c, fmt.Errorf("ALTINN_SIM_TOKEN_LIFETIME / --token-lifetime: %q is not a duration between 1s and 24h (e.g. 120s)", r.tokenLifetime)
	}
	if err := c.LogLevel.UnmarshalText([]byte(r.logLevel)); err != nil {
		return c, fmt.Errorf("ALTINN_SIM_LOG_LEVEL / --log-level: %q is not debug, info, warn or error", r.logLevel)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("ALTINN_SIM_LOG_FORMAT / --log-format: %q is not text or json", r.logFormat)
	}
	switch strings.ToLower(r.dev) {
	case "true", "1", "yes":
		c.Dev = true
	case "false", "0", "no", "":
	default:
		return c, fmt.Errorf("ALTINN_SIM_DEV / --dev: %q is not true or false", r.dev)
	}
	return c, nil
}
