package basstore_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/dialect/basstore/basstoretest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// call sends one request and returns the HTTP status and body. token "" sends no Authorization.
// It reports problems with t.Errorf, never t.Fatal, so goroutines may use it; a request that
// could not be made returns status 0.
func call(t testing.TB, e *basstoretest.Env, method, path, token, body string) (int, []byte) {
	t.Helper()
	var rd io.Reader = http.NoBody
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return 0, nil
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.Server.Client().Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return 0, nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return 0, nil
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	checkEnvelope(t, resp.StatusCode, b)
	return resp.StatusCode, b
}

// checkEnvelope checks the invariants of every answer: the four fields, code equal to the HTTP
// status, data null exactly when error is true.
func checkEnvelope(t testing.TB, status int, body []byte) {
	t.Helper()
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		t.Errorf("answer is not a JSON object: %v: %s", err, body)
		return
	}
	if len(env) != 4 {
		t.Errorf("envelope has %d fields, want 4: %s", len(env), body)
	}
	var (
		isErr bool
		code  int
		msg   string
	)
	if json.Unmarshal(env["error"], &isErr) != nil || json.Unmarshal(env["code"], &code) != nil || json.Unmarshal(env["message"], &msg) != nil {
		t.Errorf("envelope fields of the wrong type: %s", body)
		return
	}
	if code != status {
		t.Errorf("envelope code %d, HTTP status %d", code, status)
	}
	if isErr != (status != http.StatusOK) {
		t.Errorf("error=%v with status %d", isErr, status)
	}
	if isErr && string(env["data"]) != "null" {
		t.Errorf("error answer with data %s", env["data"])
	}
	if msg == "" {
		t.Errorf("empty message: %s", body)
	}
}

var (
	invoiceRE = regexp.MustCompile(`KIOS-\d{6}-[0-9A-Z]{12}`)
	snRE      = regexp.MustCompile(`"sn":"[^"]+"`)
	timeRE    = regexp.MustCompile(`"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+07:00"`)
)

// normalize replaces what differs between runs (random invoice numbers, serial numbers, times)
// and indents. A non-empty SN becomes "SN", so the golden file still says there was one.
func normalize(t testing.TB, body []byte) []byte {
	t.Helper()
	b := invoiceRE.ReplaceAll(body, []byte("KIOS-YYMMDD-RANDOM"))
	b = timeRE.ReplaceAll(b, []byte(`"TIME"`))
	b = snRE.ReplaceAll(b, []byte(`"sn":"SN"`))
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		t.Fatalf("indent %s: %v", b, err)
	}
	out.WriteByte('\n')
	return out.Bytes()
}

// golden compares an answer with testdata/golden/name.json, or rewrites it under -update.
func golden(t testing.TB, name string, body []byte) {
	t.Helper()
	got := normalize(t, body)
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s:\n--- got\n%s--- want\n%s", name, path, got, want)
	}
}

// invoiceOf reads the invoice number out of an order answer ("" and an error reported if none).
func invoiceOf(t testing.TB, body []byte) string {
	t.Helper()
	var env struct {
		Data struct {
			InvoiceNumber string `json:"invoiceNumber"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Data.InvoiceNumber == "" {
		t.Errorf("no invoice in %s (%v)", body, err)
	}
	return env.Data.InvoiceNumber
}
