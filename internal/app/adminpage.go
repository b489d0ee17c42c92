package app

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"html/template"
	"net/http"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// adminCookie holds proof of the admin token for the emulator's own pages
// (the "Why?" page) that a browser opens from a link and so cannot send an
// Authorization header.
const adminCookie = "altinn_sim_admin"

// adminCookieValue is derived from the token so the cookie never carries
// the token itself.
func adminCookieValue(token string) string {
	sum := sha256.Sum256([]byte("altinn-sim admin page:" + token))
	return hex.EncodeToString(sum[:])
}

// requireAdminPage guards the emulator's browser pages with the admin
// token. It accepts, in order: `Authorization: Bearer <token>` (scripts),
// the cookie set by an earlier login, or `?token=<token>` once, which sets
// that cookie and redirects to the same URL without the token (so it does
// not stay in the address bar or history). Without any of them a browser
// gets a small form asking for the token; other clients a 401 problem.
func requireAdminPage(token string, secure bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if token == "" {
			return next
		}
		want := adminCookieValue(token)
		same := func(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && same(got, token) {
				next.ServeHTTP(w, r)
				return
			}
			q := r.URL.Query()
			if t := q.Get("token"); t != "" && same(t, token) {
				http.SetCookie(w, &http.Cookie{Name: adminCookie, Value: want, Path: "/sim/", HttpOnly: true,
					Secure: secure, SameSite: http.SameSiteLaxMode})
				q.Del("token")
				u := *r.URL
				u.RawQuery = q.Encode()
				http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
				return
			}
			if c, err := r.Cookie(adminCookie); err == nil && same(c.Value, want) && q.Get("token") == "" {
				next.ServeHTTP(w, r)
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="altinn-sim admin pages"`)
			if !strings.Contains(r.Header.Get("Accept"), "text/html") {
				problem.Write(w, r, problem.Unauthorized.WithDetail("this page needs the admin token: Authorization: Bearer <ALTINN_SIM_ADMIN_TOKEN>, or ?token=<ALTINN_SIM_ADMIN_TOKEN> once in a browser"))
				return
			}
			q.Del("token")
			page := adminLogin{Action: r.URL.Path, Wrong: r.URL.Query().Get("token") != ""}
			for k, vs := range q {
				for _, v := range vs {
					page.Fields = append(page.Fields, [2]string{k, v})
				}
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusUnauthorized)
			_ = adminLoginPage.Execute(w, page)
		})
	}
}

type adminLogin struct {
	Action string
	Wrong  bool
	Fields [][2]string
}

var adminLoginPage = template.Must(template.New("admin").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>altinn-sim: admin token</title></head>
<body><main>
<h1>Admin token needed</h1>
<p>This emulator runs with <code>ALTINN_SIM_ADMIN_TOKEN</code>; its own pages need that token.</p>
{{if .Wrong}}<p role="alert">That token is not right.</p>{{end}}
<form method="get" action="{{.Action}}">
{{range .Fields}}<input type="hidden" name="{{index . 0}}" value="{{index . 1}}">
{{end}}<label>Admin token <input type="password" name="token" autocomplete="off" required></label>
<button type="submit">Open</button>
</form>
</main></body></html>
`))
