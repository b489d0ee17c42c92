package registry

import (
	"context"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

// LiveSystems lists every live system, visible or not, by id: the /sim/
// overview page.
func (s *Service) LiveSystems(ctx context.Context) ([]RegisteredSystem, error) {
	return liveSystems(ctx, s.pool)
}

// liveSystems lists every system not deleted, by id.
func liveSystems(ctx context.Context, q db.Querier) ([]RegisteredSystem, error) {
	return collectSystems(q.Query(ctx, `SELECT `+systemCols+` FROM system_register WHERE NOT is_deleted ORDER BY system_id`))
}
