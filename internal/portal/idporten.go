package portal

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/pageset"
)

// Login is ID-porten as the portal uses it: where to send a browser to
// log in, and who logged in, from the code its callback gets.
type Login interface {
	PortalAuthorizeURL(state, verifier, lang string) string
	PortalLogin(ctx context.Context, code, verifier string) (pid string, err error)
}

// LoginFlowCookie keeps, between /portal/login and its callback, the
// state, the PKCE verifier and where to go afterwards.
const LoginFlowCookie = "altinn_sim_login_flow"

const loginFlowLifetime = 30 * time.Minute

// startIDPortenLogin sends the browser to ID-porten to log in, and back
// to next afterwards.
func (s *Service) startIDPortenLogin(w http.ResponseWriter, r *http.Request, next string) error {
	state, verifier := randomToken(), randomToken()+randomToken()[:10]
	http.SetCookie(w, &http.Cookie{Name: LoginFlowCookie, Path: "/portal/login", HttpOnly: true, Secure: s.sessions.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(loginFlowLifetime / time.Second),
		Value: state + "." + verifier + "." + base64.RawURLEncoding.EncodeToString([]byte(next))})
	http.Redirect(w, r, s.idporten.PortalAuthorizeURL(state, verifier, rcOf(r).lang), http.StatusSeeOther)
	return nil
}

// loginCallback is GET /portal/login/callback: ID-porten's answer. The
// state must be this browser's; the code gives the person, who gets a
// session as with the test login.
func (s *Service) loginCallback(w http.ResponseWriter, r *http.Request) error {
	if s.idporten == nil {
		return pageset.Errorf(http.StatusNotFound, "error.notFound")
	}
	rc := rcOf(r)
	q := r.URL.Query()
	c, err := r.Cookie(LoginFlowCookie)
	parts := []string{}
	if err == nil {
		parts = strings.Split(c.Value, ".")
	}
	if len(parts) != 3 || q.Get("state") == "" || q.Get("state") != parts[0] {
		return pageset.Errorf(http.StatusBadRequest, "login.badState")
	}
	http.SetCookie(w, &http.Cookie{Name: LoginFlowCookie, Path: "/portal/login", HttpOnly: true, Secure: s.sessions.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	if q.Get("error") != "" {
		return pageset.Errorf(http.StatusBadRequest, "login.cancelled")
	}
	pid, err := s.idporten.PortalLogin(r.Context(), q.Get("code"), parts[1])
	if err != nil {
		s.log.InfoContext(r.Context(), "portal: ID-porten login refused", "err", err)
		return pageset.Errorf(http.StatusBadRequest, "login.failed")
	}
	if _, err := s.parties.Person(r.Context(), pid); err != nil {
		if isNotFound(err) {
			return pageset.Errorf(http.StatusBadRequest, "login.unknown", pid)
		}
		return err
	}
	next := "/portal/"
	if b, err := base64.RawURLEncoding.DecodeString(parts[2]); err == nil {
		next = safeNext(string(b))
	}
	old := rc.sess
	if _, err := s.sessions.create(r.Context(), w, &old, pid); err != nil {
		return err
	}
	s.sessions.dropLoginCSRF(w)
	return seeOther(w, r, next)
}
