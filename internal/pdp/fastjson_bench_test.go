package pdp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkFastJSONvsStd weighs fastjson.go against encoding/json in one
// run: the same XACML bodies (one request; a MultiRequests of ten
// references), decoded alone, decided (DecideBody on the in-package
// fakes, cache in use) and served (the /authorize handler without the
// network), each fast variant and its encoding/json twin
// timed back to back (CPU time) for a few milliseconds per round, many rounds,
// medians reported. Run:
//
//	go test -run '^$' -bench FastJSONvsStd ./internal/pdp
func BenchmarkFastJSONvsStd(b *testing.B) {
	w := newWorld()
	w.svc.c.connected()
	ctx := context.Background()
	single := []byte(fastSeeds[0])
	multi := []byte(multiBody(10))
	for name, body := range map[string][]byte{"single": single, "multi10": multi} {
		if _, ok := fastDecode(body); !ok {
			b.Fatalf("%s: not on the fast path", name)
		}
		fast := w.svc.DecideBody(ctx, body, External, false)
		root, perr := decodeStd(body)
		std := w.svc.decideRoot(ctx, root, perr, External, false)
		fj, _ := json.Marshal(fast)
		sj, _ := json.Marshal(std)
		if string(fj) != string(sj) || fast.Response[0].Decision != Permit {
			b.Fatalf("%s: fast %s, std %s", name, fj, sj)
		}
	}
	type variant struct {
		name string
		run  func()
	}
	var variants []variant
	for _, c := range []struct {
		name string
		body []byte
	}{{"single", single}, {"multi10", multi}} {
		body := c.body
		h := w.svc.handle(External)
		variants = append(variants,
			variant{c.name + "/handler/fast", func() {
				rq := httptest.NewRequest(http.MethodPost, "/authorization/api/v1/authorize", bytes.NewReader(body))
				rq.Header.Set("Content-Type", "application/json")
				h(httptest.NewRecorder(), rq)
			}},
			variant{c.name + "/parse/fast", func() { _, _ = DecodeBody(body) }},
			variant{c.name + "/parse/std", func() { _, _ = decodeStd(body) }},
			variant{c.name + "/decide/fast", func() { _ = w.svc.DecideBody(ctx, body, External, false) }},
			variant{c.name + "/decide/std", func() {
				root, perr := decodeStd(body)
				_ = w.svc.decideRoot(ctx, root, perr, External, false)
			}},
		)
	}
	const rounds, slice = 41, 10 * time.Millisecond
	// Calibrate: iterations per variant that take about one slice.
	iters := make([]int, len(variants))
	for i, v := range variants {
		n := 1
		for {
			start := time.Now()
			for range n {
				v.run()
			}
			if d := time.Since(start); d >= slice/4 {
				iters[i] = max(1, int(float64(n)*float64(slice)/float64(d)))
				break
			}
			n *= 2
		}
	}
	// Timed in the process's CPU time (user + system, the collector's
	// threads included), not wall time: on a shared machine wall time
	// mostly measures the other tenants.
	timed := func(i int) float64 {
		start := cpuTime()
		for range iters[i] {
			variants[i].run()
		}
		return float64(cpuTime()-start) / float64(iters[i])
	}
	// Each fast variant is followed by its std twin (or preceded, every
	// other round), so a pair sees the same machine load; the ratio is
	// the median of the per-round ratios.
	samples := make([][]float64, len(variants))
	ratios := map[string][]float64{}
	b.ResetTimer()
	for r := range rounds {
		for i := range variants {
			name := variants[i].name
			if !strings.HasSuffix(name, "/fast") {
				continue
			}
			j := slices.IndexFunc(variants, func(v variant) bool { return v.name == strings.TrimSuffix(name, "fast")+"std" })
			var tf, ts float64
			if r%2 == 0 {
				tf = timed(i)
				if j >= 0 {
					ts = timed(j)
				}
			} else {
				if j >= 0 {
					ts = timed(j)
				}
				tf = timed(i)
			}
			samples[i] = append(samples[i], tf)
			if j >= 0 {
				samples[j] = append(samples[j], ts)
				ratios[strings.TrimSuffix(name, "/fast")] = append(ratios[strings.TrimSuffix(name, "/fast")], ts/tf)
			}
		}
	}
	b.StopTimer()
	median := func(xs []float64) float64 {
		s := slices.Clone(xs)
		slices.Sort(s)
		return s[len(s)/2]
	}
	med := map[string]float64{}
	for i, v := range variants {
		med[v.name] = median(samples[i])
		b.ReportMetric(med[v.name], strings.ReplaceAll(v.name, "/", "-")+"-ns/op")
	}
	for c, rs := range ratios {
		b.ReportMetric(median(rs), strings.ReplaceAll(c, "/", "-")+"-std/fast")
	}
	// The handler (body read, decide, encode) cannot switch decoders; its
	// std cost is its fast cost plus what std adds to the decision.
	for _, c := range []string{"single", "multi10"} {
		hf := med[c+"/handler/fast"]
		b.ReportMetric((hf+med[c+"/decide/std"]-med[c+"/decide/fast"])/hf, c+"-handler-std/fast")
	}
}

// cpuTime is the process's CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// multiBody is a MultiRequests body: one system user, two actions, n/2
// resources of the fixture world, n references pairing them.
func multiBody(n int) string {
	var res, refs []string
	for i := range n / 2 {
		res = append(res, fmt.Sprintf(`{"Id":"r%d","Attribute":[{"AttributeId":%q,"Value":"ttd-accesspackage-resource"},{"AttributeId":%q,"Value":%q,"IncludeInResult":true}]}`, i, AttrResource, AttrOrgID, orgElg.OrgNo))
	}
	for i := range n {
		refs = append(refs, fmt.Sprintf(`{"ReferenceId":["s1","a%d","r%d"]}`, i%2, i/2))
	}
	return fmt.Sprintf(`{"Request":{"ReturnPolicyIdList":false,"AccessSubject":[{"Id":"s1","Attribute":[{"AttributeId":%q,"Value":%q}]}],`+
		`"Action":[{"Id":"a0","Attribute":[{"AttributeId":%q,"Value":"read","DataType":"http://www.w3.org/2001/XMLSchema#string"}]},{"Id":"a1","Attribute":[{"AttributeId":%q,"Value":"write","DataType":"http://www.w3.org/2001/XMLSchema#string"}]}],`+
		`"Resource":[%s],"MultiRequests":{"RequestReference":[%s]}}}`,
		AttrSystemUserUUID, suAgent.String(), AttrAction, AttrAction, strings.Join(res, ","), strings.Join(refs, ","))
}
