package calllog

import (
	"sync"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/clock"
)

func seqs(es []Entry) []uint64 {
	out := make([]uint64, len(es))
	for i, e := range es {
		out[i] = e.Seq
	}
	return out
}

func equal(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRingKeepsTheNewest: newest first, the oldest dropped once full, and
// each entry stamped on the given clock.
func TestRingKeepsTheNewest(t *testing.T) {
	clk := clock.NewFixed(time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC))
	r := New(3, clk.Now)
	if got := r.Recent("", 0); len(got) != 0 {
		t.Fatalf("empty ring: %v", got)
	}
	r.Add(Entry{Kind: Token})
	if got := seqs(r.Recent("", 0)); !equal(got, []uint64{1}) {
		t.Fatalf("one entry: %v", got)
	}
	clk.Advance(time.Minute)
	for range 4 {
		r.Add(Entry{Kind: Decision})
	}
	if got := seqs(r.Recent("", 0)); !equal(got, []uint64{5, 4, 3}) {
		t.Fatalf("after 5 adds in a ring of 3: %v, want [5 4 3]", got)
	}
	if got := seqs(r.Recent("", 2)); !equal(got, []uint64{5, 4}) {
		t.Fatalf("limit 2: %v", got)
	}
	if at := r.Recent("", 1)[0].At; !at.Equal(time.Date(2027, 1, 2, 3, 5, 5, 0, time.UTC)) {
		t.Fatalf("stamped %v, want the clock's time", at)
	}
	if r.Total() != 5 {
		t.Fatalf("total %d", r.Total())
	}
}

// TestRingFiltersByKind: Recent(kind) returns only that kind, newest first.
func TestRingFiltersByKind(t *testing.T) {
	r := New(10, time.Now)
	for i := range 6 {
		k := Token
		if i%2 == 1 {
			k = Decision
		}
		r.Add(Entry{Kind: k})
	}
	if got := seqs(r.Recent(Token, 0)); !equal(got, []uint64{5, 3, 1}) {
		t.Fatalf("tokens: %v", got)
	}
	if got := seqs(r.Recent(Decision, 2)); !equal(got, []uint64{6, 4}) {
		t.Fatalf("decisions, limit 2: %v", got)
	}
	// Each entry once, also when the newest is of the kind asked for.
	if got := seqs(r.Recent(Decision, 0)); !equal(got, []uint64{6, 4, 2}) {
		t.Fatalf("decisions: %v", got)
	}
	if got := seqs(r.Recent(Decision, 10)); !equal(got, []uint64{6, 4, 2}) {
		t.Fatalf("decisions, limit above what is held: %v", got)
	}
}

// TestRingOfSizeZero: a ring asked for no room still keeps the newest.
func TestRingOfSizeZero(t *testing.T) {
	r := New(0, time.Now)
	r.Add(Entry{Kind: Token})
	r.Add(Entry{Kind: Token})
	if got := seqs(r.Recent("", 0)); !equal(got, []uint64{2}) {
		t.Fatalf("size 0: %v", got)
	}
}

// TestRingConcurrent: adds from many goroutines lose nothing and never
// overfill (run with -race).
func TestRingConcurrent(t *testing.T) {
	r := New(50, time.Now)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				r.Add(Entry{Kind: Token})
				_ = r.Recent("", 5)
			}
		}()
	}
	wg.Wait()
	got := r.Recent("", 0)
	if len(got) != 50 || got[0].Seq != 800 || got[49].Seq != 751 {
		t.Fatalf("after 800 adds: %d entries, newest %d, oldest %d", len(got), got[0].Seq, got[len(got)-1].Seq)
	}
}
