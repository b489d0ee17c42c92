// Package respond writes success bodies: JSON in the shape ASP.NET sends
// it. Error bodies (ProblemDetails) are package problem's job.
package respond

import (
	"encoding/json"
	"net/http"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// JSON answers status with v as a JSON body (application/json;
// charset=utf-8). The body has no trailing newline: ASP.NET's
// System.Text.Json writes none, and clients that compare bodies byte for
// byte (or hash them) would see ours differ.
func JSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only a programming error (an unmarshalable type) gets here.
		problem.Write(w, nil, &problem.Problem{Code: problem.Internal.Code, Status: problem.Internal.Status, Title: problem.Internal.Title, Err: err})
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Origin is scheme://host of the request as its client addressed it,
// honouring X-Forwarded-Proto and X-Forwarded-Host as ASP.NET's forwarded
// headers do: the platform's next links (Url.Link) are absolute, and a
// client behind a proxy or in a container must get links it can follow.
func Origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		scheme = p
	}
	host := r.Host
	if h := r.Header.Get("X-Forwarded-Host"); h != "" {
		host = h
	}
	return scheme + "://" + host
}
