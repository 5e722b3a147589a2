package exchange

import (
	"context"
	"fmt"
)

// OpenPostgres opens a PostgreSQL store.
func OpenPostgres(ctx context.Context, dsn string) (Store, error) {
	return nil, fmt.Errorf("exchange: postgres: not yet")
}
