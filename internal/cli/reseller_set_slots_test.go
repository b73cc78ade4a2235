package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// kios reseller set-slots splits a reseller's balance into balance slots and back, the balance
// the reseller list shows (their sum) unchanged; a count out of range or not a number is a usage
// error, an unknown reseller an error, and neither changes anything.
func TestResellerSetSlots(t *testing.T) {
	each(t, func(t *testing.T, k *kios) {
		k.ok("reseller create", "--name", "Toko Ramai", "--username", "tokoramai")
		k.ok("deposit credit", "--reseller", "tokoramai", "--amount", "250000")
		balance := func() int64 {
			t.Helper()
			var rs []struct {
				Username string `json:"username"`
				Balance  int64  `json:"balance"`
			}
			if err := json.Unmarshal([]byte(k.ok("reseller list", "--json")), &rs); err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				if r.Username == "tokoramai" {
					return r.Balance
				}
			}
			t.Fatal("tokoramai not listed")
			return 0
		}
		if out := k.ok("reseller", "set-slots", "tokoramai", "4"); !strings.Contains(out, "4 slots") {
			t.Fatalf("set-slots 4: %q", out)
		}
		if b := balance(); b != 250000 {
			t.Fatalf("balance over 4 slots %d, want 250000", b)
		}
		for _, bad := range [][]string{{"tokoramai", "-1"}, {"tokoramai", "65"}, {"tokoramai", "four"}} {
			if r := k.run(append([]string{"reseller", "set-slots"}, bad...)...); r.code != 2 {
				t.Errorf("set-slots %v: exit %d, want 2 (usage): %s", bad, r.code, r.stderr)
			}
		}
		if r := k.run("reseller", "set-slots", "ghost", "2"); r.code == 0 {
			t.Fatalf("unknown reseller: %+v", r)
		}
		k.ok("reseller", "set-slots", "tokoramai", "0")
		if b := balance(); b != 250000 {
			t.Fatalf("balance after undoing the slots %d, want 250000", b)
		}
	})
}
