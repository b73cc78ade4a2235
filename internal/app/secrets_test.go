package app_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/app"
)

// TestNewSecretKeyFileIsAnnounced: the first start on a new SQLite database makes its key file
// beside it, 0600, and says so once (the operator must keep a copy); the next start does not.
func TestNewSecretKeyFileIsAnnounced(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "data", "kios.db")
	var logs syncBuffer
	_, stop := runApp(t, app.Config{DB: "sqlite:" + path, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "made a new secret key file") || !strings.Contains(logs.String(), path+".key") {
		t.Errorf("first start did not announce its key file:\n%s", logs.String())
	}
	if fi, err := os.Stat(path + ".key"); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	var again syncBuffer
	_, stop2 := runApp(t, app.Config{DB: "sqlite:" + path, Logger: slog.New(slog.NewTextHandler(&again, nil))})
	if err := stop2(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(again.String(), "secret key file") {
		t.Errorf("second start announced a key file:\n%s", again.String())
	}
}
