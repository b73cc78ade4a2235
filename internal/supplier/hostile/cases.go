package hostile

import (
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/supplier"
)

// Want is what a connector must make of one answer.
type Want struct {
	// State is the result's state; supplier.Unknown stands for an error wrapping
	// supplier.ErrUnknownOutcome; "" is not checked.
	State       supplier.State
	Unreachable bool
	Cost        int64 // checked on a success
}

// E2E is what an order through core, with the fake as its first supplier and an honest fake of
// the same dialect as its second, must end with. Every run also ends with exactly one capture or
// release and a clean ledger check.
type E2E struct {
	Status order.Status // "" leaves the outcome to core's rules (SN, cost bounds)
	Up     int          // purchases recorded at the hostile fake
	Backup int          // purchases recorded at the honest one; -1 is not checked
	Flag   string       // the order's one flag for the operator (store.Flag*), "" for none
}

// Case is one behaviour of the permanent suite.
type Case struct {
	Name     string
	Expect   string // the expected outcome in words, as docs/RELIABILITY.md lists it
	B        Behaviour
	MaxPrice int64 // the purchase's max_price
	Purchase Want  // the answer to the purchase
	Status   Want  // the answer to the first status check after it
	E2E      *E2E  // nil: connector level only
}

var (
	success    = Want{State: supplier.Success, Cost: Cost}
	pending    = Want{State: supplier.Pending}
	failed     = Want{State: supplier.Failed}
	unusable   = Want{State: supplier.Failed, Unreachable: true}
	unknown    = Want{State: supplier.Unknown}
	unchecked  = Want{}
	bought     = &E2E{Status: order.Success, Up: 1}
	elsewhere  = &E2E{Status: order.Success, Backup: 1}
	boughtBoth = &E2E{Status: order.Success, Up: 1, Backup: 1}
	// noSN: a success without the SN the product needs (core decides: V1 is prepaid, so it
	// does): asked after for core's SNWait, then settled, flagged and alerted; never bought
	// elsewhere.
	noSN = &E2E{Status: order.Success, Up: 1, Flag: "no_sn"}
	// overLimit: bought above the purchase's limit, the money spent upstream: kept as a
	// success (never refunded, never bought again elsewhere), flagged for the operator.
	overLimit = &E2E{Status: order.Success, Up: 1, Flag: "over_limit"}
)

// Cases lists the behaviours the suite runs against a fake of dialect d (at least 25 each).
func Cases(d Dialect) []Case {
	if d == Basstore {
		return basstoreCases()
	}
	return flazzCases()
}

// faultCases are the faults after (or before) which nothing is known: the purchase is Unknown,
// and the status check (the same request again) finds the one purchase.
func faultCases(onStatus Want) []Case {
	var out []Case
	for _, c := range []struct {
		name, expect string
		f            Fault
	}{
		{"timeout-after-recording", "timeout once recorded: unknown, asked again, bought once", Hang},
		{"timeout-before-recording", "timeout before recording: unknown; the status re-send is the only purchase", HangFirst},
		{"5xx-after-recording", "HTTP 500 once recorded: unknown, bought once", Err500},
		{"5xx-with-refusal", "HTTP 500 carrying a refusal in the dialect's shape: unknown, not a refusal", Err500Answer},
		{"garbage-body", "an HTML page with HTTP 200: unknown", Garbage},
		{"empty-body", "HTTP 200 with no body: unknown", Empty},
		{"truncated-body", "an answer cut off half-way: unknown", Truncated},
		{"reset-connection", "connection closed without an answer: unknown", Reset},
		{"429-after-recording", "rate limited after recording the purchase (HTTP 429, rc 85): unknown, never failed over", Limited},
		{"429-before-recording", "HTTP 429 without a body, nothing recorded: unknown; the re-send buys once", LimitedFirst},
	} {
		out = append(out, Case{Name: c.name, Expect: c.expect, B: Behaviour{Calls: []Fault{c.f}}, Purchase: unknown, Status: onStatus, E2E: bought})
	}
	return out
}

