package db

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// On a PostgreSQL server (not an embedded cluster) a new database for
// tests is cloned from a template database migrated once per set of
// migrations: CREATE DATABASE … TEMPLATE copies its files, a fraction of
// the time of running every migration again.

// templateDBLockID is the advisory lock under which a template database is
// made, as several test binaries may start at once.
const templateDBLockID = 74210001

// EnsureTemplateDB makes the database tpl on the server at adminURL, at the
// newest migration and then prepared by prepare (nil for none), unless it
// is there and at the newest migration already. tpl's name should change
// whenever what prepare puts in it does.
func EnsureTemplateDB(ctx context.Context, adminURL, tpl string, prepare func(ctx context.Context, url string) error) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to the database server: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, templateDBLockID); err != nil {
		return fmt.Errorf("lock for template database %s: %w", tpl, err)
	}
	defer conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, templateDBLockID) //nolint:errcheck
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, tpl).Scan(&exists); err != nil {
		return fmt.Errorf("look up template database %s: %w", tpl, err)
	}
	id := pgx.Identifier{tpl}.Sanitize()
	if exists && templateDBReady(ctx, WithDatabase(adminURL, tpl)) {
		return nil
	}
	if exists {
		// Half migrated by a process that died.
		if _, err := conn.Exec(ctx, "DROP DATABASE "+id+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop unfinished template database %s: %w", tpl, err)
		}
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+id); err != nil {
		return fmt.Errorf("create template database %s: %w", tpl, err)
	}
	u := WithDatabase(adminURL, tpl)
	if err := Migrate(ctx, u); err != nil {
		return fmt.Errorf("migrate template database %s: %w", tpl, err)
	}
	if prepare != nil {
		if err := prepare(ctx, u); err != nil {
			return fmt.Errorf("prepare template database %s: %w", tpl, err)
		}
	}
	return nil
}

// templateDBReady: a template at the newest migration is ready. One whose
// maker died before prepare finished is used as it is; what prepare adds
// must be something its users would otherwise make themselves (the seed
// snapshot: app.New takes it when missing).
func templateDBReady(ctx context.Context, u string) bool {
	c, err := pgx.Connect(ctx, u)
	if err != nil {
		return false
	}
	defer c.Close(ctx)
	return AtHead(ctx, c) == nil
}

// CreateFromTemplate creates the database name as a copy of tpl on the
// server conn is connected to. Concurrent copies of one template can
// briefly collide ("being accessed by other users"), and a copy can queue
// behind other work on the server: those are retried for a while.
func CreateFromTemplate(ctx context.Context, conn *pgx.Conn, name, tpl string) error {
	if _, err := conn.Exec(ctx, "SET statement_timeout = '30s'"); err != nil {
		return err
	}
	defer conn.Exec(ctx, "RESET statement_timeout") //nolint:errcheck
	sql := fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", pgx.Identifier{name}.Sanitize(), pgx.Identifier{tpl}.Sanitize())
	var err error
	for i := 0; ; i++ {
		_, err = conn.Exec(ctx, sql)
		if err == nil || i > 50 || !retryableClone(err) {
			break
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(time.Duration(20+i*10) * time.Millisecond):
		}
	}
	if err != nil {
		return fmt.Errorf("create database %s from %s: %w", name, tpl, err)
	}
	return nil
}

func retryableClone(err error) bool {
	s := err.Error()
	return strings.Contains(s, "being accessed by other users") || strings.Contains(s, "statement timeout")
}

// WithDatabase swaps the database name in a postgres URL or keyword/value
// connection string.
func WithDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return raw + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}
