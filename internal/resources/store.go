package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

func scanResource(row pgx.Row) (Resource, error) {
	var (
		body []byte
		vid  int
	)
	if err := row.Scan(&body, &vid); err != nil {
		return Resource{}, db.Map(err)
	}
	var r Resource
	if err := json.Unmarshal(body, &r); err != nil {
		return Resource{}, fmt.Errorf("decode stored resource: %w", err)
	}
	r.VersionID = vid
	return r, nil
}

func getResource(ctx context.Context, q db.Querier, id string) (Resource, error) {
	r, err := scanResource(q.QueryRow(ctx, `SELECT body, version_id FROM resources WHERE id = $1`, id))
	if err != nil {
		return r, fmt.Errorf("resource %q: %w", id, err)
	}
	return r, nil
}

func listResources(ctx context.Context, q db.Querier) ([]Resource, error) {
	rows, err := q.Query(ctx, `SELECT body, version_id FROM resources ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list resources: %w", db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Resource, error) { return scanResource(r) })
	if err != nil {
		return nil, fmt.Errorf("list resources: %w", err)
	}
	return out, nil
}

// insertResource stores a new resource; a taken id is dberr.ErrConflict.
func insertResource(ctx context.Context, q db.Querier, r Resource) error {
	body, err := json.Marshal(r)
	if err != nil {
		return err
	}
	owner := ""
	if r.HasCompetentAuthority != nil {
		owner = r.HasCompetentAuthority.Organization
	}
	_, err = q.Exec(ctx, `INSERT INTO resources (id, resource_type, owner_org_no, body) VALUES ($1, $2, nullif($3, ''), $4)`,
		r.Identifier, r.ResourceType, owner, body)
	if err != nil {
		return fmt.Errorf("insert resource %q: %w", r.Identifier, db.Map(err))
	}
	return nil
}

// updateResource replaces a resource and bumps its version.
func updateResource(ctx context.Context, q db.Querier, r Resource) (int, error) {
	body, err := json.Marshal(r)
	if err != nil {
		return 0, err
	}
	owner := ""
	if r.HasCompetentAuthority != nil {
		owner = r.HasCompetentAuthority.Organization
	}
	var v int
	err = q.QueryRow(ctx, `UPDATE resources SET resource_type = $2, owner_org_no = nullif($3, ''), body = $4,
		version_id = version_id + 1, updated = now() WHERE id = $1 RETURNING version_id`,
		r.Identifier, r.ResourceType, owner, body).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("update resource %q: %w", r.Identifier, db.Map(err))
	}
	return v, nil
}

func deleteResource(ctx context.Context, q db.Querier, id string) error {
	tag, err := q.Exec(ctx, `DELETE FROM resources WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete resource %q: %w", id, db.Map(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("resource %q: %w", id, dberr.ErrNotFound)
	}
	return nil
}

func getPolicy(ctx context.Context, q db.Querier, resourceID string) (Policy, error) {
	p := Policy{ResourceID: resourceID}
	var obl []byte
	err := q.QueryRow(ctx, `SELECT policy_id, min_auth_level, obligations, updated FROM resource_policies WHERE resource_id = $1`, resourceID).
		Scan(&p.PolicyID, &p.MinAuthLevel, &obl, &p.Updated)
	if err != nil {
		return p, fmt.Errorf("policy of %q: %w", resourceID, db.Map(err))
	}
	if err := json.Unmarshal(obl, &p.Obligations); err != nil {
		return p, fmt.Errorf("obligations of %q: %w", resourceID, err)
	}
	if len(p.Obligations) == 0 {
		p.Obligations = nil
	}
	rows, err := q.Query(ctx, `SELECT rule_id, effect, description, subjects, actions, resources, target
		FROM resource_policy_rules WHERE resource_id = $1 ORDER BY ord`, resourceID)
	if err != nil {
		return p, fmt.Errorf("rules of %q: %w", resourceID, db.Map(err))
	}
	p.Rules, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Rule, error) {
		var (
			r           Rule
			res, target []byte
		)
		if err := row.Scan(&r.RuleID, &r.Effect, &r.Description, &r.Subjects, &r.Actions, &res, &target); err != nil {
			return r, db.Map(err)
		}
		if target != nil {
			if err := json.Unmarshal(target, &r.Target); err != nil {
				return r, err
			}
		}
		return r, json.Unmarshal(res, &r.Resources)
	})
	if err != nil {
		return p, fmt.Errorf("rules of %q: %w", resourceID, err)
	}
	return p, nil
}

