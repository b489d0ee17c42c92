package systemusers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
)

// ScopeSystemUserAdmin is the scope of the internal reads the platform's
// other services make (InternalOrPlatformAccess).
const ScopeSystemUserAdmin = "altinn:authentication/systemuser.admin"

// RegisterDTO is SystemUserRegisterDTO, what Register reads.
type RegisterDTO struct {
	ID               string    `json:"id"`
	PartyOrgNo       string    `json:"partyOrgNo"`
	PartyID          string    `json:"partyId"`
	IntegrationTitle string    `json:"integrationTitle"`
	IsDeleted        bool      `json:"isDeleted"`
	LastChanged      time.Time `json:"lastChanged"`
	Created          time.Time `json:"created"`
	SequenceNo       int64     `json:"sequenceNo"`
	SystemUserType   string    `json:"systemUserType"`
}

// Register renders su as SystemUserRegisterDTO.
func Register(su SystemUser) RegisterDTO {
	return RegisterDTO{ID: su.ID.String(), PartyOrgNo: su.ReporteeOrgNo, PartyID: strconv.FormatInt(su.PartyID, 10),
		IntegrationTitle: su.IntegrationTitle, IsDeleted: su.IsDeleted, LastChanged: su.LastChanged, Created: su.Created,
		SequenceNo: su.SequenceNo, SystemUserType: su.UserType}
}

// StreamStats is ItemStreamStats: the first and last sequence number of
// the page, and the highest there is.
type StreamStats struct {
	PageStart   int64 `json:"pageStart"`
	PageEnd     int64 `json:"pageEnd"`
	SequenceMax int64 `json:"sequenceMax"`
}

// ItemStream is the platform's ItemStream<T>: a paginated list with stats.
type ItemStream[T any] struct {
	Links Links       `json:"links"`
	Stats StreamStats `json:"stats"`
	Data  []T         `json:"data"`
}

// handleStream is GET /systemuser/internal/systemusers/stream?token=: a
// page of the change feed. links.next is set whenever the page has items
// (its token the last item's sequence number, exclusive), so a reader
// follows it until a page comes back empty; stats of an empty page are
// all the highest sequence number.
func (s *Service) handleStream(w http.ResponseWriter, r *http.Request) error {
	var from int64
	if t := r.URL.Query().Get("token"); t != "" {
		if err := DecodeToken(t, &from); err != nil {
			return modelStateError("token", notValid(t))
		}
	}
	list, max, err := s.Stream(r.Context(), from)
	if err != nil {
		return err
	}
	out := ItemStream[RegisterDTO]{Data: make([]RegisterDTO, 0, len(list)), Stats: StreamStats{max, max, max}}
	for _, su := range list {
		out.Data = append(out.Data, Register(su))
	}
	if n := len(list); n > 0 {
		out.Stats.PageStart, out.Stats.PageEnd = list[0].SequenceNo, list[n-1].SequenceNo
		out.Links.Next = NextLink(r, EncodeToken(list[n-1].SequenceNo))
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

// handleRegisterGet is GET /systemuser/internal/systemusers/{id}: a live
// system user as Register reads it; a deleted or unknown one is 410 Gone.
func (s *Service) handleRegisterGet(w http.ResponseWriter, r *http.Request) error {
	id, err := uuid.Parse(chi.URLParam(r, "id"))
	if err != nil {
		// The platform's route has {id:guid}: anything else matches no route.
		return problem.NotFound.WithDetail("no endpoint at %s %s", r.Method, r.URL.Path)
	}
	su, err := s.Get(r.Context(), id)
	if errors.Is(err, dberr.ErrNotFound) {
		return &problem.Problem{Status: http.StatusGone, Detail: fmt.Sprintf("no live system user %s", id)}
	}
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, Register(su))
	return nil
}

// modelStateError is ASP.NET's ValidationProblem for one bad parameter.
func modelStateError(key, msg string) *problem.Problem {
	return modelState(map[string][]string{key: {msg}})
}

// modelState is ASP.NET's ValidationProblem(ModelState): the errors by
// parameter (or "return") under "errors".
func modelState(errs map[string][]string) *problem.Problem {
	return &problem.Problem{
		Type:       "https://tools.ietf.org/html/rfc9110#section-15.5.1",
		Title:      "One or more validation errors occurred.",
		Status:     http.StatusBadRequest,
		Extensions: map[string]any{"errors": errs},
	}
}

// notValid is model binding's message for a value it cannot convert.
func notValid(v string) string { return fmt.Sprintf("The value '%s' is not valid.", v) }
