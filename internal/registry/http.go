package registry

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// Scopes (spec §0).
const (
	ScopeWrite  = "altinn:authentication/systemregister.write"
	ScopeAdmin  = "altinn:authentication/systemregister.admin"
	ScopePortal = "altinn:portal/enduser"
)

// Routes serves /authentication/api/v1/systemregister. v may be nil in
// tests that put the caller in the context themselves.
func (s *Service) Routes(v auth.Verifier) chi.Router {
	r := chi.NewRouter()
	if v != nil {
		r.Use(auth.Authenticate(v))
	}
	r.Group(func(r chi.Router) {
		r.Use(auth.RequireScope(ScopeWrite, ScopeAdmin))
		r.Get("/vendor", s.handleVendorList)
		r.Post("/vendor", s.handleCreate)
		r.Get("/vendor/{systemId}", s.handleVendorGet)
		r.Put("/vendor/{systemId}", s.handleUpdate)
		r.Put("/vendor/{systemId}/rights", s.handleUpdateRights)
		r.Put("/vendor/{systemId}/accesspackages", s.handleUpdatePackages)
		r.Delete("/vendor/{systemId}", s.handleDelete)
		r.Get("/vendor/{systemId}/changelog", s.handleChangeLog)
	})
	r.Group(func(r chi.Router) {
		r.Use(auth.RequireScope(ScopePortal))
		r.Get("/", s.handlePublicList)
		r.Get("/{systemId}", s.handlePublicGet)
		r.Get("/{systemId}/rights", s.handlePublicRights)
		r.Get("/{systemId}/accesspackages", s.handlePublicPackages)
	})
	return r
}

func actor(r *http.Request) Actor {
	c, _ := auth.CallerFrom(r.Context())
	return Actor{OrgNo: c.ConsumerOrgNo, Admin: c.HasScope(ScopeAdmin), ClientID: c.ClientID}
}

func (s *Service) handleVendorList(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	if a.OrgNo == "" {
		problem.Write(w, r, ErrForbidden.WithDetail("the token has no consumer organisation"))
		return
	}
	systems, err := s.ForVendor(r.Context(), a.OrgNo)
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	problem.WriteJSON(w, http.StatusOK, dtos(systems))
}

func (s *Service) handleVendorGet(w http.ResponseWriter, r *http.Request) {
	sys, err := s.VendorSystem(r.Context(), actor(r), chi.URLParam(r, "systemId"))
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	w.Header().Set("ETag", ETag(sys))
	problem.WriteJSON(w, http.StatusOK, sys)
}

// handleCreate answers 200 with the new internal id as a bare JSON
// string, as the platform does.
func (s *Service) handleCreate(w http.ResponseWriter, r *http.Request) {
	req := NewRegisterRequest()
	if p := problem.DecodeJSON(w, r, &req); p != nil {
		problem.Write(w, r, p)
		return
	}
	id, err := s.Create(r.Context(), actor(r), req)
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	if sys, err := s.System(r.Context(), strings.TrimSpace(req.ID)); err == nil {
		w.Header().Set("ETag", ETag(sys))
	}
	problem.WriteJSON(w, http.StatusOK, id.String())
}

func (s *Service) handleUpdate(w http.ResponseWriter, r *http.Request) {
	req := NewRegisterRequest()
	if p := problem.DecodeJSON(w, r, &req); p != nil {
		problem.Write(w, r, p)
		return
	}
	s.answerUpdate(w, r, s.Update(r.Context(), actor(r), chi.URLParam(r, "systemId"), req, r.Header.Get("If-Match")))
}

func (s *Service) handleUpdateRights(w http.ResponseWriter, r *http.Request) {
	var rights []Right
	if p := problem.DecodeJSON(w, r, &rights); p != nil {
		problem.Write(w, r, p)
		return
	}
	s.answerUpdate(w, r, s.UpdateRights(r.Context(), actor(r), chi.URLParam(r, "systemId"), rights, r.Header.Get("If-Match")))
}

