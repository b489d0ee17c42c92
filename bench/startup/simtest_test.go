// Package startupbench times how long a simtest server takes to be ready:
// on a private embedded PostgreSQL copied from the cluster template, and,
// in the same run and interleaved, on a fresh database created and
// migrated on a running PostgreSQL server (the peer).
//
//	./bench/startup/run.sh   (also times the binary: exec → /ready)
package startupbench

import (
	"os"
	"slices"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/simtest"
)

// BenchmarkSimtestStart alternates the two kinds of start and reports the
// median of each (ms): embedded-ms (no database URL: a private cluster
// from the template) and server-ms (a new database on ADMIN_URL). The
// first embedded start, which may build the template, is not counted.
func BenchmarkSimtestStart(b *testing.B) {
	server := os.Getenv("ADMIN_URL")
	if server == "" {
		b.Skip("ADMIN_URL (a PostgreSQL server for the peer) not set")
	}
	os.Unsetenv(simtest.EnvDatabaseURL)
	start := func(opts ...simtest.Option) time.Duration {
		t0 := time.Now()
		s, err := simtest.New(opts...)
		if err != nil {
			b.Fatal(err)
		}
		d := time.Since(t0)
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		return d
	}
	start() // the template, when there is none yet
	var embedded, onServer []float64
	b.ResetTimer()
	for range b.N {
		embedded = append(embedded, ms(start()))
		onServer = append(onServer, ms(start(simtest.WithDatabaseURL(server))))
	}
	b.ReportMetric(median(embedded), "embedded-ms")
	b.ReportMetric(median(onServer), "server-ms")
	b.ReportMetric(0, "ns/op")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(v []float64) float64 {
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}
