// Package otomax connects Kios as a buyer to an Otomax/IRS center over its "via IP" dialect (or
// to another Kios's /otomax), implementing supplier.Supplier on client/otomax.
//
// Replies are free text, read with the supplier's patterns (client/otomax.Patterns; the operator
// sets them per supplier). The rules that keep money safe:
//
//   - A reply the patterns read as no outcome, or as two, is unknown: Kios asks again with the
//     status check (the same refID with check=1), never buys elsewhere, never refunds.
//   - A reply naming another reference (R#…) than the one asked about is unknown.
//   - A status check's failure counts only when the reply names the purchase: its reference or
//     its destination. A center's refusal of the check itself ("sign salah", "format salah")
//     says nothing of the purchase, which may have gone through.
//   - A purchase's failure that names neither is a refusal of the request (credentials, format):
//     nothing was bought, and the supplier is counted unreachable, so the next one may sell.
//   - The dialect has no max price. The cost a success states is reported as it is: core keeps
//     the success (the money is spent upstream), flags it over_limit and alerts when it is above
//     the order's limit, and never routes an order to this supplier while the product's known
//     cost (kios supplier map --cost) is above that limit.
package otomax

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"

	client "github.com/kios-h2h/kios/client/otomax"
	"github.com/kios-h2h/kios/internal/supplier"
)

// Supplier buys from an Otomax/IRS center.
type Supplier struct {
	name     string
	c        *client.Client
	patterns client.Patterns
	secret   string // the key its report-back URL carries
	log      *slog.Logger
}

// Config is a connector's registration.
type Config struct {
	Name     string
	BaseURL  string // the part before /trx
	MemberID string
	PIN      string
	Password string
	// Patterns read the center's replies (client/otomax.PatternTexts as JSON; "" the defaults).
	Patterns string
	// CallbackSecret is the key= its report-back URL must carry; "" accepts no report.
	CallbackSecret string
	Logger         *slog.Logger
	Options        []client.Option
}

