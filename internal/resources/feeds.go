package resources

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

// WithClock sets the clock the feeds' timestamps come from (the system
// clock until set); app passes the emulator's clock.
func (s *Service) WithClock(c clock.Clock) *Service {
	s.clock = c
	return s
}

// now is the clock's time at PostgreSQL's precision, so a timestamp a
// client reads back compares equal to the stored one.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// Change is one entry of GET /resource/changes.
type Change struct {
	ResourceID string    `json:"resourceId"`
	ChangedAt  time.Time `json:"changedAt"`
	// ID orders the feed; clients see it only inside the opaque token.
	ID int64 `json:"-"`
}

// UpdatedSubject is one entry of GET /resource/updated: a resource/subject
// pair that appeared, came back or went away (Deleted) at UpdatedAt.
type UpdatedSubject struct {
	SubjectURN  string    `json:"subjectUrn"`
	ResourceURN string    `json:"resourceUrn"`
	UpdatedAt   time.Time `json:"updatedAt"`
	Deleted     bool      `json:"deleted"`
}

// SubjectResources is one entry of POST /resource/bysubjects: a subject and
// every resource whose policy names it.
type SubjectResources struct {
	Subject   AttributeMatchV2   `json:"subject"`
	Resources []AttributeMatchV2 `json:"resources"`
}

// pair is one live resource/subject row.
type pair struct {
	Resource AttributeMatchV2
	Subject  AttributeMatchV2
}

// MaxFeedPage is the largest page either feed serves (and its default).
const MaxFeedPage = 1000

// syncSubjects makes the stored pairs of a resource those of subs, as the
// registry's SetResourceSubjects does: pairs no longer named are marked
// gone at now, new ones added (or brought back) at now, the rest keep
// their time.
func syncSubjects(ctx context.Context, q db.Querier, resourceID string, subs []AttributeMatchV2, now time.Time) error {
	urn := AttrResource + ":" + resourceID
	existing, err := liveSubjects(ctx, q, urn)
	if err != nil {
		return err
	}
	var gone []string
	for _, e := range existing {
		if !slices.ContainsFunc(subs, func(s AttributeMatchV2) bool { return s.URN == e }) {
			gone = append(gone, e)
		}
	}
	if len(gone) > 0 {
		if err := dropSubjects(ctx, q, urn, gone, now); err != nil {
			return err
		}
	}
	fresh := slices.DeleteFunc(slices.Clone(subs), func(s AttributeMatchV2) bool { return slices.Contains(existing, s.URN) })
	return addSubjects(ctx, q, resourceID, fresh, now)
}

// PolicySubjectsOf lists the subjects the resource's policy names now
// (GET /resource/{id}/policy/subjects); dberr.ErrNotFound when none, as the
// registry answers 404 for an unknown resource and for a policy that names
// no subject alike.
func (s *Service) PolicySubjectsOf(ctx context.Context, resourceID string) ([]AttributeMatchV2, error) {
	pairs, err := livePairs(ctx, s.pool, "resource_urn", []string{AttrResource + ":" + resourceID})
	if err != nil {
		return nil, err
	}
	if len(pairs) == 0 {
		return nil, fmt.Errorf("subjects of %q: %w", resourceID, dberr.ErrNotFound)
	}
	out := make([]AttributeMatchV2, len(pairs))
	for i, p := range pairs {
		out[i] = p.Subject
	}
	return out, nil
}

// ResourcesForSubjects answers POST /resource/bysubjects: for each subject
// URN given (matched exactly, as stored: lower-case values), the resources
// whose policy names it. Subjects no policy names are left out.
func (s *Service) ResourcesForSubjects(ctx context.Context, subjects []string) ([]SubjectResources, error) {
	pairs, err := livePairs(ctx, s.pool, "subject_urn", subjects)
	if err != nil {
		return nil, err
	}
	return groupBySubject(pairs), nil
}

// groupBySubject folds pairs into one entry per subject, subjects in the
// order they first appear (as the registry's dictionary does).
func groupBySubject(pairs []pair) []SubjectResources {
	out := []SubjectResources{}
	index := map[string]int{}
	for _, p := range pairs {
		if i, ok := index[p.Subject.URN]; ok {
			out[i].Resources = append(out[i].Resources, p.Resource)
			continue
		}
		index[p.Subject.URN] = len(out)
		out = append(out, SubjectResources{Subject: p.Subject, Resources: []AttributeMatchV2{p.Resource}})
	}
	return out
}

// UpdatedPage is one page of GET /resource/updated. More is set when a
// further page exists; it starts at the last item.
type UpdatedPage struct {
	Items []UpdatedSubject
	More  bool
}

// UpdatedSubjects reads up to limit pairs changed at or after since, in
// (time, resource URN, subject URN) order; after, when set, is the last
// pair of the previous page (at exactly since) to continue past.
func (s *Service) UpdatedSubjects(ctx context.Context, since time.Time, after *UpdatedSubject, limit int) (UpdatedPage, error) {
	var resURN, subURN string
	if after != nil {
		resURN, subURN = after.ResourceURN, after.SubjectURN
	}
	items, err := updatedPairs(ctx, s.pool, since, resURN, subURN, limit+1)
	if err != nil {
		return UpdatedPage{}, err
	}
	if len(items) > limit {
		return UpdatedPage{Items: items[:limit], More: true}, nil
	}
	return UpdatedPage{Items: items}, nil
}

// ChangesPage is one page of GET /resource/changes.
type ChangesPage struct {
	Items []Change
	More  bool
}

// Changes reads up to limit resources changed after change number after,
// each once at its latest change; only resources that have had a policy
// uploaded are listed, as on the platform.
func (s *Service) Changes(ctx context.Context, after int64, limit int) (ChangesPage, error) {
	items, err := listChanges(ctx, s.pool, after, limit+1)
	if err != nil {
		return ChangesPage{}, err
	}
	if len(items) > limit {
		return ChangesPage{Items: items[:limit], More: true}, nil
	}
	return ChangesPage{Items: items}, nil
}
