package order

import "time"

// Filter narrows a listing of orders.
type Filter struct {
	ResellerID int64
	Status     Status
	Search     string // matches invoice, reference, destination or SN exactly
	Since      time.Time
	Limit      int // 0 means 100
}

// Attempt is one purchase of an order from one supplier. Its Reference is what Kios sent
// upstream; it is recorded (committed) before the request leaves, so that after any crash Kios
// knows it may have bought and asks for the status instead of buying again.
type Attempt struct {
	ID        int64
	OrderID   int64
	Supplier  string
	SKU       string
	Reference string
	State     string // "sent", then "success", "failed", "pending" or "unknown"
	SN        string
	Message   string
	Raw       string
	Cost      int64
	Polls     int
	// UpstreamRef is the supplier's own id for the purchase (BASSTORE's invoice), once known.
	UpstreamRef string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// AttemptOpen reports whether an attempt in state may still be bought upstream: sent, or answered
// pending or unknown. Such an attempt is asked after until it is decided.
func AttemptOpen(state string) bool {
	return state == "sent" || state == "pending" || state == "unknown"
}

// DaySales is one day's trade, by the Asia/Jakarta day orders are filed under.
type DaySales struct {
	Day     string // YYYY-MM-DD
	Orders  int64  // all orders placed that day, testing ones excluded
	Success int64
	Failed  int64
	Pending int64
	Sales   int64 // sum of prices of successful orders
	Cost    int64 // what suppliers charged for them
}

// Margin is what the day's successful orders earned over their cost.
func (d DaySales) Margin() int64 { return d.Sales - d.Cost }

// AttemptLogEntry is one upstream answer about an attempt.
type AttemptLogEntry struct {
	AttemptID int64
	Reference string
	State     string
	Message   string
	Raw       string
	At        time.Time
}
