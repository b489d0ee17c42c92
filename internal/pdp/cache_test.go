package pdp

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func agentReadElg() string {
	return req(attr(AttrSystemUserUUID, suAgent.String()), act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgElg.OrgNo)))
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func listening(t *testing.T, svc *Service, pool *pgxpool.Pool) {
	t.Helper()
	l := db.NewListener(pool.Config().ConnConfig, nil)
	svc.Listen(l)
	t.Cleanup(l.Start())
	waitFor(t, "listener", svc.Listening)
}

func notify(t *testing.T, pool *pgxpool.Pool, payload string) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), "SELECT pg_notify($1, $2)", Channel, payload); err != nil {
		t.Fatal(err)
	}
}

// Without a listener the PDP cannot know about changes, so it must not
// cache: every decision reads the sources.
func TestNoListenerNoCache(t *testing.T) {
	w := newWorld()
	for range 3 {
		if d := decideOne(t, w.svc, External, agentReadElg()).Decision; d != Permit {
			t.Fatalf("decision %s", d)
		}
	}
	if n := w.users.calls.Load(); n != 3 {
		t.Errorf("system-user loads without listener: %d, want 3", n)
	}
}

// Two instances on one database: each caches, and a revoked client
// delegation (notified as delegation:<uuid>) turns Permit into
// NotApplicable on both.
func TestInvalidationAcrossInstances(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	w := newWorld()
	// Instance B shares A's data sources (they stand for the shared DB).
	b := New(w.policies, w.users, w.parties, fakeRoles{}, nil)
	listening(t, w.svc, pool)
	listening(t, b, pool)

	for _, svc := range []*Service{w.svc, b} {
		for range 5 {
			if d := decideOne(t, svc, External, agentReadElg()).Decision; d != Permit {
				t.Fatalf("decision %s, want Permit", d)
			}
		}
	}
	if n := w.users.calls.Load(); n != 2 {
		t.Fatalf("system-user loads: %d, want 2 (one per instance, then cache hits)", n)
	}
	if n := w.policies.calls.Load(); n != 2 {
		t.Fatalf("policy loads: %d, want 2", n)
	}

	// Revoke the client delegation; until the writer notifies, the cache
	// still answers Permit (the cache is really used).
	w.users.update(suAgent, func(su *SystemUser) { su.Clients = map[string][]string{} })
	if d := decideOne(t, b, External, agentReadElg()).Decision; d != Permit {
		t.Fatalf("before notify: %s, want the cached Permit", d)
	}
	notify(t, pool, "delegation:"+suAgent.String())
	for _, svc := range []*Service{w.svc, b} {
		waitFor(t, "NotApplicable after revocation", func() bool {
			return decideOne(t, svc, External, agentReadElg()).Decision == NotApplicable
		})
	}

	// A policy change (policy:<id>) is seen too: the package no longer
	// opens "read".
	w.users.update(suAgent, func(su *SystemUser) {
		su.Clients = map[string][]string{orgElg.OrgNo: {"urn:altinn:accesspackage:regnskapsforer-lonn"}}
	})
	notify(t, pool, "systemuser:"+suAgent.String())
	waitFor(t, "Permit after re-delegation", func() bool { return decideOne(t, b, External, agentReadElg()).Decision == Permit })
	pol, _ := w.policies.Policy(context.Background(), "ttd-accesspackage-resource")
	pol.Rules = pol.Rules[1:]
	w.policies.set(pol)
	notify(t, pool, "policy:ttd-accesspackage-resource")
	waitFor(t, "NotApplicable after policy change", func() bool { return decideOne(t, b, External, agentReadElg()).Decision == NotApplicable })
}

// When the listener's connection dies, notifications may be lost: the
// cache is flushed and rebuilt after reconnecting.
func TestListenerReconnectFlushes(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	w := newWorld()
	listening(t, w.svc, pool)
	if d := decideOne(t, w.svc, External, agentReadElg()).Decision; d != Permit {
		t.Fatalf("decision %s", d)
	}
	// A change whose notification is lost.
	w.users.update(suAgent, func(su *SystemUser) { su.Clients = nil })
	if d := decideOne(t, w.svc, External, agentReadElg()).Decision; d != Permit {
		t.Fatalf("decision %s, want the cached Permit", d)
	}
	// Kill the listener's backend, as a database restart would.
	ctx := context.Background()
	tag, err := pool.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, db.ListenerAppName)
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("terminate listener: %v, rows %d", err, tag.RowsAffected())
	}
	waitFor(t, "the change after reconnect", func() bool {
		return decideOne(t, w.svc, External, agentReadElg()).Decision == NotApplicable
	})
	waitFor(t, "listener back", w.svc.Listening)
	// And it listens again: a later notification reaches it.
	w.users.update(suAgent, func(su *SystemUser) {
		su.Clients = map[string][]string{orgElg.OrgNo: {"urn:altinn:accesspackage:regnskapsforer-lonn"}}
	})
	decideOne(t, w.svc, External, agentReadElg()) // may refill the cache
	notify(t, pool, "delegation:"+suAgent.String())
	waitFor(t, "Permit after notify on the new connection", func() bool {
		return decideOne(t, w.svc, External, agentReadElg()).Decision == Permit
	})
}

func TestInvalidatePayloads(t *testing.T) {
	c := newCache(time.Now)
	c.connected()
	loads := 0
	get := func() {
		_, _ = c.policy("r1", func() (Policy, error) { loads++; return Policy{ResourceID: "r1"}, nil })
	}
	get()
	get()
	c.invalidate("systemuser:" + suAgent.String())
	get()
	if loads != 1 {
		t.Fatalf("loads %d, want 1 (other payloads keep the policy)", loads)
	}
	c.invalidate("resource:r1")
	get()
	c.invalidate("policy:r1")
	get()
	c.invalidate("something-else")
	get()
	if loads != 4 {
		t.Fatalf("loads %d, want 4", loads)
	}
	// A person's client delegations as an agent are dropped alone; a
	// payload naming no person flushes everything.
	c.invalidate("personagent:" + personKari.PID)
	get()
	if loads != 4 {
		t.Fatalf("loads %d, want 4 (personagent:<pid> keeps the policy)", loads)
	}
	c.invalidate("personagent:")
	get()
	if loads != 5 {
		t.Fatalf("loads %d, want 5", loads)
	}
}

// Organisations, persons and roles stay cached however far the clock
// moves (no lifetime sends a busy PDP back to the database), and go at
// once on the parties notification every writer of them sends.
func TestPartyFactsKeptUntilNotified(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	w := newWorld()
	now := time.Now()
	w.svc.SetClock(func() time.Time { return now })
	listening(t, w.svc, pool)
	decide := func() {
		t.Helper()
		if d := decideOne(t, w.svc, External, agentReadElg()).Decision; d != Permit {
			t.Fatalf("decision %s, want Permit", d)
		}
	}
	decide()
	loads := w.parties.calls.Load()
	if loads == 0 {
		t.Fatal("the decision read no party")
	}
	now = now.Add(24 * time.Hour)
	decide()
	if n := w.parties.calls.Load(); n != loads {
		t.Fatalf("party loads after a day on the clock: %d, want still %d (cached)", n, loads)
	}
	notify(t, pool, db.PartiesPayload)
	waitFor(t, "party facts read again", func() bool {
		decide()
		return w.parties.calls.Load() > loads
	})
}
