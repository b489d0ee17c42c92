package testca

import (
	"net/http"

	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// Routes are the control API's certificates, guarded by the admin token.
func (s *Service) Routes() []route.Route {
	const tag = "Emulator control"
	return []route.Route{
		{Method: "POST", Path: "/sim/api/v1/certificates", Guard: route.Admin, Handler: route.E(s.handleIssue),
			Tag: tag, Summary: "Issue a test enterprise certificate (virksomhetssertifikat) for an organisation over a public key", Body: "CertificateRequest", OK: http.StatusCreated, OKSchema: "Certificate"},
		{Method: "GET", Path: "/sim/api/v1/certificates/ca.pem", Guard: route.Admin, Handler: route.E(s.handleCA),
			Tag: tag, Summary: "The test CA's certificate (PEM): /token trusts certificate chains that end at it"},
	}
}

func (s *Service) handleIssue(w http.ResponseWriter, r *http.Request) error {
	var in IssueRequest
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return p
	}
	out, err := s.Issue(in)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusCreated, out)
	return nil
}

func (s *Service) handleCA(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "application/x-pem-file")
	_, _ = w.Write(s.ca.CertPEM())
	return nil
}