// subjectOf is a policy subject and a resource whose policy names it.
type subjectOf struct{ Subject, ResourceID string }

// policySubjects lists every (subject, resource) pair of the stored
// policies, once each, ordered by resource id.
func policySubjects(ctx context.Context, q db.Querier) ([]subjectOf, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT subject, resource_id
		FROM resource_policy_rules, unnest(subjects) AS subject ORDER BY resource_id`)
	if err != nil {
		return nil, fmt.Errorf("policy subjects: %w", db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (subjectOf, error) {
		var n subjectOf
		return n, row.Scan(&n.Subject, &n.ResourceID)
	})
	if err != nil {
		return nil, fmt.Errorf("policy subjects: %w", db.Map(err))
	}
	return out, nil
}

// replacePolicy stores p as the resource's whole policy.
func replacePolicy(ctx context.Context, q db.Querier, p Policy) error {
	obl := p.Obligations
	if obl == nil {
		obl = []Obligation{}
	}
	oblJSON, err := json.Marshal(obl)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO resource_policies (resource_id, policy_id, min_auth_level, obligations, updated)
		VALUES ($1, $2, $3, $4, now())
		ON CONFLICT (resource_id) DO UPDATE SET policy_id = excluded.policy_id, min_auth_level = excluded.min_auth_level,
			obligations = excluded.obligations, updated = now()`,
		p.ResourceID, p.PolicyID, p.MinAuthLevel, oblJSON)
	if err != nil {
		return fmt.Errorf("store policy of %q: %w", p.ResourceID, db.Map(err))
	}
	if _, err := q.Exec(ctx, `DELETE FROM resource_policy_rules WHERE resource_id = $1`, p.ResourceID); err != nil {
		return fmt.Errorf("clear rules of %q: %w", p.ResourceID, db.Map(err))
	}
	for i, r := range p.Rules {
		res, err := json.Marshal(r.Resources)
		if err != nil {
			return err
		}
		var target []byte // NULL unless the rule has an exact target
		if len(r.Target) > 0 {
			if target, err = json.Marshal(r.Target); err != nil {
				return err
			}
		}
		_, err = q.Exec(ctx, `INSERT INTO resource_policy_rules (resource_id, ord, rule_id, effect, description, subjects, actions, resources, target)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, p.ResourceID, i, r.RuleID, r.Effect, r.Description, r.Subjects, r.Actions, res, target)
		if err != nil {
			return fmt.Errorf("store rule %d of %q: %w", i, p.ResourceID, db.Map(err))
		}
	}
	return nil
}

// lockResource takes the resource's row lock so that concurrent policy
// replacements and resource updates apply one after the other.
func lockResource(ctx context.Context, q db.Querier, id string) error {
	var got string
	if err := q.QueryRow(ctx, `SELECT id FROM resources WHERE id = $1 FOR UPDATE`, id).Scan(&got); err != nil {
		return fmt.Errorf("resource %q: %w", id, db.Map(err))
	}
	return nil
}

// catalogue is the access-package reference data, loaded once: only
// migrations change it.
type catalogue struct {
	groups   []AreaGroup
	areas    []Area
	packages []AccessPackage
	byURN    map[string]int
	byID     map[uuid.UUID]int
	roles    map[string][]RolePackage // by role code, in package URN and variant order
}

func loadCatalogue(ctx context.Context, q db.Querier) (*catalogue, error) {
	c := &catalogue{byURN: map[string]int{}, byID: map[uuid.UUID]int{}}
	rows, err := q.Query(ctx, `SELECT id, name, name_nn, name_en, entity_type FROM access_package_area_groups ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("load area groups: %w", db.Map(err))
	}
	c.groups, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (AreaGroup, error) {
		var g AreaGroup
		err := r.Scan(&g.ID, &g.Name, &g.NameNN, &g.NameEN, &g.EntityType)
		return g, err
	})
	if err != nil {
		return nil, fmt.Errorf("load area groups: %w", err)
	}
	groupByID := map[uuid.UUID]AreaGroup{}
	for _, g := range c.groups {
		groupByID[g.ID] = g
	}
	rows, err = q.Query(ctx, `SELECT id, urn, group_id, name, name_nn, name_en, description, description_nn, description_en, icon
		FROM access_package_areas ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("load areas: %w", db.Map(err))
	}
	c.areas, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Area, error) {
		var (
			a    Area
			gid  uuid.UUID
			icon string
		)
		err := r.Scan(&a.ID, &a.URN, &gid, &a.Name, &a.NameNN, &a.NameEN, &a.Description, &a.DescriptionNN, &a.DescriptionEN, &icon)
		if icon != "" {
			a.IconURL = iconBase + icon
		}
		a.Group = groupByID[gid]
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("load areas: %w", err)
	}
	areaByID := map[uuid.UUID]Area{}
	for _, a := range c.areas {
		areaByID[a.ID] = a
	}
	rows, err = q.Query(ctx, `SELECT id, urn, code, area_id, name, name_nn, name_en, description, description_nn, description_en,
		entity_type, is_delegable, is_assignable, is_available_for_service_owners FROM access_packages ORDER BY urn`)
	if err != nil {
		return nil, fmt.Errorf("load packages: %w", db.Map(err))
	}
	c.packages, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (AccessPackage, error) {
		var (
			p   AccessPackage
			aid uuid.UUID
		)
		err := r.Scan(&p.ID, &p.URN, &p.Code, &aid, &p.Name, &p.NameNN, &p.NameEN, &p.Description, &p.DescriptionNN, &p.DescriptionEN,
			&p.EntityType, &p.IsDelegable, &p.IsAssignable, &p.IsAvailableForServiceOwners)
		p.Area = areaByID[aid]
		p.IsClientDelegable = p.IsDelegable && !p.IsAssignable
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("load packages: %w", err)
	}
	for i, p := range c.packages {
		c.byURN[p.URN] = i
		c.byID[p.ID] = i
	}
	rows, err = q.Query(ctx, `SELECT r.role_code, p.urn, r.entity_variant, r.has_access, r.can_delegate
		FROM role_packages r JOIN access_packages p ON p.id = r.package_id ORDER BY r.role_code, p.urn, r.entity_variant`)
	if err != nil {
		return nil, fmt.Errorf("load role packages: %w", db.Map(err))
	}
	roles, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (RolePackage, error) {
		var rp RolePackage
		err := r.Scan(&rp.RoleCode, &rp.PackageURN, &rp.EntityVariant, &rp.HasAccess, &rp.CanDelegate)
		return rp, err
	})
	if err != nil {
		return nil, fmt.Errorf("load role packages: %w", err)
	}
	c.roles = map[string][]RolePackage{}
	for _, rp := range roles {
		c.roles[rp.RoleCode] = append(c.roles[rp.RoleCode], rp)
	}
	return c, nil
}

// iconBase is where the platform serves the area icons from.
const iconBase = "https://altinncdn.no/authorization/accesspackageicons/"

// bumpChange gives the resource the next change number (taking the
// counter's row lock until the transaction ends, so numbers commit in
// order) and marks it as having a policy when policy is true.
func bumpChange(ctx context.Context, q db.Querier, id string, at time.Time, policy bool) error {
	var n int64
	if err := q.QueryRow(ctx, `UPDATE resource_change_counter SET last = last + 1 RETURNING last`).Scan(&n); err != nil {
		return fmt.Errorf("next change number: %w", db.Map(err))
	}
	_, err := q.Exec(ctx, `INSERT INTO resource_changes (resource_id, change_id, changed_at, policy_uploaded) VALUES ($1, $2, $3, $4)
		ON CONFLICT (resource_id) DO UPDATE SET change_id = excluded.change_id, changed_at = excluded.changed_at,
			policy_uploaded = resource_changes.policy_uploaded OR excluded.policy_uploaded`, id, n, at, policy)
	if err != nil {
		return fmt.Errorf("change of %q: %w", id, db.Map(err))
	}
	return nil
}

// listChanges reads the change feed after change number after: resources
// that have had a policy, at their latest change.
func listChanges(ctx context.Context, q db.Querier, after int64, limit int) ([]Change, error) {
	rows, err := q.Query(ctx, `SELECT resource_id, change_id, changed_at FROM resource_changes
		WHERE change_id > $1 AND policy_uploaded ORDER BY change_id LIMIT $2`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list changes: %w", db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Change, error) {
		var c Change
		err := r.Scan(&c.ResourceID, &c.ID, &c.ChangedAt)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("list changes: %w", db.Map(err))
	}
	return out, nil
}

// liveSubjects lists the subject URNs a resource's policy names now.
func liveSubjects(ctx context.Context, q db.Querier, resourceURN string) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT subject_urn FROM resource_subjects WHERE resource_urn = $1 AND NOT deleted`, resourceURN)
	if err != nil {
		return nil, fmt.Errorf("subjects of %q: %w", resourceURN, db.Map(err))
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("subjects of %q: %w", resourceURN, db.Map(err))
	}
	return out, nil
}

