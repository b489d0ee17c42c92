package registry

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// Scopes of the system register.
const (
	ScopeWrite  = "altinn:authentication/systemregister.write"
	ScopeAdmin  = "altinn:authentication/systemregister.admin"
	ScopePortal = "altinn:portal/enduser"
)

// Routes are the system register's operations. The vendor API needs
// systemregister.write (or .admin); the portal's reads need the end-user
// portal scope.
func (s *Service) Routes() []route.Route {
	const tag = "System register"
	vendor := []string{ScopeWrite, ScopeAdmin}
	portal := []string{ScopePortal}
	return []route.Route{
		{Method: http.MethodPost, Path: "/authentication/api/v1/systemregister/vendor", Guard: route.Bearer, Scopes: vendor, Handler: route.E(s.handleCreate),
			Tag: tag, Summary: "Register a system; answers its internal id", Body: "RegisterSystem"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemregister/vendor", Guard: route.Bearer, Scopes: vendor, Handler: route.E(s.handleVendorList),
			Tag: tag, Summary: "The calling vendor's systems"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemregister/vendor/{systemId}", Guard: route.Bearer, Scopes: vendor, Handler: route.E(s.handleVendorGet),
			Tag: tag, Summary: "One of the vendor's systems (ETag carries its version)", OKSchema: "RegisterSystem"},
		{Method: http.MethodPut, Path: "/authentication/api/v1/systemregister/vendor/{systemId}", Guard: route.Bearer, Scopes: vendor, Handler: route.E(s.handleUpdate),
			Tag: tag, Summary: "Replace a system (If-Match optional; 412 when stale)", Body: "RegisterSystem"},
		{Method: http.MethodPut, Path: "/authentication/api/v1/systemregister/vendor/{systemId}/rights", Guard: route.Bearer, Scopes: vendor, Handler: route.E(s.handleUpdateRights),
			Tag: tag, Summary: "Replace a system's rights", Body: "Rights"},
		{Method: http.MethodPut, Path: "/authentication/api/v1/systemregister/vendor/{systemId}/accesspackages", Guard: route.Bearer, Scopes: vendor, Handler: route.E(s.handleUpdatePackages),
			Tag: tag, Summary: "Replace a system's access packages", Body: "AccessPackageRefs"},
		{Method: http.MethodDelete, Path: "/authentication/api/v1/systemregister/vendor/{systemId}", Guard: route.Bearer, Scopes: vendor, Handler: route.E(s.handleDelete),
			Tag: tag, Summary: "Delete a system (soft; frees its client ids)"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemregister/vendor/{systemId}/changelog", Guard: route.Bearer, Scopes: vendor, Handler: route.E(s.handleChangeLog),
			Tag: tag, Summary: "A system's change log"},
		// trimPlatformSlash serves ".../systemregister/" here too.
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemregister", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handlePublicList),
			Tag: tag, Summary: "Visible systems (portal)"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemregister/{systemId}", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handlePublicGet),
			Tag: tag, Summary: "A system (portal)"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemregister/{systemId}/rights", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handlePublicRights),
			Query: []route.Param{route.Q("useOldFormatForApp", "true: app rights in the old format (org/app as two attributes)")}, Tag: tag, Summary: "A system's rights (portal)", OKSchema: "Rights"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemregister/{systemId}/accesspackages", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handlePublicPackages),
			Tag: tag, Summary: "A system's access packages (portal)", OKSchema: "AccessPackageRefs"},
	}
}

func actor(r *http.Request) Actor {
	c, _ := auth.CallerFrom(r.Context())
	return Actor{OrgNo: c.ConsumerOrgNo, Admin: c.HasScope(ScopeAdmin), ClientID: c.ClientID}
}

func (s *Service) handleVendorList(w http.ResponseWriter, r *http.Request) error {
	a := actor(r)
	if a.OrgNo == "" {
		return ErrForbidden.WithDetail("the token has no consumer organisation")
	}
	systems, err := s.ForVendor(r.Context(), a.OrgNo)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, dtos(systems))
	return nil
}

