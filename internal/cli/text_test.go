package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestTextCommands: set-pin (given and generated), bind and unbind, `kios text --as` buying and
// asking the balance with the PIN inside the message, the limits, and channels whose secrets are
// never printed back.
func TestTextCommands(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, k *kios) {
		file := filepath.Join(t.TempDir(), "c.csv")
		// s50 without its 23:45–00:15 WIB cutoff: this test buys it whatever the hour.
		csv := strings.Replace(catalogCSV, ",false,23:45,00:15,5,", ",false,,,5,", 1)
		if csv == catalogCSV {
			t.Fatal("catalogCSV changed: s50's cutoff not found")
		}
		if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
		k.ok("catalog", "import", file)
		k.ok("reseller", "create", "--name", "Toko Budi", "--username", "budi")
		k.ok("deposit", "credit", "--reseller", "budi", "--amount", "100000")
		if r := k.run("text", "--as", "budi", "SAL.1234"); r.code != 1 || !strings.Contains(r.stderr, "no bound identity") {
			t.Fatalf("text without identity: %+v", r)
		}
		var gen struct {
			Username string `json:"username"`
			PIN      string `json:"pin"`
		}
		if err := json.Unmarshal([]byte(k.ok("reseller", "set-pin", "budi", "--json")), &gen); err != nil || len(gen.PIN) != 6 {
			t.Fatalf("generated pin %+v %v", gen, err)
		}
		if out := k.ok("reseller", "set-pin", "budi", "--pin", "2468"); strings.Contains(out, "2468") {
			t.Fatalf("given pin printed: %q", out)
		}
		for _, bad := range [][]string{{"--pin", "12"}, {"--pin", "12345678901"}, {"--pin", "12ab"}} {
			if r := k.run(append([]string{"reseller", "set-pin", "budi"}, bad...)...); r.code != 2 {
				t.Fatalf("set-pin %v: %+v", bad, r)
			}
		}
		if r := k.run("reseller", "bind", "budi", "--channel", "sms", "--id", "1"); r.code != 2 {
			t.Fatalf("bind on an unknown channel: %+v", r)
		}
		if r := k.run("reseller", "bind", "budi", "--channel", "telegram", "--id", "abc"); r.code != 2 {
			t.Fatalf("bind a bad telegram id: %+v", r)
		}
		k.ok("reseller", "bind", "budi", "--channel", "telegram", "--id", "555")
		if out := k.ok("reseller", "bind", "budi", "--channel", "whatsapp", "--id", "0812-3456-7890"); !strings.Contains(out, "6281234567890") {
			t.Fatalf("whatsapp id not normalized: %q", out)
		}
		k.ok("reseller", "create", "--name", "Other", "--username", "other")
		if r := k.run("reseller", "bind", "other", "--channel", "telegram", "--id", "555"); r.code != 1 || !strings.Contains(r.stderr, "another reseller") {
			t.Fatalf("identity bound twice: %+v", r)
		}
		if out := k.ok("text", "--as", "budi", "SAL.2468"); out != "Saldo budi: 100.000\n" {
			t.Fatalf("balance %q", out)
		}
		if out := k.ok("text", "--as", "budi", "SAL.1111"); !strings.Contains(out, "PIN salah (1/5)") {
			t.Fatalf("wrong pin %q", out)
		}
		out := k.ok("text", "--as", "budi", "s50.081234567890.2468")
		if !regexp.MustCompile(`^R#T[A-Z2-7]{10} s50\.081234567890 sedang diproses\. Harga: 51\.000\. Saldo: 49\.000\n$`).MatchString(out) {
			t.Fatalf("buy %q", out)
		}
		if out := k.ok("text", "limits", "--reseller", "budi", "--identity-count", "3"); !strings.Contains(out, "identity Rp 5.000.000 in 3 orders") {
			t.Fatalf("limits %q", out)
		}
		if out := k.ok("order", "list"); !strings.Contains(out, "081234567890") {
			t.Fatalf("order list %q", out)
		}
		k.ok("reseller", "unbind", "budi", "--channel", "telegram", "--id", "555")
		if r := k.run("reseller", "unbind", "budi", "--channel", "telegram", "--id", "555"); r.code != 1 {
			t.Fatalf("unbind twice: %+v", r)
		}
		if out := k.ok("text", "--as", "budi", "--channel", "whatsapp", "HELP"); !strings.HasPrefix(out, "Format:") {
			t.Fatalf("help %q", out)
		}

		if r := k.run("channel", "add", "--kind", "telegram"); r.code != 2 {
			t.Fatalf("telegram without token: %+v", r)
		}
		if r := k.run("channel", "add", "--kind", "jabber", "--jid", "kios@example.com", "--password", "pw", "--server", "nohost"); r.code != 2 {
			t.Fatalf("bad server: %+v", r)
		}
		k.ok("channel", "add", "--kind", "telegram", "--token", "123:SECRET-TOKEN", "--api-base", "http://127.0.0.1:9/")
		k.ok("channel", "add", "--kind", "jabber", "--jid", "kios@example.com", "--password", "JABBER-PW", "--server", "127.0.0.1:5222")
		list := k.ok("channel", "list", "--json")
		if strings.Contains(list, "SECRET") || strings.Contains(list, "JABBER-PW") || !strings.Contains(list, `"jid":"kios@example.com"`) {
			t.Fatalf("channel list %q", list)
		}
		k.ok("channel", "remove", "jabber")
		if out := k.ok("channel", "list"); strings.Contains(out, "jabber") || !strings.Contains(out, "telegram") {
			t.Fatalf("after remove %q", out)
		}
		if r := k.run("channel", "remove", "jabber"); r.code != 1 || !strings.Contains(r.stderr, "no jabber channel") {
			t.Fatalf("removing a channel twice: %+v", r)
		}
	})
}
