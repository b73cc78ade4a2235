package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestResellerPortalPassword: `reseller create --json` prints the member-area password once, and
// `reseller set-password` makes a new one.
func TestResellerPortalPassword(t *testing.T) {
	t.Parallel()
	k := setup(t)
	var created struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := json.Unmarshal([]byte(k.ok("reseller", "create", "--name", "Portal Shop", "--json")), &created); err != nil {
		t.Fatal(err)
	}
	if len(created.Password) != 20 {
		t.Fatalf("password %q", created.Password)
	}
	var set struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := json.Unmarshal([]byte(k.ok("reseller", "set-password", created.Username, "--json")), &set); err != nil {
		t.Fatal(err)
	}
	if set.Username != created.Username || len(set.Password) != 20 || set.Password == created.Password {
		t.Fatalf("set-password %+v", set)
	}
	if out := k.ok("reseller", "set-password", created.Username); !strings.Contains(out, "password: ") {
		t.Fatalf("text output %q", out)
	}
	if r := k.run("reseller", "set-password", "nobody"); r.code == 0 {
		t.Fatal("set-password of an unknown reseller succeeded")
	}
}
