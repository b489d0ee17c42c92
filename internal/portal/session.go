package portal

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
)

// CookieName is the session cookie.
const CookieName = "altinn_sim_session"

// LoginCSRFCookie carries the login form's CSRF token for a visitor who has
// no session yet (double-submit: the form must echo the cookie). Anonymous
// visitors thus cost no database row; a session is stored only at login.
const LoginCSRFCookie = "altinn_sim_login_csrf"

const (
	// A logged-in session lasts a working day, like a portal login.
	sessionLifetime = 12 * time.Hour
	// The login form's CSRF cookie (LoginCSRFCookie) lasts as long.
	anonLifetime = 2 * time.Hour
)

// session is one browser's session: anonymous (PID empty) or logged in.
type session struct {
	token   string // the cookie value; never stored
	PID     string
	CSRF    string
	Expires time.Time
}

// sessions keeps sessions in the portal_sessions table.
type sessions struct {
	pool   *pgxpool.Pool
	clock  clock.Clock
	secure bool // set the Secure flag (public URL is https)
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // cannot happen on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// load returns the live session the request's cookie names, or ok=false.
func (s *sessions) load(ctx context.Context, r *http.Request) (session, bool, error) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return session{}, false, nil
	}
	var ss session
	var pid *string
	err = s.pool.QueryRow(ctx, `SELECT pid, csrf, expires FROM portal_sessions
		WHERE token_hash = $1 AND expires > $2`, hashToken(c.Value), s.clock.Now()).Scan(&pid, &ss.CSRF, &ss.Expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return session{}, false, nil
	}
	if err != nil {
		return session{}, false, fmt.Errorf("load session: %w", db.Map(err))
	}
	ss.token = c.Value
	if pid != nil {
		ss.PID = *pid
	}
	return ss, true, nil
}

// create stores a new session for pid ("" for anonymous), replacing the
// one named by old (so a login never keeps a token an attacker could have
// planted), and sets the cookie.
func (s *sessions) create(ctx context.Context, w http.ResponseWriter, old *session, pid string) (session, error) {
	now := s.clock.Now()
	life := anonLifetime
	if pid != "" {
		life = sessionLifetime
	}
	ss := session{token: randomToken(), PID: pid, CSRF: randomToken(), Expires: now.Add(life)}
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		// Expired rows are purged here rather than by a background job:
		// every login pays a little, and the table never grows unbounded.
		if _, err := q.Exec(ctx, `DELETE FROM portal_sessions WHERE expires <= $1`, now); err != nil {
			return err
		}
		if old != nil && old.token != "" {
			if _, err := q.Exec(ctx, `DELETE FROM portal_sessions WHERE token_hash = $1`, hashToken(old.token)); err != nil {
				return err
			}
		}
		var pidArg any
		if pid != "" {
			pidArg = pid
		}
		_, err := q.Exec(ctx, `INSERT INTO portal_sessions (token_hash, pid, csrf, created, expires)
			VALUES ($1, $2, $3, $4, $5)`, hashToken(ss.token), pidArg, ss.CSRF, now, ss.Expires)
		return err
	})
	if err != nil {
		return session{}, fmt.Errorf("create session: %w", db.Map(err))
	}
	s.setCookie(w, ss.token, life)
	return ss, nil
}

// destroy deletes the session and clears the cookie.
func (s *sessions) destroy(ctx context.Context, w http.ResponseWriter, ss session) error {
	if ss.token != "" {
		if _, err := s.pool.Exec(ctx, `DELETE FROM portal_sessions WHERE token_hash = $1`, hashToken(ss.token)); err != nil {
			return fmt.Errorf("delete session: %w", db.Map(err))
		}
	}
	s.setCookie(w, "", -1)
	return nil
}

func (s *sessions) setCookie(w http.ResponseWriter, value string, life time.Duration) {
	c := &http.Cookie{
		Name:     CookieName,
		Value:    value,
		Path:     "/",
		HttpOnly: true,
		Secure:   s.secure,
		// Lax, not Strict: the vendor sends the person here from its own
		// site, and a Strict cookie would not come along on that first
		// navigation, so a logged-in person would look logged out. POSTs
		// from other sites still carry no cookie, and forms carry a
		// CSRF token besides.
		SameSite: http.SameSiteLaxMode,
	}
	if life < 0 {
		c.MaxAge = -1
	} else {
		c.MaxAge = int(life / time.Second)
	}
	http.SetCookie(w, c)
}

// loginCSRF returns the login form's token for a visitor without a
// session: the one its cookie already carries, or a new one set in the
// cookie.
func (s *sessions) loginCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(LoginCSRFCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	tok := randomToken()
	http.SetCookie(w, &http.Cookie{Name: LoginCSRFCookie, Value: tok, Path: "/portal/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteStrictMode, MaxAge: int(anonLifetime / time.Second)})
	return tok
}

// dropLoginCSRF clears the login form's cookie once a session exists.
func (s *sessions) dropLoginCSRF(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: LoginCSRFCookie, Value: "", Path: "/portal/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
}

// validLoginCSRF checks the form's token against the login cookie in
// constant time.
func validLoginCSRF(r *http.Request, formToken string) bool {
	c, err := r.Cookie(LoginCSRFCookie)
	return err == nil && c.Value != "" && formToken != "" &&
		subtle.ConstantTimeCompare([]byte(c.Value), []byte(formToken)) == 1
}

// validCSRF compares the form's token with the session's in constant time.
func validCSRF(ss session, formToken string) bool {
	return ss.CSRF != "" && formToken != "" &&
		subtle.ConstantTimeCompare([]byte(ss.CSRF), []byte(formToken)) == 1
}

// Visitor is who a request's session cookie names, for pages outside the
// portal that share its test login (the onboarding pages): the logged-in
// person's pid ("" when nobody is logged in) and the session's CSRF token
// (every form of those pages carries it, as the portal's do).
func (s *Service) Visitor(r *http.Request) (pid, csrf string, err error) {
	ss, ok, err := s.sessions.load(r.Context(), r)
	if err != nil || !ok {
		return "", "", err
	}
	return ss.PID, ss.CSRF, nil
}
