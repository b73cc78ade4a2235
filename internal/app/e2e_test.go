package app_test

// End-to-end tests of the real kios binary: built once, run as a subprocess on a SQLite file,
// spoken to over HTTP like any client would, administered with its own CLI while it runs, and
// killed the hard way.

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/kios-h2h/kios/client/basstore"
	"github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/store/backend"
	"github.com/kios-h2h/kios/internal/store/postgres"
	"github.com/kios-h2h/kios/internal/store/storetest"
)

var kiosBin string

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "kios-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	kiosBin = filepath.Join(dir, "kios")
	args := []string{"build", "-o", kiosBin}
	if raceEnabled {
		args = append(args, "-race") // the server under test is checked for races too
	}
	build := exec.Command("go", append(args, "github.com/kios-h2h/kios/cmd/kios")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build kios:", err)
		return 1
	}
	return m.Run()
}

// syncBuffer collects a subprocess's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is one running `kios serve`.
type server struct {
	t      testing.TB
	cmd    *exec.Cmd
	base   string
	db     string
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan struct{}
	err    error // from Wait, once done is closed
}

// secretEnv is the secret key a process working on db is given: on PostgreSQL the key
// storetest's databases are sealed with; on SQLite none (the key file beside the database).
func secretEnv(db string) []string {
	key := ""
	if strings.HasPrefix(db, "postgres") {
		key = storetest.SecretKey
	}
	return []string{"KIOS_SECRET_KEY=" + key, "KIOS_SECRET_KEY_FILE="}
}

// start runs `kios serve` on db with extra flags and waits until /healthz answers 200.
func start(t testing.TB, db string, extra ...string) *server {
	t.Helper()
	return startEnv(t, db, []string{"KIOS_DB=", "KIOS_ADDR=", "KIOS_ADMIN_ADDR="},
		append([]string{"--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0", "--db", db}, extra...)...)
}