// dropSubjects marks pairs as gone at at.
func dropSubjects(ctx context.Context, q db.Querier, resourceURN string, subjectURNs []string, at time.Time) error {
	_, err := q.Exec(ctx, `UPDATE resource_subjects SET deleted = true, updated_at = $3
		WHERE resource_urn = $1 AND subject_urn = ANY($2)`, resourceURN, subjectURNs, at)
	if err != nil {
		return fmt.Errorf("drop subjects of %q: %w", resourceURN, db.Map(err))
	}
	return nil
}

// addSubjects stores new pairs, or brings back pairs that were gone.
func addSubjects(ctx context.Context, q db.Querier, resourceID string, subs []AttributeMatchV2, at time.Time) error {
	for _, s := range subs {
		_, err := q.Exec(ctx, `INSERT INTO resource_subjects (resource_urn, subject_urn, resource_id, subject_type, subject_value, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (resource_urn, subject_urn) DO UPDATE SET deleted = false, updated_at = excluded.updated_at`,
			AttrResource+":"+resourceID, s.URN, resourceID, s.Type, s.Value, at)
		if err != nil {
			return fmt.Errorf("add subject %q of %q: %w", s.URN, resourceID, db.Map(err))
		}
	}
	return nil
}

// livePairs reads resource/subject pairs that are not gone, with the
// condition given (on column col matching any of vals), in the order they
// were first stored.
func livePairs(ctx context.Context, q db.Querier, col string, vals []string) ([]pair, error) {
	if col != "resource_urn" && col != "subject_urn" {
		return nil, fmt.Errorf("livePairs: unknown column %q", col)
	}
	rows, err := q.Query(ctx, `SELECT resource_id, resource_urn, subject_type, subject_value, subject_urn FROM resource_subjects
		WHERE `+col+` = ANY($1) AND NOT deleted ORDER BY seq`, vals)
	if err != nil {
		return nil, fmt.Errorf("resource subjects: %w", db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (pair, error) {
		var p pair
		err := r.Scan(&p.Resource.Value, &p.Resource.URN, &p.Subject.Type, &p.Subject.Value, &p.Subject.URN)
		p.Resource.Type = AttrResource
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("resource subjects: %w", db.Map(err))
	}
	return out, nil
}

// updatedPairs reads the pairs changed at or after since, in feed order,
// past the pair (resourceURN, subjectURN) at exactly since.
func updatedPairs(ctx context.Context, q db.Querier, since time.Time, resourceURN, subjectURN string, limit int) ([]UpdatedSubject, error) {
	rows, err := q.Query(ctx, `SELECT subject_urn, resource_urn, updated_at, deleted FROM resource_subjects
		WHERE (updated_at, resource_urn, subject_urn) > ($1, $2, $3)
		ORDER BY updated_at, resource_urn, subject_urn LIMIT $4`, since, resourceURN, subjectURN, limit)
	if err != nil {
		return nil, fmt.Errorf("updated subjects: %w", db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (UpdatedSubject, error) {
		var u UpdatedSubject
		err := r.Scan(&u.SubjectURN, &u.ResourceURN, &u.UpdatedAt, &u.Deleted)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("updated subjects: %w", db.Map(err))
	}
	return out, nil
}
