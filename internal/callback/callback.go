// Package callback delivers final orders to resellers' callback URLs, in each order's dialect,
// signed with the reseller's api key. Deliveries are jobs in the database, queued in the same
// transaction that settles the order, so none is lost to a crash; each is retried with
// exponential backoff until a 2xx answer or until MaxAge has passed since the order became
// final. Delivery is at least once: a receiver de-duplicates by invoice (or X-Kios-Delivery).
package callback

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/kios-h2h/kios/internal/callbackurl"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect"
	"github.com/kios-h2h/kios/internal/job"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
)

// Config configures the callback workers.
type Config struct {
	// Node names this process in job leases.
	Node string
	// Workers is how many deliveries run at once; 0 means 8.
	Workers int
	// Lease is how long a claimed delivery stays this node's; 0 means 1 minute.
	Lease time.Duration
	// Poll is how often the queue is read; 0 means 1 s.
	Poll time.Duration
	// Timeout bounds one POST; 0 means 10 s.
	Timeout time.Duration
	// RetryBase is the first retry's delay, doubled each time up to RetryMax; 0 means 5 s.
	RetryBase time.Duration
	// RetryMax caps the delay between retries; 0 means 1 hour.
	RetryMax time.Duration
	// MaxAge is how long after the order became final delivery is still tried; 0 means 24 h.
	MaxAge time.Duration
	// Client sends the callbacks; nil means a client that follows no redirects and connects
	// to no special-purpose address (IANA registry: loopback, private, CGNAT, documentation,
	// reserved… see package callbackurl).
	Client *http.Client
	// AllowPrivate lets callbacks go to loopback, private, link-local and CGNAT addresses. Off,
	// a reseller cannot make Kios POST into the network it runs in (SSRF).
	AllowPrivate bool
	// Dialects renders each order's callback in the dialect it was placed in (see package
	// dialect); required.
	Dialects *dialect.Registry
}

