package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

// poison makes inserting the product "poison" break a deferred foreign key, which the database
// reports only at COMMIT: every statement of the batch succeeds, and then its commit fails.
var poison = map[string][]string{
	"sqlite": {
		`CREATE TABLE probe_parent (id INTEGER PRIMARY KEY)`,
		`CREATE TABLE probe (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES probe_parent (id) DEFERRABLE INITIALLY DEFERRED)`,
		`CREATE TRIGGER poison AFTER INSERT ON products WHEN NEW.code = 'poison' BEGIN INSERT INTO probe (parent) VALUES (424242); END`,
	},
	"postgres": {
		`CREATE TABLE probe_parent (id BIGINT PRIMARY KEY)`,
		`CREATE TABLE probe (id BIGSERIAL PRIMARY KEY, parent BIGINT REFERENCES probe_parent (id) DEFERRABLE INITIALLY DEFERRED)`,
		`CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN IF NEW.code = 'poison' THEN INSERT INTO probe (parent) VALUES (424242); END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
		`CREATE TRIGGER poison AFTER INSERT ON products FOR EACH ROW EXECUTE FUNCTION poison()`,
	},
}

// TestBatchCommitFails checks the group commit when COMMIT itself fails: every caller whose
// function ran in that transaction gets the error, none of their changes persists, and the next
// batch commits normally (the failed transaction does not stay open on the writer connection).
func TestBatchCommitFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		ctx := context.Background()
		for _, q := range poison[b.Name] {
			if _, err := db.Writer().ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		insert := func(code string) func(*store.Tx) error {
			return func(tx *store.Tx) error {
				return tx.ProductUpsert(ctx, &catalog.Product{Code: code, Name: code, Active: true})
			}
		}

		// Hold the write loop so that the callers below queue up and share one batch.
		hold, held := make(chan struct{}), make(chan struct{})
		blocker := make(chan error, 1)
		go func() {
			blocker <- db.Batch(ctx, func(tx *store.Tx) error {
				close(held)
				<-hold
				return nil
			})
		}()
		<-held
		codes := []string{"good-1", "good-2", "poison", "good-3", "good-4"}
		errs := make([]error, len(codes))
		var wg sync.WaitGroup
		for i, c := range codes {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = db.Batch(ctx, insert(c)) }()
		}
		time.Sleep(100 * time.Millisecond) // let all five queue behind the held batch
		close(hold)
		wg.Wait()
		if err := <-blocker; err != nil {
			t.Fatalf("held batch: %v", err)
		}
		for i, err := range errs {
			if err == nil {
				t.Errorf("%s: Batch returned nil although its transaction's commit failed", codes[i])
			}
		}
		products, err := db.Products(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(products) != 0 {
			t.Errorf("a failed commit left %d products: %+v", len(products), products)
		}

		// The writer recovers: the next batches commit.
		for i := 0; i < 3; i++ {
			code := fmt.Sprintf("after-%d", i)
			if err := db.Batch(ctx, insert(code)); err != nil {
				t.Fatalf("batch after a failed commit: %v", err)
			}
		}
		if _, err := db.ProductByCode(ctx, "after-2"); err != nil {
			t.Fatal(err)
		}
		// A lone poisoned caller fails alone.
		if err := db.Batch(ctx, insert("poison")); err == nil {
			t.Error("poison alone committed")
		}
		if err := db.Batch(ctx, insert("after-3")); err != nil {
			t.Fatalf("batch after a lone failed commit: %v", err)
		}
		if _, err := db.ProductByCode(ctx, "poison"); !errors.Is(err, store.ErrProductNotFound) && !errors.Is(err, store.ErrNotFound) {
			t.Errorf("poison product: %v", err)
		}
	})
}
