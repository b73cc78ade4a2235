package digiflazz_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	df "github.com/kios-h2h/kios/client/digiflazz"
)

// TestTimeout: a server that never answers ends a call at the client's timeout, or at the
// context's deadline, as an unknown outcome (the transaction may have been taken).
func TestTimeout(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)

	start := time.Now()
	c := df.New(srv.URL, "buyer1", "key", df.WithTimeout(200*time.Millisecond))
	_, err := c.Transaction(context.Background(), df.TransactionRequest{BuyerSKUCode: "s5", CustomerNo: "0812", RefID: "r1"})
	if !errors.Is(err, df.ErrUnknownOutcome) {
		t.Fatalf("hanging server: %v, want ErrUnknownOutcome", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("call took %s with a 200ms timeout", took)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start = time.Now()
	if _, err := df.New(srv.URL, "buyer1", "key").Balance(ctx); !errors.Is(err, df.ErrUnknownOutcome) {
		t.Fatalf("hanging server, context deadline: %v", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("call took %s with a 100ms context", took)
	}
}