func flazzCases() []Case {
	refuse := func(name, rc, expect string, want Want, e2e *E2E) Case {
		return Case{Name: name, Expect: expect, B: Behaviour{Calls: []Fault{Refuse}, RC: rc}, Purchase: want, Status: unchecked, E2E: e2e}
	}
	onStatus := func(name, expect string, f Fault, rc string) Case {
		return Case{Name: name, Expect: expect, B: Behaviour{Calls: []Fault{Hang, f}, RC: rc}, Purchase: unknown, Status: unknown, E2E: bought}
	}
	cases := []Case{
		{Name: "success", Expect: "rc 00 naming our ref_id: success at its price", Purchase: success, Status: success, E2E: bought},
		{Name: "pending-then-success", Expect: "rc 03 twice, then 00: pending, then success", B: Behaviour{Pending: 2},
			Purchase: pending, Status: pending, E2E: bought},
		{Name: "pending-then-failed", Expect: "rc 03, then 02: failed; the next supplier buys", B: Behaviour{Pending: 1, Fail: true},
			Purchase: pending, Status: failed, E2E: boughtBoth},
		refuse("refuse-product-43", "43", "rc 43 on the purchase: failed, next supplier", failed, elsewhere),
		refuse("refuse-destination-54", "54", "rc 54 on the purchase: failed", failed, elsewhere),
		refuse("refuse-stock-68", "68", "rc 68 on the purchase: failed", failed, nil),
		refuse("refuse-unlisted-rc", "77", "an rc not in Kios's table on the purchase: failed (the family's rule)", failed, nil),
		refuse("refuse-balance-44", "44", "rc 44 on the purchase: failed, supplier unreachable", unusable, elsewhere),
		refuse("refuse-sign-41", "41", "rc 41 on the purchase: failed, supplier unreachable", unusable, nil),
		refuse("refuse-ip-45", "45", "rc 45 on the purchase: failed, supplier unreachable", unusable, nil),
		{Name: "ref-conflict-49", Expect: "rc 49 on the purchase: unknown (something exists under our ref_id)",
			B: Behaviour{Calls: []Fault{Refuse}, RC: "49"}, Purchase: unknown, Status: success, E2E: bought},
		{Name: "connection-refused", Expect: "nothing listens: a purchase fails, unreachable (next supplier); a status check is unknown",
			B: Behaviour{Calls: []Fault{Down}}, Purchase: unusable, Status: unknown, E2E: elsewhere},
		{Name: "other-ref-on-success", Expect: "rc 00 naming another ref_id: unknown, logged; asked again", B: Behaviour{Calls: []Fault{OtherRef}},
			Purchase: unknown, Status: success, E2E: bought},
		{Name: "other-ref-on-status", Expect: "a status answer naming another ref_id: unknown", B: Behaviour{Pending: 1, Calls: []Fault{OK, OtherRef}},
			Purchase: pending, Status: unknown, E2E: bought},
		{Name: "contradictory-answer", Expect: "rc 00 with status Gagal: unknown", B: Behaviour{Calls: []Fault{Contradict}},
			Purchase: unknown, Status: success, E2E: bought},
		{Name: "success-without-sn", Expect: "rc 00 without sn: success as answered (core decides whether the product needs one: a prepaid one does, so it is asked after for SNWait, then settled and flagged no_sn)",
			B: Behaviour{NoSN: true}, Purchase: success, Status: success, E2E: noSN},
		{Name: "huge-cost", Expect: "rc 00 at a price of 999,999: success with that cost, reported faithfully; through core the purchase's max_price makes the upstream refuse it (rc 69), and the next supplier buys",
			B: Behaviour{Price: 999999}, Purchase: Want{State: supplier.Success, Cost: 999999}, Status: unchecked, E2E: elsewhere},
		{Name: "price-raised-above-max", Expect: "price raised above the purchase's max_price: refused upstream with rc 69, failed; the next supplier buys",
			B: Behaviour{Price: 60000}, MaxPrice: 1000, Purchase: failed, Status: unchecked, E2E: elsewhere},
		{Name: "price-raised-max-ignored", Expect: "an upstream that ignores max_price and sells at 60,000: success with cost 60,000; core keeps the success (the money is spent), flags it over_limit, alerts and reprices",
			B: Behaviour{Price: 60000, IgnoreMax: true}, MaxPrice: 1000, Purchase: Want{State: supplier.Success, Cost: 60000}, Status: unchecked, E2E: overLimit},
		onStatus("rc44-on-status", "status re-send answered rc 44: unknown (it refuses the re-send, not the purchase)", Refuse, "44"),
		onStatus("rc85-on-status", "status re-send rate limited (HTTP 429, rc 85): unknown", Limited, ""),
		onStatus("rc63-on-status", "status re-send refused by the multi rule (rc 63): unknown", Refuse, "63"),
		onStatus("rc69-on-status", "status re-send refused above max_price (rc 69): unknown", Refuse, "69"),
		onStatus("rc41-on-status", "status re-send with a refused signature (rc 41): unknown", Refuse, "41"),
		onStatus("rc50-on-status", "status re-send answered 'not found' (rc 50) after recording: unknown", NotFound, ""),
		{Name: "early-callback", Expect: "a success callback before the purchase's answer: settles the order once",
			B: Behaviour{EarlyCallback: true, Pending: 1000}, Purchase: pending, Status: pending, E2E: bought},
		{Name: "contradictory-callbacks", Expect: "a success callback, then a failure callback: the first final outcome stands",
			B: Behaviour{ContradictoryCallbacks: true, Pending: 1000}, Purchase: pending, Status: pending, E2E: bought},
	}
	return append(cases, faultCases(success)...)
}