func (s *Service) handleUpdatePackages(w http.ResponseWriter, r *http.Request) {
	var pkgs []AccessPackageRef
	if p := problem.DecodeJSON(w, r, &pkgs); p != nil {
		problem.Write(w, r, p)
		return
	}
	s.answerUpdate(w, r, s.UpdateAccessPackages(r.Context(), actor(r), chi.URLParam(r, "systemId"), pkgs, r.Header.Get("If-Match")))
}

func (s *Service) answerUpdate(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	if sys, err := s.SystemAny(r.Context(), chi.URLParam(r, "systemId")); err == nil {
		w.Header().Set("ETag", ETag(sys))
	}
	problem.WriteJSON(w, http.StatusOK, UpdateResult{Succeeded: true})
}

func (s *Service) handleDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Delete(r.Context(), actor(r), chi.URLParam(r, "systemId")); err != nil {
		problem.Error(w, r, err)
		return
	}
	problem.WriteJSON(w, http.StatusOK, UpdateResult{Succeeded: true})
}

func (s *Service) handleChangeLog(w http.ResponseWriter, r *http.Request) {
	log, err := s.ChangeLog(r.Context(), actor(r), chi.URLParam(r, "systemId"))
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	problem.WriteJSON(w, http.StatusOK, nonNil(log))
}

func (s *Service) handlePublicList(w http.ResponseWriter, r *http.Request) {
	systems, err := s.Visible(r.Context())
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	problem.WriteJSON(w, http.StatusOK, dtos(systems))
}

// handlePublicGet is not filtered on deleted, as on the platform.
func (s *Service) handlePublicGet(w http.ResponseWriter, r *http.Request) {
	sys, err := s.SystemAny(r.Context(), chi.URLParam(r, "systemId"))
	if errors.Is(err, db.ErrNotFound) {
		problem.Write(w, r, ErrSystemNotFound.New())
		return
	}
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	problem.WriteJSON(w, http.StatusOK, sys.DTO())
}

// handlePublicRights answers [] for an unknown system, as the platform
// does. ?useOldFormatForApp=true turns app_<org>_<app> resources into the
// urn:altinn:org / urn:altinn:app pair.
func (s *Service) handlePublicRights(w http.ResponseWriter, r *http.Request) {
	sys, err := s.SystemAny(r.Context(), chi.URLParam(r, "systemId"))
	if errors.Is(err, db.ErrNotFound) {
		problem.WriteJSON(w, http.StatusOK, []Right{})
		return
	}
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	rights := nonNil(sys.Rights)
	if strings.EqualFold(r.URL.Query().Get("useOldFormatForApp"), "true") {
		rights = OldAppFormat(rights)
	}
	problem.WriteJSON(w, http.StatusOK, rights)
}

// OldAppFormat rewrites app rights (urn:altinn:resource=app_<org>_<app>)
// as the org/app attribute pair older clients expect.
func OldAppFormat(rights []Right) []Right {
	out := make([]Right, 0, len(rights))
	for _, rt := range rights {
		n := Right{Action: rt.Action}
		for _, ap := range rt.Resource {
			if ap.ID == "urn:altinn:resource" && strings.HasPrefix(ap.Value, "app_") {
				parts := strings.SplitN(ap.Value, "_", 3)
				if len(parts) == 3 {
					n.Resource = append(n.Resource, AttributePair{ID: "urn:altinn:org", Value: parts[1]}, AttributePair{ID: "urn:altinn:app", Value: parts[2]})
					continue
				}
			}
			n.Resource = append(n.Resource, ap)
		}
		out = append(out, n)
	}
	return out
}

func (s *Service) handlePublicPackages(w http.ResponseWriter, r *http.Request) {
	sys, err := s.SystemAny(r.Context(), chi.URLParam(r, "systemId"))
	if errors.Is(err, db.ErrNotFound) {
		problem.WriteJSON(w, http.StatusOK, []AccessPackageRef{})
		return
	}
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	problem.WriteJSON(w, http.StatusOK, nonNil(sys.AccessPackages))
}