// New returns the connector, or an error when its patterns do not compile.
func New(cfg Config) (*Supplier, error) {
	p := client.DefaultPatterns()
	if strings.TrimSpace(cfg.Patterns) != "" {
		t, err := client.ParsePatternTexts(cfg.Patterns)
		if err != nil {
			return nil, fmt.Errorf("supplier %s: %w", cfg.Name, err)
		}
		if p, err = client.CompilePatterns(t); err != nil {
			return nil, fmt.Errorf("supplier %s: %w", cfg.Name, err)
		}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	opts := append([]client.Option{client.WithPatterns(p)}, cfg.Options...)
	return &Supplier{name: cfg.Name, c: client.New(cfg.BaseURL, cfg.MemberID, cfg.PIN, cfg.Password, opts...), patterns: p,
		secret: cfg.CallbackSecret, log: log}, nil
}

// Name implements supplier.Supplier.
func (s *Supplier) Name() string { return s.name }

// Purchase implements supplier.Supplier.
func (s *Supplier) Purchase(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	r, err := s.c.Buy(ctx, trx(req))
	return s.outcome(req, false, r, err)
}

// Status implements supplier.Supplier: the same transaction with check=1.
func (s *Supplier) Status(ctx context.Context, req supplier.Request) (supplier.Result, error) {
	r, err := s.c.Check(ctx, trx(req))
	return s.outcome(req, true, r, err)
}

func trx(req supplier.Request) client.Trx {
	return client.Trx{Product: req.SKU, Dest: req.Destination, RefID: req.Reference}
}

// outcome reads a reply under the package's rules.
func (s *Supplier) outcome(req supplier.Request, status bool, r client.Reply, err error) (supplier.Result, error) {
	switch {
	case err == nil:
	case supplier.NotSent(err) && !status:
		return supplier.Result{State: supplier.Failed, Unreachable: true, Message: err.Error()}, nil
	default:
		return supplier.Result{}, fmt.Errorf("%s trx %s: %w: %w", s.name, req.Reference, supplier.ErrUnknownOutcome, err)
	}
	res, ok := s.read(req, status, r)
	if !ok {
		s.log.Warn("upstream reply not read as an outcome; asking again", "supplier", s.name, "ref", req.Reference, "reply", r.Text)
		return supplier.Result{}, fmt.Errorf("%s trx %s: reply %q: %w", s.name, req.Reference, clip(r.Text), supplier.ErrUnknownOutcome)
	}
	if res.State == supplier.Success && req.MaxPrice > 0 && res.Cost > req.MaxPrice {
		s.log.Warn("upstream success above the purchase's limit", "supplier", s.name, "ref", req.Reference, "cost", res.Cost, "max_price", req.MaxPrice)
	}
	return res, nil
}

// read maps a parsed reply to a result; ok is false when it is no outcome of this purchase.
func (s *Supplier) read(req supplier.Request, status bool, r client.Reply) (supplier.Result, bool) {
	res := supplier.Result{Message: clip(r.Text), Raw: r.Text}
	names := r.RefID == req.Reference || mentions(r.Text, req.Destination)
	switch r.Status {
	case client.StatusSuccess:
		res.State, res.SN, res.Cost = supplier.Success, sn(r.SN), r.Price
	case client.StatusPending:
		res.State, res.Cost = supplier.Pending, r.Price
	case client.StatusFailed:
		if status && !names {
			return supplier.Result{}, false
		}
		res.State, res.Unreachable = supplier.Failed, !names
		res.Customer = names && r.Customer
	default:
		return supplier.Result{}, false
	}
	return res, true
}

// mentions reports whether text names dest as a whole number (not inside a longer one).
func mentions(text, dest string) bool {
	if dest == "" {
		return false
	}
	for i := 0; ; {
		j := strings.Index(text[i:], dest)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(dest)
		if (start == 0 || !isDigit(text[start-1])) && (end == len(text) || !isDigit(text[end])) {
			return true
		}
		i = start + 1
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// sn is an SN as the reply gives it; "-" (Kios's and many centers' "none") is none.
func sn(s string) string {
	if strings.Trim(s, "-. ") == "" {
		return ""
	}
	return s
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// Balance implements supplier.Balancer.
func (s *Supplier) Balance(ctx context.Context) (int64, error) { return s.c.Balance(ctx) }

// ReadCallbackQuery implements supplier.QueryCallbackReader: the center's report-back GET,
// ?serverid=&clientid=&statuscode=&kp=&msisdn=&sn=&msg=, carrying key= (the supplier's callback
// secret, set in the report URL given to the center: the report has no signature of its own).
// clientid is Kios's reference; statuscode 1 is a success with sn, 2 a failure. The cost is read
// from msg with the price patterns.
func (s *Supplier) ReadCallbackQuery(q url.Values) (string, supplier.Result, error) {
	if s.secret == "" || subtle.ConstantTimeCompare([]byte(q.Get("key")), []byte(s.secret)) != 1 {
		return "", supplier.Result{}, supplier.ErrBadSignature
	}
	rep, err := client.ParseReport(q)
	if err != nil {
		return "", supplier.Result{}, fmt.Errorf("otomax report: %w", err)
	}
	shown := rep.Query() // the report without its key, for the record
	res := supplier.Result{Message: clip(rep.Msg), Raw: shown.Encode(), UpstreamRef: rep.ServerID}
	parsed := s.patterns.Parse(rep.Msg)
	if parsed.RefID != "" && parsed.RefID != rep.ClientID {
		return "", supplier.Result{}, errors.New("otomax report: its msg names another reference than its clientid")
	}
	switch rep.StatusCode {
	case client.ReportSuccess:
		res.State, res.SN, res.Cost = supplier.Success, sn(rep.SN), parsed.Price
		if res.SN == "" {
			res.SN = sn(parsed.SN)
		}
	default:
		res.State = supplier.Failed
	}
	return rep.ClientID, res, nil
}

var (
	_ supplier.Balancer            = (*Supplier)(nil)
	_ supplier.QueryCallbackReader = (*Supplier)(nil)
)