func basstoreCases() []Case {
	refuse := func(name string, code int, expect string, want Want, e2e *E2E) Case {
		return Case{Name: name, Expect: expect, B: Behaviour{Calls: []Fault{Refuse}, HTTP: code}, Purchase: want, Status: unchecked, E2E: e2e}
	}
	resend := func(name, expect string, f Fault, code int) Case {
		return Case{Name: name, Expect: expect, B: Behaviour{Calls: []Fault{Hang, f}, HTTP: code}, Purchase: unknown, Status: unknown, E2E: bought}
	}
	poll := func(name, expect string, f Fault, code int) Case {
		return Case{Name: name, Expect: expect, B: Behaviour{Polls: []Fault{f}, HTTP: code}, Purchase: pending, Status: unknown, E2E: bought}
	}
	cases := []Case{
		{Name: "success", Expect: "order accepted (invoice), status-order Success: success at its price", Purchase: pending, Status: success, E2E: bought},
		{Name: "pending-then-success", Expect: "status-order Pending twice, then Success", B: Behaviour{Pending: 2}, Purchase: pending, Status: pending, E2E: bought},
		{Name: "failed", Expect: "status-order Failed: failed; the next supplier buys", B: Behaviour{Fail: true}, Purchase: pending, Status: failed, E2E: boughtBoth},
		refuse("refuse-404", 404, "HTTP 404 on the order: failed, next supplier", failed, elsewhere),
		refuse("refuse-422", 422, "HTTP 422 on the order: failed", failed, nil),
		refuse("refuse-400", 400, "HTTP 400 on the order: failed", failed, nil),
		refuse("refuse-402", 402, "HTTP 402 (no deposit) on the order: failed, supplier unreachable", unusable, elsewhere),
		refuse("refuse-401", 401, "HTTP 401 on the order: failed, supplier unreachable", unusable, nil),
		refuse("refuse-403", 403, "HTTP 403 on the order: failed, supplier unreachable", unusable, nil),
		{Name: "conflict-409", Expect: "HTTP 409 on the order: unknown (something exists under our referenceNumber)",
			B: Behaviour{Calls: []Fault{Refuse}, HTTP: 409}, Purchase: unknown, Status: success, E2E: bought},
		{Name: "unlisted-4xx", Expect: "an HTTP 4xx not in BASSTORE's table (418): unknown",
			B: Behaviour{Calls: []Fault{Refuse}, HTTP: 418}, Purchase: unknown, Status: success, E2E: bought},
		{Name: "connection-refused", Expect: "nothing listens: a purchase fails, unreachable (next supplier); a status check is unknown",
			B: Behaviour{Calls: []Fault{Down}}, Purchase: unusable, Status: unknown, E2E: elsewhere},
		{Name: "no-invoice", Expect: "a success envelope without invoiceNumber: unknown; the re-sent order gives it",
			B: Behaviour{Calls: []Fault{NoInvoice}}, Purchase: unknown, Status: success, E2E: bought},
		poll("other-invoice-on-status", "status-order answering about another invoice: unknown, logged", OtherRef, 0),
		poll("other-reference-on-status", "status-order naming another referenceNumber: unknown, logged", OtherOrder, 0),
		poll("unknown-status-word", "status-order with statusCode \"Refunded\": unknown", Contradict, 0),
		poll("status-order-404", "status-order 404 for our own invoice: unknown", NotFound, 0),
		poll("status-order-429", "status-order rate limited: unknown", Limited, 0),
		poll("status-order-5xx", "status-order HTTP 500: unknown", Err500, 0),
		poll("status-order-402", "status-order HTTP 402: unknown", Refuse, 402),
		resend("resend-402", "the order re-sent as a status check refused 402: unknown (it refuses the re-send)", Refuse, 402),
		resend("resend-429", "the order re-sent as a status check rate limited: unknown", Limited, 0),
		resend("resend-401", "the order re-sent as a status check refused 401: unknown", Refuse, 401),
		{Name: "success-without-sn", Expect: "Success without sn: success as answered (core decides: asked after for SNWait, then settled and flagged no_sn)", B: Behaviour{NoSN: true},
			Purchase: pending, Status: success, E2E: noSN},
		{Name: "huge-cost", Expect: "Success at a price of 999,999 (BASSTORE has no max price): success with that cost; core keeps it (the money is spent), flags it over_limit and alerts",
			B: Behaviour{Price: 999999}, Purchase: pending, Status: Want{State: supplier.Success, Cost: 999999}, E2E: overLimit},
		{Name: "early-callback", Expect: "a success callback before the order's answer: settles the order once",
			B: Behaviour{EarlyCallback: true, Pending: 1000}, Purchase: pending, Status: pending, E2E: bought},
		{Name: "contradictory-callbacks", Expect: "a success callback, then a failure callback: the first final outcome stands",
			B: Behaviour{ContradictoryCallbacks: true, Pending: 1000}, Purchase: pending, Status: pending, E2E: bought},
	}
	return append(cases, faultCases(success)...)
}
