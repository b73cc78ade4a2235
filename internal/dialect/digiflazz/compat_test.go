package digiflazz_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	wire "github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/internal/dialect/digiflazz"
)

// compatVersion is the version of the npm package "digiflazz" pinned in testdata/compat.
const compatVersion = "1.1.1"

// TestCompatNPMClient drives Kios with code its authors did not write: the npm package
// "digiflazz" (github.com/apriady/digiflazz), pointed at a test server on 127.0.0.1. It checks
// the balance, the price list, a deposit request, a prepaid transaction and its status check (the
// same request again), and a reused ref_id. It skips when node or the installed module is
// missing on a developer's machine, but fails in CI (CI set), where .ci/digiflazz-compat.sh
// installs the module with npm ci: there, a skip would hide a broken compatibility check.
func TestCompatNPMClient(t *testing.T) {
	t.Parallel()
	skip := t.Skip
	if os.Getenv("CI") != "" {
		skip = t.Fatal
	}
	node, err := exec.LookPath("node")
	if err != nil {
		skip("compatibility test skipped: node is not installed")
	}
	dir := filepath.Join("testdata", "compat")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "digiflazz", "package.json")); err != nil {
		skip("compatibility test skipped: npm module missing; run `npm ci` in internal/dialect/digiflazz/testdata/compat")
	}
	f := setup(t, digiflazz.Options{})
	f.runWorkers(t)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "compat.js")
	cmd.Dir = dir
	// A minimal environment: no proxy variables, so the client talks to 127.0.0.1 directly.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "NO_PROXY=*",
		"KIOS_BASE_URL=" + f.Server.URL + "/v1", "KIOS_USERNAME=" + f.Reseller.Reseller.Username, "KIOS_KEY=" + f.Reseller.APIKey}
	var stderr limitedBuffer
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("node compat.js: %v\n%s", err, stderr.String())
	}
	var out struct {
		Saldo     wire.BalanceData     `json:"saldo"`
		PriceList []wire.PrepaidItem   `json:"priceList"`
		Deposit   wire.DepositData     `json:"deposit"`
		First     wire.TransactionData `json:"first"`
		Final     wire.TransactionData `json:"final"`
		Conflict  wire.TransactionData `json:"conflict"`
		Version   string               `json:"version"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("compat.js output %s: %v", raw, err)
	}
	if out.Version != compatVersion {
		t.Fatalf("installed digiflazz %s, pinned %s: run npm ci", out.Version, compatVersion)
	}
	if out.Saldo.Deposit != startBalance {
		t.Errorf("cekSaldo: %+v", out.Saldo)
	}
	var s5 *wire.PrepaidItem
	for i := range out.PriceList {
		if out.PriceList[i].BuyerSKUCode == "s5" {
			s5 = &out.PriceList[i]
		}
	}
	if len(out.PriceList) != 5 || s5 == nil || s5.Price != 5005 || !s5.BuyerProductStatus {
		t.Errorf("daftarHarga: %d items, s5 %+v", len(out.PriceList), s5)
	}
	// The package sends "Bank" (capital B): understood all the same.
	if out.Deposit.RC != wire.RCSuccess || out.Deposit.Amount <= 50000 || out.Deposit.Amount > 50999 || out.Deposit.Bank != "BCA" || out.Deposit.Notes == "" {
		t.Errorf("deposit: %+v", out.Deposit)
	}
	if out.First.RC != wire.RCPending || out.First.Status != wire.StatusPending || out.First.Price != 5005 || out.First.BuyerLastSaldo != startBalance-5005 {
		t.Errorf("transaksi: %+v", out.First)
	}
	if out.Final.RC != wire.RCSuccess || out.Final.Status != wire.StatusSuccess || out.Final.SN == "" || out.Final.BuyerLastSaldo != startBalance-5005 {
		t.Errorf("status check: %+v", out.Final)
	}
	if out.Conflict.RC != wire.RCRefConflict || out.Conflict.Status != wire.StatusFailed {
		t.Errorf("reused ref_id: %+v", out.Conflict)
	}
	if n := len(f.orders(t)); n != 1 {
		t.Errorf("%d orders, want 1", n)
	}
	f.CheckLedger(t)
}

// limitedBuffer keeps the first 64 KiB written to it.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := 64<<10 - len(l.b); room > 0 {
		if len(p) < room {
			room = len(p)
		}
		l.b = append(l.b, p[:room]...)
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return string(l.b) }
