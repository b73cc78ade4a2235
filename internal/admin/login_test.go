package admin_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/kios-h2h/kios/internal/admin"
)

// TestConcurrentWrongPasswords: wrong guesses sent at once must not all be compared before the
// first failure is counted (issue 14, item 2): the rate token is taken before bcrypt.
func TestConcurrentWrongPasswords(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := setup(t)
	// A cost high enough that each comparison takes milliseconds: the window the guesses raced in.
	as := admin.NewService(svc, admin.Options{BcryptCost: 8, LoginBurst: 3, LoginEvery: time.Hour})
	if _, err := as.CreateAdmin(ctx, admin.Actor{Name: "t"}, "carol"); err != nil {
		t.Fatal(err)
	}
	const n = 40
	var wg sync.WaitGroup
	var mu sync.Mutex
	compared := 0
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, _, err := as.Login(ctx, "carol", "guess", "198.51.100.7")
			if errors.Is(err, admin.ErrBadLogin) {
				mu.Lock()
				compared++
				mu.Unlock()
			} else if !errors.Is(err, admin.ErrThrottled) {
				t.Errorf("login: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if compared > 3 {
		t.Fatalf("%d concurrent guesses were compared, want at most the burst of 3", compared)
	}
}

// TestLockedNameSparesItsOwner: guesses at a name from other addresses lock the name, but not for
// an address its owner signed in from before.
func TestLockedNameSparesItsOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc := setup(t)
	as := admin.NewService(svc, admin.Options{BcryptCost: bcrypt.MinCost, LoginBurst: 3, LoginEvery: time.Hour})
	pw, _ := as.CreateAdmin(ctx, admin.Actor{Name: "t"}, "dave")
	if _, _, err := as.Login(ctx, "dave", pw, "192.0.2.10"); err != nil {
		t.Fatal(err)
	}
	for _, ip := range []string{"203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"} {
		if _, _, err := as.Login(ctx, "dave", "guess", ip); !errors.Is(err, admin.ErrBadLogin) && !errors.Is(err, admin.ErrThrottled) {
			t.Fatalf("guess from %s: %v", ip, err)
		}
	}
	if _, _, err := as.Login(ctx, "dave", pw, "203.0.113.99"); !errors.Is(err, admin.ErrThrottled) {
		t.Fatalf("locked name from a new address: %v", err)
	}
	if _, _, err := as.Login(ctx, "dave", pw, "192.0.2.10"); err != nil {
		t.Fatalf("owner from its usual address: %v", err)
	}
}
