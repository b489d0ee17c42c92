package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/config"
)

const healthcheckUsage = `Usage: altinn-sim healthcheck [--url URL]

Exits 0 when URL answers 200, 1 otherwise: a container healthcheck for
images without curl. URL defaults to /ready on ALTINN_SIM_LISTEN (an
all-interfaces address such as 0.0.0.0 is asked on 127.0.0.1).

Flags:
  --url URL   URL that must answer 200
`

// healthcheck asks a running server's /ready, for container healthchecks
// on images without curl. The default URL follows ALTINN_SIM_LISTEN.
func healthcheck(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("altinn-sim healthcheck", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	url := fs.String("url", "", "URL that must answer 200")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, healthcheckUsage)
			return 0
		}
		fmt.Fprintf(stderr, "altinn-sim healthcheck: %v\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "altinn-sim healthcheck: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *url == "" {
		listen := config.FromEnv("listen", getenv)
		host, port, err := net.SplitHostPort(listen)
		if err != nil {
			fmt.Fprintf(stderr, "altinn-sim healthcheck: ALTINN_SIM_LISTEN %q is not host:port (or pass --url)\n", listen)
			return 2
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		*url = "http://" + net.JoinHostPort(host, port) + "/ready"
	}
	c := &http.Client{Timeout: 3 * time.Second}
	res, err := c.Get(*url)
	if err != nil {
		fmt.Fprintf(stderr, "altinn-sim healthcheck: %v\n", err)
		return 1
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "altinn-sim healthcheck: %s answered %d\n", *url, res.StatusCode)
		return 1
	}
	return 0
}
