// Package calllog keeps the last calls to /token and the PDP in memory,
// for the /sim/ pages: a bounded ring per instance, newest first, each
// call stamped on the emulator's clock. It is one instance's view only
// (other instances on the same database keep their own), and it is gone
// on restart: it is for looking, not for keeping.
package calllog

import (
	"sync"
	"time"
)

// Kind says which endpoint family a call went to.
type Kind string

const (
	// Token is a POST /token.
	Token Kind = "token"
	// Decision is one decision of the PDP (a multi-request gives one
	// entry per result).
	Decision Kind = "decision"
)

// Outcomes of a token call; a decision's outcome is its XACML decision
// (Permit, Deny, NotApplicable, Indeterminate).
const (
	Issued  = "issued"
	Refused = "refused"
	Failed  = "failed"
)

// Entry is one call.
type Entry struct {
	// Seq numbers the calls of this ring from 1; At is when it was
	// recorded, on the emulator's clock.
	Seq uint64
	At  time.Time

	Kind      Kind
	Path      string
	RequestID string
	Outcome   string

	// Token calls: the client (the grant's iss, even when the grant was
	// refused before it was trusted), what was asked or issued, and for a
	// refusal the OAuth error, the Maskinporten code and the description.
	ClientID      string
	Scopes        []string
	SystemUserID  string
	SystemUserOrg string
	Error, MP     string
	Reason        string

	// Decisions: the request's subject, resource, action and party as
	// the "Why?" page takes them, and the XACML status when not ok
	// (Reason is its message).
	Subject, Resource, Action, Party string
	Status                           string
}

// Ring holds the last Size entries.
type Ring struct {
	now func() time.Time

	mu   sync.Mutex
	buf  []Entry
	next int    // where the next entry goes
	seq  uint64 // entries ever added
}

// New makes a ring of size entries (at least 1) stamped by now.
func New(size int, now func() time.Time) *Ring {
	return &Ring{now: now, buf: make([]Entry, 0, max(size, 1))}
}

// Add records e, stamping Seq and At; the oldest entry goes when the ring
// is full.
func (r *Ring) Add(e Entry) {
	at := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	e.Seq, e.At = r.seq, at
	if len(r.buf) < cap(r.buf) {
		r.buf = append(r.buf, e)
		return
	}
	r.buf[r.next] = e
	r.next = (r.next + 1) % len(r.buf)
}

// Recent returns up to limit entries of kind ("" for every kind), newest
// first; limit ≤ 0 means all the ring holds.
func (r *Ring) Recent(kind Kind, limit int) []Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.buf)
	if limit <= 0 {
		limit = n
	}
	limit = min(limit, n)
	out := make([]Entry, 0, limit)
	// The newest entry is just before next (or the last appended while
	// the ring was filling).
	for i := 0; i < n && len(out) < limit; i++ {
		e := r.buf[((r.next-1-i)%n+n)%n]
		if kind == "" || e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

// Total is how many entries were ever added (the newest entry's Seq).
func (r *Ring) Total() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seq
}
