package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	wire "github.com/kios-h2h/kios/client/basstore"
)

// driver speaks one dialect. Its calls do no more on the client side than a real client must:
// answers are read whole, but a price list is not decoded, so that the client's CPU (which
// shares the machine with the server) goes to sending requests.
type driver interface {
	order(ctx context.Context, worker int, n int64) (invoice string, err error)
	balance(ctx context.Context, worker int) (int, error)
	priceList(ctx context.Context, worker int) (int, error)
	status(ctx context.Context, worker int, invoice string) (final bool, err error)
	// lastPriceList is a price-list answer's body, served by the static baseline.
	lastPriceList() []byte
}

func newDriver(dialect string, c *http.Client, t *target) (driver, error) {
	switch dialect {
	case "basstore":
		return newBasstore(c, t), nil
	case "digiswitch":
		return newDigiswitch(c, t), nil
	}
	return nil, fmt.Errorf("dialect %s: not in this build yet", dialect)
}

// poster sends JSON POSTs and reads answers into pooled buffers.
type poster struct {
	c    *http.Client
	base string
	bufs sync.Pool
}

// post sends body to path with the headers and returns the status and the answer, which the
// caller must hand back with release.
func (p *poster) post(ctx context.Context, path string, hdr http.Header, body []byte) (int, *bytes.Buffer, error) {
	var rd io.Reader = http.NoBody
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header = hdr
	resp, err := p.c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	buf, _ := p.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength)) // one allocation for a price list, not a dozen
	}
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		p.release(buf)
		return 0, nil, err
	}
	return resp.StatusCode, buf, nil
}

func (p *poster) release(b *bytes.Buffer) { p.bufs.Put(b) }

type basstore struct {
	poster
	hdrs    []http.Header // per worker, with its reseller's token
	product string
	skus    int
	run     string // makes references unique across runs against one target
	mu      sync.Mutex
	last    []byte
}

func newBasstore(c *http.Client, t *target) *basstore {
	d := &basstore{poster: poster{c: c, base: t.base}, product: benchProduct, skus: t.skus, run: strconv.FormatInt(time.Now().UnixNano()%1e9, 36)}
	if t.svc == nil {
		// A remote target: the demo catalog's.
		d.product, d.skus = "mobile-legends", 0
	}
	for _, c := range t.creds {
		d.hdrs = append(d.hdrs, http.Header{
			"Authorization": {"Bearer " + c.token},
			"Content-Type":  {"application/json"},
			"Accept":        {"application/json"},
		})
	}
	return d
}

func (d *basstore) hdr(worker int) http.Header { return d.hdrs[worker%len(d.hdrs)] }

// refusal reads an error envelope's code; an answer that is not one counts as its HTTP status.
func refusal(status int, body []byte) error {
	var env struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &env) != nil || env.Code == 0 {
		env.Code, env.Message = status, "not an envelope"
	}
	return httpError(env.Code, env.Message)
}

func (d *basstore) order(ctx context.Context, worker int, n int64) (string, error) {
	code := "MLBB_ID_5"
	if d.skus > 0 {
		code = benchSKU(int(n % int64(d.skus)))
	}
	// Destinations end in 2: never the simulator's failing "0000" or slow "1111".
	body, _ := json.Marshal(wire.OrderRequest{Code: code, ReferenceNumber: "bench-" + d.run + "-" + strconv.FormatInt(n, 10) + "-" + strconv.Itoa(worker), Data: fmt.Sprintf("0812%07d2", n%10_000_000)})
	status, buf, err := d.post(ctx, wire.PathOrder, d.hdr(worker), body)
	if err != nil {
		return "", err
	}
	defer d.release(buf)
	if status != http.StatusOK {
		return "", refusal(status, buf.Bytes())
	}
	var env struct {
		Data wire.OrderAnswer `json:"data"`
	}
	if err := json.Unmarshal(buf.Bytes(), &env); err != nil || env.Data.InvoiceNumber == "" {
		return "", httpError(status, "no invoiceNumber")
	}
	return env.Data.InvoiceNumber, nil
}

func (d *basstore) balance(ctx context.Context, worker int) (int, error) {
	status, buf, err := d.post(ctx, wire.PathBalance, d.hdr(worker), nil)
	if err != nil {
		return 0, err
	}
	defer d.release(buf)
	if status != http.StatusOK {
		return 0, refusal(status, buf.Bytes())
	}
	return buf.Len(), nil
}

func (d *basstore) priceList(ctx context.Context, worker int) (int, error) {
	body, _ := json.Marshal(wire.VariantRequest{Code: d.product})
	status, buf, err := d.post(ctx, wire.PathVariant, d.hdr(worker), body)
	if err != nil {
		return 0, err
	}
	defer d.release(buf)
	if status != http.StatusOK {
		return 0, refusal(status, buf.Bytes())
	}
	n := buf.Len()
	d.mu.Lock()
	if d.last == nil {
		d.last = bytes.Clone(buf.Bytes())
	}
	d.mu.Unlock()
	return n, nil
}

func (d *basstore) status(ctx context.Context, worker int, invoice string) (bool, error) {
	status, buf, err := d.post(ctx, wire.PathStatusOrder+invoice, d.hdr(worker), nil)
	if err != nil {
		return false, err
	}
	defer d.release(buf)
	if status != http.StatusOK {
		return false, refusal(status, buf.Bytes())
	}
	var env struct {
		Data wire.OrderStatus `json:"data"`
	}
	if err := json.Unmarshal(buf.Bytes(), &env); err != nil {
		return false, err
	}
	return env.Data.StatusCode == wire.StatusSuccess || env.Data.StatusCode == wire.StatusFailed, nil
}

func (d *basstore) lastPriceList() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.last
}