func (c *Config) defaults() {
	if c.Node == "" {
		c.Node = "cb-" + reseller.NewSecret(4)
	}
	if c.Workers <= 0 {
		c.Workers = 8
	}
	if c.Lease <= 0 {
		c.Lease = time.Minute
	}
	if c.Poll <= 0 {
		c.Poll = time.Second
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.RetryBase <= 0 {
		c.RetryBase = 5 * time.Second
	}
	if c.RetryMax <= 0 {
		c.RetryMax = time.Hour
	}
	if c.MaxAge <= 0 {
		c.MaxAge = 24 * time.Hour
	}
	if c.Client == nil {
		c.Client = NewClient(c.AllowPrivate)
	}
}

// NewClient is the client callbacks are sent with: it follows no redirects and connects to no
// special-purpose address (callbackurl.CheckAddr; allowPrivate opens loopback, private…). The member area's test callback uses it too.
func NewClient(allowPrivate bool) *http.Client {
	// Checked on the address actually dialled, after DNS: a name that resolves to an internal
	// address is refused too.
	d := &net.Dialer{Timeout: 10 * time.Second, Control: dialFilter(allowPrivate)}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = d.DialContext
	tr.Proxy = nil
	return &http.Client{
		Transport: tr,
		// A redirect would re-send a signed body somewhere the reseller did not name.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Run works the callback queue until ctx ends, letting deliveries in flight finish.
func Run(ctx context.Context, svc *core.Service, cfg Config) error {
	cfg.defaults()
	if cfg.Dialects == nil {
		return errors.New("callback: no dialect registry")
	}
	w := &worker{svc: svc, log: svc.Logger().With("worker", "callback"), cfg: cfg}
	sem := make(chan struct{}, cfg.Workers)
	var wg sync.WaitGroup
	defer wg.Wait()
	ticker := time.NewTicker(cfg.Poll)
	defer ticker.Stop()
	kinds := []string{job.Callback}
	for {
		free := cfg.Workers - len(sem)
		if free > 0 {
			jobs, err := svc.ClaimJobs(ctx, cfg.Node, kinds, free, cfg.Lease)
			if err != nil && ctx.Err() == nil {
				w.log.Error("claim callbacks", "err", err)
			}
			for _, j := range jobs {
				sem <- struct{}{}
				wg.Add(1)
				go func(j job.Job) {
					defer func() { <-sem; wg.Done() }()
					w.deliver(context.WithoutCancel(ctx), j)
				}(j)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

type worker struct {
	svc *core.Service
	log *slog.Logger
	cfg Config
}

func (w *worker) deliver(ctx context.Context, j job.Job) {
	var rec *reseller.CallbackDelivery
	done, err := w.try(ctx, j, &rec)
	// What the reseller's URL answered is kept (in the same transaction as the job's end or
	// retry) for the member area's list of deliveries.
	if done {
		if err := w.svc.EndCallbackJob(ctx, j.ID, rec); err != nil {
			w.log.Error("callback job delete", "job", j.ID, "err", err)
		}
		return
	}
	retryAt := w.svc.Now().Add(w.backoff(j.Attempts))
	var ref *refused
	if errors.As(err, &ref) {
		retryAt = ref.until
	}
	if err := w.svc.RetryCallbackJob(ctx, j, retryAt, err.Error(), rec); err != nil {
		w.log.Error("callback job retry", "job", j.ID, "err", err)
	}
}

// backoff is the delay after the n-th failed delivery: RetryBase doubling up to RetryMax.
func (w *worker) backoff(n int) time.Duration {
	d := w.cfg.RetryBase
	for i := 1; i < n && d < w.cfg.RetryMax; i++ {
		d *= 2
	}
	return min(d, w.cfg.RetryMax)
}

// try makes one delivery. done means the job is over: delivered, given up, or pointless.
func (w *worker) try(ctx context.Context, j job.Job, rec **reseller.CallbackDelivery) (done bool, err error) {
	o, err := w.svc.OrderByID(ctx, j.OrderID)
	if errors.Is(err, order.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	log := w.log.With("invoice", o.Invoice, "attempt", j.Attempts)
	r, err := w.svc.ResellerByID(ctx, o.ResellerID)
	if err != nil {
		return false, err
	}
	url := o.CallbackURL
	if url == "" {
		url = r.CallbackURL
	}
	if url == "" {
		return true, nil // the reseller removed its URL since
	}
	d, ok, err := w.cfg.Dialects.Prepare(ctx, w.svc, o, r.APIKey, o.Invoice+"-"+strconv.FormatInt(j.ID, 10), url)
	if err != nil {
		return false, err
	}
	if !ok {
		return true, nil // nothing to report in the order's dialect
	}
	// The URL may carry the reseller's credentials (userinfo, token=…): never log them.
	shown := callbackurl.Redact(url)
	status, err := w.send(ctx, d)
	*rec = &reseller.CallbackDelivery{ResellerID: r.ID, Invoice: o.Invoice, URL: url, Status: status, Result: "OK"}
	if err != nil {
		(*rec).Result = err.Error()
	}
	if err == nil {
		log.Info("callback delivered", "url", shown)
		return true, nil
	}
	if age := w.svc.Now().Sub(o.UpdatedAt); age >= w.cfg.MaxAge {
		log.Error("callback abandoned", "url", shown, "age", age, "err", err)
		return true, err
	}
	if errors.Is(err, ErrPrivateAddress) {
		// Asking again will not change where the URL points: say so once, loudly, and keep the
		// job (with its error, for the operator to see) only until it is abandoned.
		log.Error("callback refused: the URL points at a special-purpose address; fix the URL (kios reseller set-callback) or run with --callback-allow-private", "url", shown, "err", err)
		return false, &refused{err: err, until: o.UpdatedAt.Add(w.cfg.MaxAge)}
	}
	log.Warn("callback failed; will retry", "url", shown, "err", err)
	return false, err
}

// refused is a delivery that no retry can make: retried once more only when it is abandoned.
type refused struct {
	err   error
	until time.Time
}

func (r *refused) Error() string { return r.err.Error() }
func (r *refused) Unwrap() error { return r.err }

// ErrPrivateAddress refuses a callback to a non-public address.
var ErrPrivateAddress = errors.New("callback to a loopback, private or other special-purpose address refused")

// dialFilter refuses to connect to a special-purpose address (see callbackurl.CheckAddr).
func dialFilter(allowPrivate bool) func(_, address string, _ syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip, err := netip.ParseAddr(host)
		if err != nil {
			return err
		}
		if err := callbackurl.CheckAddr(ip, allowPrivate); err != nil {
			return fmt.Errorf("%w: %w", ErrPrivateAddress, err)
		}
		return nil
	}
}

// PublicAddr reports whether a callback may be sent to ip without --callback-allow-private: not
// in any special-purpose block of the IANA registries (see callbackurl.CheckAddr).
func PublicAddr(ip netip.Addr) bool { return callbackurl.CheckAddr(ip, false) == nil }

func (w *worker) send(ctx context.Context, d Delivery) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	status, _, err := Send(ctx, w.cfg.Client, d)
	return status, err
}

// Post sends one callback by POST and returns the answer's status and the start of its body (up
// to 200 bytes); a status outside 2xx is an error too.
func Post(ctx context.Context, c *http.Client, url string, body []byte, h http.Header) (int, string, error) {
	return Send(ctx, c, Delivery{Method: http.MethodPost, URL: url, Body: body, Header: h})
}

// Delivery is one callback as it is sent (rendered by dialect.Registry.Prepare).
type Delivery = dialect.Delivery

// Send sends one callback as dialect.Registry.Prepare rendered it; the answer as Post's.
func Send(ctx context.Context, c *http.Client, d Delivery) (int, string, error) {
	var body io.Reader
	if d.Body != nil {
		body = bytes.NewReader(d.Body)
	}
	req, err := http.NewRequestWithContext(ctx, d.Method, d.URL, body)
	if err != nil {
		return 0, "", fmt.Errorf("callback request: %w", err)
	}
	req.Header = d.Header
	resp, err := c.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("callback %s: %w", strings.ToLower(d.Method), err)
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, string(head), fmt.Errorf("callback post: HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, string(head), nil
}
