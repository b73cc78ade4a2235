// Package catalog holds what Kios sells: products (a game, an operator, a biller) and their
// variants (SKUs), with a price per membership tier, stock, a daily cut-off window in
// Asia/Jakarta time and the multi rule. It holds types and pure rules only: no SQL, no HTTP.
package catalog

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultTier is the price tier used when a variant has no price for a reseller's own tier.
const DefaultTier = "default"

// Kind tells a prepaid variant (bought outright) from a postpaid one (a bill looked up first).
type Kind string

const (
	Prepaid  Kind = "prepaid"
	Postpaid Kind = "postpaid"
)

// Product groups variants: a game, an operator, a biller.
type Product struct {
	ID       int64
	Code     string // e.g. "mobile-legends"
	Name     string // e.g. "Mobile Legends"
	Category string // e.g. "Games", "Pulsa", "Pascabayar"
	Brand    string // e.g. "MOBILE LEGENDS", "TELKOMSEL"
	Active   bool
	// RequireValidID: an order whose destination the ID check says does not exist is refused
	// before any money is held (issue 19).
	RequireValidID bool
	// DestFormat and DestPattern describe the destination (the order's "data"): the fields a
	// buyer fills in and how they are joined, "{user_id:User ID}({zone_id:Zone ID})", and what
	// the joined destination must match, `^\d{6,12}\(\d{1,6}\)$`. Empty: one ID or number.
	// See dest.go.
	DestFormat  string
	DestPattern string
	// Image is the URL of the product's picture (http or https; "" for none): the store shows
	// it, fetched once, resized and cached (package storefront).
	Image string
}

// Variant is one SKU of a product.
type Variant struct {
	ID              int64
	ProductID       int64
	ProductCode     string
	ProductName     string
	Code            string // e.g. "MLBB_ID_5"
	Name            string // e.g. "5 (5+0) Diamonds"
	Kind            Kind
	Type            string // e.g. "Umum"
	Description     string
	Active          bool
	UnlimitedStock  bool
	Stock           int64
	Multi           bool
	CutoffStart     Clock
	CutoffEnd       Clock
	ProcessDuration string // seconds, as a string, the BASSTORE way
	Admin           int64  // postpaid admin fee charged on top of the bill
	Commission      int64  // postpaid: part of the admin fee left to the reseller
	Prices          map[string]int64
}

// PriceFor returns the variant's price for a membership tier, falling back to the default tier.
func (v *Variant) PriceFor(tier string) (int64, bool) {
	if p, ok := v.Prices[tier]; ok {
		return p, true
	}
	p, ok := v.Prices[DefaultTier]
	return p, ok
}

// Clock is a time of day in minutes after midnight, Asia/Jakarta.
type Clock int

// ParseClock reads "h:m" or "hh:mm" (both forms appear in the wild).
func ParseClock(s string) (Clock, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	hs, ms, ok := strings.Cut(s, ":")
	if !ok {
		return 0, fmt.Errorf("clock %q: want h:m", s)
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, fmt.Errorf("clock %q: want h:m with 0<=h<24, 0<=m<60", s)
	}
	return Clock(h*60 + m), nil
}

// String renders the clock as the Digiswitch price list does: "h:m" without padding ("0:0", "23:45").
func (c Clock) String() string { return fmt.Sprintf("%d:%d", int(c)/60, int(c)%60) }

// Padded renders "hh:mm".
func (c Clock) Padded() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// Jakarta is Asia/Jakarta. Indonesia has had no daylight saving since 1964, so a fixed zone is
// exact and spares every binary a dependency on the host's tzdata.
var Jakarta = time.FixedZone("WIB", 7*3600)

// InCutoff reports whether t falls in the daily cut-off window [start, end). Equal start and end
// mean no window. A window may wrap midnight (23:45 to 0:15).
func (v *Variant) InCutoff(t time.Time) bool {
	return InWindow(v.CutoffStart, v.CutoffEnd, t)
}

// InWindow reports whether t (any zone) falls in the Jakarta window [start, end).
func InWindow(start, end Clock, t time.Time) bool {
	if start == end {
		return false
	}
	j := t.In(Jakarta)
	now := Clock(j.Hour()*60 + j.Minute())
	if start < end {
		return now >= start && now < end
	}
	return now >= start || now < end
}

// Day is the Jakarta calendar day of t, "2006-01-02"; the multi rule and postpaid payments count
// days this way.
func Day(t time.Time) string { return t.In(Jakarta).Format("2006-01-02") }

// Errors a variant can refuse an order with.
var (
	ErrInactive   = errors.New("variant inactive")
	ErrOutOfStock = errors.New("variant out of stock")
	ErrCutoff     = errors.New("variant inside its cut-off window")
	ErrNoPrice    = errors.New("variant has no price for this tier")
	// ErrDisrupted: every supplier of the variant is down (circuit open, demoted or out of
	// balance) — gangguan — so an order would only be accepted to fail.
	ErrDisrupted = errors.New("variant disrupted: no supplier can take it now")
	// ErrWrongOperator: the destination's prefix belongs to another operator than the variant's.
	ErrWrongOperator = errors.New("destination number does not belong to the variant's operator")
)

// Sellable checks the rules that need no database: active flag and cut-off window. Stock and the
// multi rule are checked where they are taken, inside the order's transaction.
func (v *Variant) Sellable(productActive bool, now time.Time) error {
	if !v.Active || !productActive {
		return ErrInactive
	}
	if v.InCutoff(now) {
		return ErrCutoff
	}
	return nil
}