func (s *Service) handleVendorGet(w http.ResponseWriter, r *http.Request) error {
	sys, err := s.VendorSystem(r.Context(), actor(r), chi.URLParam(r, "systemId"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", ETag(sys))
	respond.JSON(w, http.StatusOK, sys)
	return nil
}

// handleCreate answers 200 with the new internal id as a bare JSON
// string, as the platform does.
func (s *Service) handleCreate(w http.ResponseWriter, r *http.Request) error {
	req := NewRegisterRequest()
	if p := problem.DecodeJSON(w, r, &req); p != nil {
		return p
	}
	id, err := s.Create(r.Context(), actor(r), req)
	if err != nil {
		return err
	}
	if sys, err := s.System(r.Context(), strings.TrimSpace(req.ID)); err == nil {
		w.Header().Set("ETag", ETag(sys))
	}
	respond.JSON(w, http.StatusOK, id.String())
	return nil
}

func (s *Service) handleUpdate(w http.ResponseWriter, r *http.Request) error {
	req := NewRegisterRequest()
	if p := problem.DecodeJSON(w, r, &req); p != nil {
		return p
	}
	return s.answerUpdate(w, r, s.Update(r.Context(), actor(r), chi.URLParam(r, "systemId"), req, r.Header.Get("If-Match")))
}

func (s *Service) handleUpdateRights(w http.ResponseWriter, r *http.Request) error {
	var rights []Right
	if p := problem.DecodeJSON(w, r, &rights); p != nil {
		return p
	}
	return s.answerUpdate(w, r, s.UpdateRights(r.Context(), actor(r), chi.URLParam(r, "systemId"), rights, r.Header.Get("If-Match")))
}

func (s *Service) handleUpdatePackages(w http.ResponseWriter, r *http.Request) error {
	var pkgs []AccessPackageRef
	if p := problem.DecodeJSON(w, r, &pkgs); p != nil {
		return p
	}
	return s.answerUpdate(w, r, s.UpdateAccessPackages(r.Context(), actor(r), chi.URLParam(r, "systemId"), pkgs, r.Header.Get("If-Match")))
}

func (s *Service) answerUpdate(w http.ResponseWriter, r *http.Request, err error) error {
	if err != nil {
		return err
	}
	if sys, err := s.SystemAny(r.Context(), chi.URLParam(r, "systemId")); err == nil {
		w.Header().Set("ETag", ETag(sys))
	}
	respond.JSON(w, http.StatusOK, UpdateResult{Succeeded: true})
	return nil
}

func (s *Service) handleDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.Delete(r.Context(), actor(r), chi.URLParam(r, "systemId")); err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, UpdateResult{Succeeded: true})
	return nil
}

func (s *Service) handleChangeLog(w http.ResponseWriter, r *http.Request) error {
	log, err := s.ChangeLog(r.Context(), actor(r), chi.URLParam(r, "systemId"))
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, nonNil(log))
	return nil
}

func (s *Service) handlePublicList(w http.ResponseWriter, r *http.Request) error {
	systems, err := s.Visible(r.Context())
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, dtos(systems))
	return nil
}

// handlePublicGet is not filtered on deleted, as on the platform.
func (s *Service) handlePublicGet(w http.ResponseWriter, r *http.Request) error {
	sys, err := s.SystemAny(r.Context(), chi.URLParam(r, "systemId"))
	if errors.Is(err, dberr.ErrNotFound) {
		return ErrSystemNotFound.New()
	}
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, sys.DTO())
	return nil
}

// handlePublicRights answers [] for an unknown system, as the platform
// does. ?useOldFormatForApp=true turns app_<org>_<app> resources into the
// urn:altinn:org / urn:altinn:app pair.
func (s *Service) handlePublicRights(w http.ResponseWriter, r *http.Request) error {
	sys, err := s.SystemAny(r.Context(), chi.URLParam(r, "systemId"))
	if errors.Is(err, dberr.ErrNotFound) {
		respond.JSON(w, http.StatusOK, []Right{})
		return nil
	}
	if err != nil {
		return err
	}
	rights := nonNil(sys.Rights)
	if strings.EqualFold(r.URL.Query().Get("useOldFormatForApp"), "true") {
		rights = OldAppFormat(rights)
	}
	respond.JSON(w, http.StatusOK, rights)
	return nil
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

func (s *Service) handlePublicPackages(w http.ResponseWriter, r *http.Request) error {
	sys, err := s.SystemAny(r.Context(), chi.URLParam(r, "systemId"))
	if errors.Is(err, dberr.ErrNotFound) {
		respond.JSON(w, http.StatusOK, []AccessPackageRef{})
		return nil
	}
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, nonNil(sys.AccessPackages))
	return nil
}
