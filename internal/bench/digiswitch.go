package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	ds "github.com/kios-h2h/kios/client/digiswitch"
)

// digiswitch drives the Digiswitch H2H dialect: transaction, cek-saldo and price-list, each
// signed as the dialect requires (the signing is part of a real client's cost, so it is timed).
type digiswitch struct {
	poster
	creds []cred
	skus  int
	run   string
	hdr   http.Header
	// Signs that do not depend on the request, per client.
	listSign, depoSign []string
	mu                 sync.Mutex
	last               []byte
}

func newDigiswitch(c *http.Client, t *target) *digiswitch {
	d := &digiswitch{
		poster: poster{c: c, base: t.base}, creds: t.creds, skus: t.skus,
		run: strconv.FormatInt(time.Now().UnixNano()%1e9, 36),
		hdr: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}},
	}
	for _, c := range t.creds {
		d.listSign = append(d.listSign, ds.Sign(c.username, c.apiKey, ds.SuffixPriceList))
		d.depoSign = append(d.depoSign, ds.Sign(c.username, c.apiKey, ds.SuffixDeposit))
	}
	return d
}

func (d *digiswitch) slot(worker int) int { return worker % len(d.creds) }

// answer reads {"data":{...,"rc":...}}: a refusal (HTTP 200 with a failing rc, or a 5xx) is an
// error counted by rc.
func answer(status int, body []byte, data any) error {
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return httpError(status, "not an envelope")
	}
	var rc struct {
		RC      string `json:"rc"`
		Message string `json:"message"`
	}
	if bytes.HasPrefix(bytes.TrimSpace(env.Data), []byte("{")) {
		_ = json.Unmarshal(env.Data, &rc)
	}
	if status != http.StatusOK {
		return &codeError{code: strconv.Itoa(status) + "/rc" + rc.RC, msg: rc.Message}
	}
	if rc.RC != "" && rc.RC != ds.RCSuccess && !ds.IsPending(rc.RC) {
		return &codeError{code: "rc" + rc.RC, msg: rc.Message}
	}
	if data != nil {
		return json.Unmarshal(env.Data, data)
	}
	return nil
}

// order places a prepaid transaction. The handle it returns is what status needs to ask again:
// in this dialect the status check is the same request resent.
func (d *digiswitch) order(ctx context.Context, worker int, n int64) (string, error) {
	code := "MLBB_ID_5"
	if d.skus > 0 {
		code = benchSKU(int(n % int64(d.skus)))
	}
	ref := "bench-" + d.run + "-" + strconv.FormatInt(n, 10)
	dest := fmt.Sprintf("0812%07d2", n%10_000_000)
	if err := d.transaction(ctx, worker, code, dest, ref, nil); err != nil {
		return "", err
	}
	return strings.Join([]string{ref, code, dest}, "|"), nil
}

func (d *digiswitch) transaction(ctx context.Context, worker int, code, dest, ref string, out *ds.TransactionResponse) error {
	c := d.creds[d.slot(worker)]
	req, _ := json.Marshal(ds.TransactionRequest{Username: c.username, Code: code, CustomerNo: dest, RefID: ref, Sign: ds.Sign(c.username, c.apiKey, ref)})
	status, buf, err := d.post(ctx, ds.PathTransaction, d.hdr, req)
	if err != nil {
		return err
	}
	defer d.release(buf)
	var tr ds.TransactionResponse
	if err := answer(status, buf.Bytes(), &tr); err != nil {
		return err
	}
	if out != nil {
		*out = tr
	}
	return nil
}

func (d *digiswitch) balance(ctx context.Context, worker int) (int, error) {
	s := d.slot(worker)
	req, _ := json.Marshal(ds.BalanceRequest{Cmd: "deposit", Username: d.creds[s].username, Sign: d.depoSign[s]})
	status, buf, err := d.post(ctx, ds.PathBalance, d.hdr, req)
	if err != nil {
		return 0, err
	}
	defer d.release(buf)
	return buf.Len(), answer(status, buf.Bytes(), nil)
}

func (d *digiswitch) priceList(ctx context.Context, worker int) (int, error) {
	s := d.slot(worker)
	req, _ := json.Marshal(ds.PriceListRequest{Command: ds.CommandPrepaid, Username: d.creds[s].username, Sign: d.listSign[s]})
	status, buf, err := d.post(ctx, ds.PathPriceList, d.hdr, req)
	if err != nil {
		return 0, err
	}
	defer d.release(buf)
	b := buf.Bytes()
	// A list is an array; only a refusal is an object worth decoding.
	if status != http.StatusOK || !bytes.HasPrefix(b, []byte(`{"data":[`)) {
		return 0, answer(status, b, nil)
	}
	d.mu.Lock()
	if d.last == nil {
		d.last = bytes.Clone(b)
	}
	d.mu.Unlock()
	return len(b), nil
}

func (d *digiswitch) status(ctx context.Context, worker int, handle string) (bool, error) {
	parts := strings.SplitN(handle, "|", 3)
	if len(parts) != 3 {
		return false, fmt.Errorf("bad handle %q", handle)
	}
	var tr ds.TransactionResponse
	if err := d.transaction(ctx, worker, parts[1], parts[2], parts[0], &tr); err != nil {
		var ce *codeError
		if errors.As(err, &ce) && ce.code == "rc"+ds.RCFailed {
			return true, nil // final: failed
		}
		return false, err
	}
	return !ds.IsPending(tr.RC), nil
}

func (d *digiswitch) lastPriceList() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.last
}
