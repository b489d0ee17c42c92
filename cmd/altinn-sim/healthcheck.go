package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/config"
)

// healthcheck asks a running server's /ready, for container healthchecks
// on images without curl. The default URL follows ALTINN_SIM_LISTEN.
func healthcheck(args []string, getenv func(string) string, stderr io.Writer) int {
	listen := config.FromEnv("listen", getenv)
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		fmt.Fprintf(stderr, "altinn-sim: ALTINN_SIM_LISTEN %q is not host:port\n", listen)
		return 2
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	fs := flag.NewFlagSet("altinn-sim healthcheck", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	url := fs.String("url", "http://"+net.JoinHostPort(host, port)+"/ready", "URL that must answer 200")
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "altinn-sim: healthcheck: %v\n", err)
		return 2
	}
	c := &http.Client{Timeout: 3 * time.Second}
	res, err := c.Get(*url)
	if err != nil {
		fmt.Fprintf(stderr, "altinn-sim: healthcheck: %v\n", err)
		return 1
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "altinn-sim: healthcheck: %s answered %d\n", *url, res.StatusCode)
		return 1
	}
	return 0
}
