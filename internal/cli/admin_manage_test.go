package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// kios admin reset-password, disable and enable, each audited as the CLI's user.
func TestAdminManageCommands(t *testing.T) {
	each(t, func(t *testing.T, k *kios) {
		var first, second struct{ Password string }
		if err := json.Unmarshal([]byte(k.ok("admin", "create", "--username", "ops", "--json")), &first); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(k.ok("admin", "reset-password", "ops", "--json")), &second); err != nil {
			t.Fatal(err)
		}
		if second.Password == "" || second.Password == first.Password {
			t.Fatalf("reset: %+v %+v", first, second)
		}
		if out := k.ok("admin", "disable", "ops"); !strings.Contains(out, "disabled") {
			t.Errorf("disable said %q", out)
		}
		if out := k.ok("admin", "enable", "ops"); !strings.Contains(out, "enabled") {
			t.Errorf("enable said %q", out)
		}
		if r := k.run("admin", "disable", "nobody"); r.code != 1 || !strings.Contains(r.stderr, "not found") {
			t.Errorf("disable unknown: %+v", r)
		}
		if r := k.run("admin", "reset-password"); r.code != 2 {
			t.Errorf("reset without a name: %+v", r)
		}
	})
}