// startEnv runs `kios serve args...` with env added to the environment.
func startEnv(t testing.TB, db string, env []string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(kiosBin, append([]string{"serve"}, args...)...)
	cmd.Env = append(append(os.Environ(), secretEnv(db)...), env...)
	s := &server{t: t, cmd: cmd, db: db, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout = s.stdout
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(errPipe)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			s.stderr.Write([]byte(line + "\n"))
			var rec struct{ Msg, Addr string }
			if !sent && json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "listening" {
				addr <- rec.Addr
				sent = true
			}
		}
	}()
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		if s.running() {
			_ = s.cmd.Process.Kill()
			<-s.done
		}
		if t.Failed() {
			t.Logf("server stderr:\n%s", s.stderr.String())
		}
	})
	select {
	case a := <-addr:
		s.base = "http://" + a
	case <-s.done:
		t.Fatalf("kios serve exited: %v\n%s", s.err, s.stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("kios serve did not start:\n%s", s.stderr.String())
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(s.base + "/healthz")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				if !strings.Contains(string(body), `"ok"`) {
					t.Fatalf("healthz body %q", body)
				}
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("healthz never answered 200: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *server) running() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// wait waits for the server to exit and returns its exit code.
func (s *server) wait(timeout time.Duration) int {
	s.t.Helper()
	select {
	case <-s.done:
	case <-time.After(timeout):
		s.t.Fatalf("kios serve still running after %s", timeout)
	}
	return s.cmd.ProcessState.ExitCode()
}

var (
	tokenRE  = regexp.MustCompile(`token:\s+([0-9a-f]{32,})`)
	apiKeyRE = regexp.MustCompile(`api key:\s+([0-9a-f]{32,})`)
)

// demoToken reads the demo reseller's token from the banner.
func (s *server) demoToken() string {
	s.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if m := tokenRE.FindStringSubmatch(s.stdout.String()); m != nil {
			return m[1]
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no token in the demo banner:\n%s", s.stdout.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// envelope is a BASSTORE answer.
type envelope struct {
	Error   bool            `json:"error"`
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

var client = &http.Client{Timeout: 30 * time.Second}

// post POSTs body to path with token and decodes the envelope. It is safe in any goroutine.
func (s *server) post(token, path string, body any) (int, envelope, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, envelope{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(http.MethodPost, s.base+path, rd)
	if err != nil {
		return 0, envelope{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, envelope{}, fmt.Errorf("POST %s: %w", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, envelope{}, err
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return 0, envelope{}, fmt.Errorf("POST %s: %d, not an envelope: %q", path, resp.StatusCode, raw)
	}
	if env.Code != resp.StatusCode {
		return 0, envelope{}, fmt.Errorf("POST %s: HTTP %d but code %d", path, resp.StatusCode, env.Code)
	}
	return resp.StatusCode, env, nil
}

// call is post for the test goroutine: it fails the test on a transport or envelope error.
func (s *server) call(token, path string, body any) (int, envelope) {
	s.t.Helper()
	code, env, err := s.post(token, path, body)
	if err != nil {
		s.t.Fatal(err)
	}
	return code, env
}

// mustCall is call for an answer that must be 200.
func (s *server) mustCall(token, path string, body any, data any) {
	s.t.Helper()
	code, env := s.call(token, path, body)
	if code != http.StatusOK || env.Error || env.Message != "Success" {
		s.t.Fatalf("POST %s: %d %+v", path, code, env)
	}
	if data != nil {
		if err := json.Unmarshal(env.Data, data); err != nil {
			s.t.Fatalf("POST %s data %s: %v", path, env.Data, err)
		}
	}
}

type orderReq struct {
	Code            string `json:"code"`
	ReferenceNumber string `json:"referenceNumber"`
	Data            string `json:"data"`
}

type orderStatus struct {
	InvoiceNumber string `json:"invoiceNumber"`
	ProductName   string `json:"productName"`
	UserData      string `json:"userData"`
	StatusCode    string `json:"statusCode"`
}

// kios runs an admin command against db and returns its exit code and output.
func kios(t testing.TB, db string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(kiosBin, append(args, "--db", db)...)
	cmd.Env = append(append(os.Environ(), secretEnv(db)...), "KIOS_DB=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil && cmd.ProcessState == nil {
		t.Fatalf("kios %v: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), out.String() + errb.String()
}

func mustKios(t testing.TB, db string, args ...string) string {
	t.Helper()
	code, out := kios(t, db, args...)
	if code != 0 {
		t.Fatalf("kios %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

func tempDB(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "kios.db") }

// waitFinal polls status-order until every invoice is Success or Failed, and returns them.
func (s *server) waitFinal(token string, invoices []string, timeout time.Duration) map[string]string {
	s.t.Helper()
	final := map[string]string{}
	deadline := time.Now().Add(timeout)
	for len(final) < len(invoices) {
		for _, inv := range invoices {
			if _, done := final[inv]; done {
				continue
			}
			var st orderStatus
			s.mustCall(token, "/api/v1/status-order/"+inv, nil, &st)
			if st.StatusCode == "Success" || st.StatusCode == "Failed" {
				final[inv] = st.StatusCode
			}
		}
		if len(final) == len(invoices) {
			break
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%d of %d orders still not final after %s", len(invoices)-len(final), len(invoices), timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return final
}

func TestServeDemo(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	s := start(t, db, "--demo", "--sim-delay", "50ms")
	token := s.demoToken()
	if !strings.Contains(s.stdout.String(), "curl -X POST "+s.base+"/api/v1/balance") {
		t.Errorf("banner has no ready-to-paste curl line:\n%s", s.stdout.String())
	}
	if strings.Contains(s.stderr.String(), token) {
		t.Fatal("the demo token reached the log")
	}

	var bal struct {
		Name       string `json:"name"`
		Membership string `json:"membership"`
		Balance    int64  `json:"balance"`
	}
	s.mustCall(token, "/api/v1/balance", nil, &bal)
	if bal.Balance != 1_000_000 {
		t.Errorf("demo balance %d", bal.Balance)
	}
	var products []struct {
		Code     string `json:"code"`
		Name     string `json:"name"`
		IsActive bool   `json:"is_active"`
	}
	s.mustCall(token, "/api/v1/product", nil, &products)
	found := false
	for _, p := range products {
		found = found || (p.Code == "mobile-legends" && p.Name == "Mobile Legends" && p.IsActive)
	}
	if !found {
		t.Errorf("products: %+v", products)
	}
	var variants []struct {
		ID              int64  `json:"id"`
		Code            string `json:"code"`
		Name            string `json:"name"`
		IsActive        string `json:"is_active"`
		Price           int64  `json:"price"`
		ProcessDuration string `json:"processDuration"`
	}
	s.mustCall(token, "/api/v1/variant", map[string]string{"code": "mobile-legends"}, &variants)
	found = false
	for _, v := range variants {
		found = found || (v.Code == "MLBB_ID_5" && v.Name == "5 (5+0) Diamonds" && v.IsActive == "active" && v.Price == 1389 && v.ID > 0)
	}
	if !found {
		t.Errorf("variants: %+v", variants)
	}

	// An order, fulfilled by the simulator.
	var placed struct {
		InvoiceNumber string `json:"invoiceNumber"`
	}
	s.mustCall(token, "/api/v1/order", orderReq{"MLBB_ID_5", "e2e-1", "12345678(1234)"}, &placed)
	if placed.InvoiceNumber == "" {
		t.Fatal("no invoiceNumber")
	}
	if got := s.waitFinal(token, []string{placed.InvoiceNumber}, 20*time.Second); got[placed.InvoiceNumber] != "Success" {
		t.Errorf("order ended %v", got)
	}
	s.mustCall(token, "/api/v1/balance", nil, &bal)
	if bal.Balance != 1_000_000-1389 {
		t.Errorf("balance after one order %d", bal.Balance)
	}

	// The Digiswitch dialect is mounted too, on the same balance, signed with the banner's api key.
	m := apiKeyRE.FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("no api key in the banner:\n%s", s.stdout.String())
	}
	ds := digiswitch.New(s.base, "demo", m[1])
	if dsBal, err := ds.Balance(context.Background()); err != nil || dsBal != bal.Balance {
		t.Errorf("digiswitch balance %d, %v; want %d", dsBal, err, bal.Balance)
	}
	items, err := ds.PriceListPrepaid(context.Background(), "s50")
	if err != nil || len(items) != 1 || items[0].Price != 49030 || items[0].Multi || items[0].Name != "Telkomsel 50rb" {
		t.Errorf("digiswitch price list of s50: %+v, %v", items, err)
	}

	// And the Digiflazz dialect, at /v1/, beside Digiswitch's /v1/user/api/.
	if dfBal, err := digiflazz.New(s.base+"/v1", "demo", m[1]).Balance(context.Background()); err != nil || dfBal != bal.Balance {
		t.Errorf("digiflazz balance %d, %v; want %d", dfBal, err, bal.Balance)
	}

	// The admin CLI works on the same database while the server runs.
	var created struct {
		Username string `json:"username"`
		Token    string `json:"token"`
	}
	if err := json.Unmarshal([]byte(mustKios(t, db, "reseller", "create", "--name", "Toko E2E", "--membership", "demo", "--json")), &created); err != nil {
		t.Fatal(err)
	}
	if code, env := s.call(created.Token, "/api/v1/order", orderReq{"MLBB_ID_5", "poor-1", "87654321"}); code != http.StatusPaymentRequired || !env.Error {
		t.Errorf("order without funds: %d %+v", code, env)
	}
	mustKios(t, db, "deposit", "credit", "--reseller", created.Username, "--amount", "5000", "--note", "e2e")
	s.mustCall(created.Token, "/api/v1/order", orderReq{"MLBB_ID_5", "rich-1", "87654321"}, &placed)
	s.waitFinal(created.Token, []string{placed.InvoiceNumber}, 20*time.Second)
	if list := mustKios(t, db, "order", "list", "--reseller", created.Username); !strings.Contains(list, placed.InvoiceNumber) || !strings.Contains(list, "Success") {
		t.Errorf("order list:\n%s", list)
	}
	show := mustKios(t, db, "order", "show", placed.InvoiceNumber)
	for _, want := range []string{"Attempts (1)", "simulator", "Postings (2)", ":hold", ":capture"} {
		if !strings.Contains(show, want) {
			t.Errorf("order show lacks %q:\n%s", want, show)
		}
	}
	mustKios(t, db, "reseller", "suspend", created.Username)
	if code, _ := s.call(created.Token, "/api/v1/balance", nil); code != http.StatusForbidden {
		t.Errorf("suspended reseller: %d, want 403", code)
	}
	if out := mustKios(t, db, "ledger", "check"); !strings.HasPrefix(out, "ledger OK") {
		t.Errorf("ledger check: %s", out)
	}
	if code, _ := kios(t, db, "serve", "--addr", "127.0.0.1:0", "--admin-addr", "off"); code != 1 {
		t.Errorf("a second server on the same database: exit %d, want 1", code)
	}
}

// TestSIGKILLDuringFulfilment kills the server while it is fulfilling orders, restarts it on the
// same database, and checks that every accepted order reaches a final state exactly once and
// that no rupiah appeared or vanished.
//
// On SQLite the restarted server releases the dead process's job leases at once (it holds the
// file's server lock). On PostgreSQL (when KIOS_TEST_PG is set), where other nodes may share the
// database, the orders wait for their leases to run out, so the test uses a short --lease.
func TestSIGKILLDuringFulfilment(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		// Polling 60 orders' status is not what the rate limit is for.
		extra := []string{"--rate-limit", "0"}
		if b.Name != "sqlite" {
			extra = append(extra, "--lease", "8s")
		}
		sigkillDuringFulfilment(t, b.URL(t), extra...)
	})
}

func sigkillDuringFulfilment(t *testing.T, db string, extra ...string) {
	// Each purchase takes 10 s upstream: the dispatcher starts them all at once, so the kill
	// must come while every one is still in flight, however slow this machine is today.
	s := start(t, db, append([]string{"--demo", "--sim-delay", "10s"}, extra...)...)
	var cr struct {
		Username string `json:"username"`
		Token    string `json:"token"`
	}
	if err := json.Unmarshal([]byte(mustKios(t, db, "reseller", "create", "--name", "Crash Test", "--membership", "demo", "--json")), &cr); err != nil {
		t.Fatal(err)
	}
	const initial = 1_000_000
	mustKios(t, db, "deposit", "credit", "--reseller", cr.Username, "--amount", fmt.Sprint(initial))

	// The orders go through the project's own public client, as a reseller's software would.
	ctx := context.Background()
	c := basstore.NewClient(s.base, cr.Token, basstore.Options{})

	// 60 orders: most succeed, every tenth fails upstream, a few stay Pending upstream for a while.
	type placed struct {
		invoice, dest string
		price         int64
	}
	const n = 60
	prices := map[string]int64{"MLBB_ID_5": 1389, "FF_5": 890, "s5": 5005}
	codes := []string{"MLBB_ID_5", "FF_5", "s5"}
	results := make([]placed, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			dest := fmt.Sprintf("0812%06d", i)
			switch {
			case i%10 == 0:
				dest = fmt.Sprintf("0812%04d0000", i)
			case i%10 == 5:
				dest = fmt.Sprintf("0812%04d1111", i)
			}
			code := codes[i%len(codes)]
			out, err := c.Order(ctx, basstore.OrderRequest{Code: code, ReferenceNumber: fmt.Sprintf("kill-%d", i), Data: dest})
			if err != nil {
				t.Errorf("order %d: %v", i, err)
				return
			}
			results[i] = placed{out.InvoiceNumber, dest, prices[code]}
		}(i)
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	var invoices []string
	for _, r := range results {
		invoices = append(invoices, r.invoice)
	}

	// Kill it while purchases are in flight.
	if pending := mustKios(t, db, "order", "list", "--status", "Pending", "--limit", "1000"); strings.Count(pending, "KIOS-") < n/2 {
		t.Fatalf("expected most orders still pending before the kill:\n%s", pending)
	}
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	s.wait(10 * time.Second)

	restart := time.Now()
	s2 := start(t, db, append([]string{"--sim-delay", "20ms"}, extra...)...)
	healthy := time.Since(restart)
	final := s2.waitFinal(cr.Token, invoices, 60*time.Second)
	t.Logf("after SIGKILL: healthy again in %s, all %d orders final in %s", healthy.Round(time.Millisecond), n, time.Since(restart).Round(time.Millisecond))

	var spent int64
	for _, r := range results {
		want := "Success"
		if strings.HasSuffix(r.dest, "0000") {
			want = "Failed"
		}
		if final[r.invoice] != want {
			t.Errorf("order %s to %s ended %s, want %s", r.invoice, r.dest, final[r.invoice], want)
		}
		if final[r.invoice] == "Success" {
			spent += r.price
		}
	}
	bal, err := basstore.NewClient(s2.base, cr.Token, basstore.Options{}).Balance(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if bal.Balance != initial-spent {
		t.Errorf("balance %d, want %d - %d = %d", bal.Balance, initial, spent, initial-spent)
	}
	if code, out := kios(t, db, "ledger", "check"); code != 0 {
		t.Errorf("ledger check after crash: exit %d\n%s", code, out)
	}

	// Nothing was bought twice: each order has one attempt (the killed process's purchases
	// were asked after, not repeated).
	raw := openRaw(t, db)
	var twice int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM (SELECT order_id FROM attempts GROUP BY order_id HAVING COUNT(*) > 1) AS repeated`).Scan(&twice); err != nil {
		t.Fatal(err)
	}
	if twice != 0 {
		t.Errorf("%d orders were sent upstream more than once", twice)
	}
	var jobs int
	if err := raw.QueryRow(`SELECT COUNT(*) FROM jobs WHERE kind = 'fulfil'`).Scan(&jobs); err != nil {
		t.Fatal(err)
	}
	if jobs != 0 {
		t.Errorf("%d fulfilment jobs left over", jobs)
	}
}

// TestSIGTERMGraceful sends SIGTERM while a request is half-received: the server must finish
// that request, answer it, and exit 0.
func TestSIGTERMGraceful(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	s := start(t, db, "--demo", "--sim-delay", "100ms")
	token := s.demoToken()

	body := `{"code":"MLBB_ID_5","referenceNumber":"term-1","data":"12345678"}`
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head := fmt.Sprintf("POST /api/v1/order HTTP/1.1\r\nHost: kios\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", token, len(body))
	if _, err := io.WriteString(conn, head+body[:20]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the handler is now waiting for the rest of the body
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if !s.running() {
		t.Fatal("server exited with a request in flight")
	}
	if _, err := io.WriteString(conn, body[20:]); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request got no answer: %v", err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var env envelope
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &env) != nil || env.Error || !strings.Contains(string(env.Data), "invoiceNumber") {
		t.Errorf("in-flight order: %d %s", resp.StatusCode, raw)
	}
	if code := s.wait(20 * time.Second); code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", code)
	}
	if !strings.Contains(s.stderr.String(), `"msg":"stopped"`) {
		t.Errorf("no clean stop in the log:\n%s", s.stderr.String())
	}
	// New connections are refused once it has gone.
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(s.base, "http://"), time.Second); err == nil {
		t.Error("server still accepts connections after exiting")
	}

	// The order accepted during shutdown is not lost: after a restart it is final and the ledger clean.
	s2 := start(t, db, "--demo")
	token = s2.demoToken()
	var st orderStatus
	s2.mustCall(token, "/api/v1/status-order/"+extractInvoice(t, env.Data), nil, &st)
	s2.waitFinal(token, []string{st.InvoiceNumber}, 20*time.Second)
	if code, out := kios(t, db, "ledger", "check"); code != 0 {
		t.Errorf("ledger check: %s", out)
	}
}

func extractInvoice(t *testing.T, data json.RawMessage) string {
	t.Helper()
	var d struct {
		InvoiceNumber string `json:"invoiceNumber"`
	}
	if err := json.Unmarshal(data, &d); err != nil || d.InvoiceNumber == "" {
		t.Fatalf("no invoice in %s", data)
	}
	return d.InvoiceNumber
}

// TestFlagsAndEnvReachTheServer configures the server by environment (KIOS_ADDR, KIOS_DB) and
// checks that --trusted-proxy and the rate limit flags take effect.
func TestFlagsAndEnvReachTheServer(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	s := startEnv(t, db, []string{"KIOS_ADDR=127.0.0.1:0", "KIOS_DB=" + db, "KIOS_ADMIN_ADDR=127.0.0.1:0"},
		"--demo", "--trusted-proxy", "127.0.0.1/32", "--rate-limit", "1", "--rate-burst", "3")
	token := s.demoToken()
	if _, err := os.Stat(strings.TrimPrefix(db, "sqlite:")); err != nil {
		t.Fatalf("KIOS_DB not used: %v", err)
	}

	// The peer (127.0.0.1) is a trusted proxy, so the client is who X-Forwarded-For names: not
	// loopback, and the demo reseller may call from loopback only.
	req, _ := http.NewRequest(http.MethodPost, s.base+"/api/v1/balance", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("request forwarded for 203.0.113.9: %d, want 403", resp.StatusCode)
	}

	// Without X-Forwarded-For the client behind the proxy is unknown: refused, never taken for
	// the proxy itself (issue 14).
	if code, _ := s.call(token, "/api/v1/balance", nil); code != http.StatusForbidden {
		t.Errorf("request through the proxy without X-Forwarded-For: %d, want 403", code)
	}

	// One request a second with a burst of 3: a quick run of 6 must meet a 429. The proxy names
	// the client 127.0.0.2: loopback, which the demo reseller may call from, and not the proxy.
	var codes []int
	for i := 0; i < 6; i++ {
		req, _ := http.NewRequest(http.MethodPost, s.base+"/api/v1/balance", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("X-Forwarded-For", "127.0.0.2")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
	}
	if codes[0] != http.StatusOK || !slices.Contains(codes, http.StatusTooManyRequests) {
		t.Errorf("codes of 6 quick requests at --rate-limit 1: %v", codes)
	}
}

// openRaw opens db for the test's own SQL, beside Kios.
func openRaw(t *testing.T, db string) *sql.DB {
	t.Helper()
	var raw *sql.DB
	var err error
	if backend.Kind(db) == "postgres" {
		raw, _, err = postgres.Connect(context.Background(), db, 2)
	} else {
		raw, err = sql.Open("sqlite", "file:"+backend.SQLitePath(db)+"?_pragma=busy_timeout(5000)&mode=ro")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}
