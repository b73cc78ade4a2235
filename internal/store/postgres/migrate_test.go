package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/postgres"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// Nodes starting at once on an empty database take turns under the advisory lock: every one
// opens, and the schema is migrated once.
func TestConcurrentStartsMigrateOnce(t *testing.T) {
	t.Parallel()
	be := storetest.Postgres(t)
	url := be.URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const nodes = 4
	dbs := make([]*store.DB, nodes)
	errs := make([]error, nodes)
	var wg sync.WaitGroup
	for i := range dbs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			dbs[i], errs[i] = postgres.Open(ctx, url, postgres.Options{MaxConns: 2})
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
		defer dbs[i].Close()
	}
	var applied, versions int
	if err := dbs[0].Reader().QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT version_id) FROM goose_db_version WHERE version_id > 0`).Scan(&applied, &versions); err != nil {
		t.Fatal(err)
	}
	if applied != versions || applied == 0 {
		t.Fatalf("%d migrations recorded for %d versions", applied, versions)
	}
}
