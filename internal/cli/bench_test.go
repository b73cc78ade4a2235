package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/cli"
)

func TestBenchJSON(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), []string{"bench", "--orders", "40", "--concurrency", "2", "--skus", "10", "--json"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var res map[string]any
	dec := json.NewDecoder(&out)
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("not one JSON object: %v: %s", err, out.String())
	}
	if dec.More() {
		t.Fatal("more than one JSON value on stdout")
	}
	if res["ledger_ok"] != true || res["accepted_per_s"].(float64) <= 0 {
		t.Errorf("result: %v", res)
	}
	if _, ok := res["orders_vs_insert"]; ok {
		t.Error("orders_vs_insert without --baseline")
	}
}

func TestBenchTable(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	if code := cli.Main(context.Background(), []string{"bench", "--orders", "20", "--concurrency", "2", "--skus", "10", "--baseline"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"order", "pricelist", "balance", "static", "insert", "ledger check: OK", "orders_vs_insert:", "pricelist_vs_static:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "\r") {
		t.Error("a progress bar written to a non-terminal")
	}
}

func TestBenchUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"bench", "--orders", "5", "--duration", "1s"},
		{"bench", "--target", "http://127.0.0.1:1"},
		{"bench", "--concurrency", "0"},
		{"bench", "--resellers", "0"},
		{"bench", "--tokens-file", "/dev/null"},
		{"bench", "--target", "http://127.0.0.1:1", "--token", "T", "--tokens-file", "/dev/null"},
		{"bench", "--target", "http://127.0.0.1:1", "--tokens-file", "/dev/null"},
		{"bench", "--target", "http://127.0.0.1:1", "--token", "T", "--resellers", "1"},
	} {
		var out, errb bytes.Buffer
		if code := cli.Main(context.Background(), args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errb.String())
		}
	}
}
