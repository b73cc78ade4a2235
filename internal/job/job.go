// Package job holds the durable background job as the core's callers see it: a row of the jobs
// queue that a worker claims, works and ends or retries. The store keeps the queue; the core
// hands jobs to the callback and text workers through its methods (core.ClaimJobs…).
package job

import "time"

// Job is a unit of durable background work: fulfil an order, deliver a callback. It is inserted in
// the same transaction as the change that needs it, so the work can never be lost or appear
// without its cause.
type Job struct {
	ID          int64
	Kind        string
	OrderID     int64
	RunAt       time.Time
	Attempts    int
	LockedBy    string
	LockedUntil time.Time
	LastError   string
}

// Job kinds.
const (
	Fulfil   = "fulfil"
	Callback = "callback"
	// TextFinal pushes a text-channel order's final answer to its chat (order_id: the order).
	TextFinal = "textfinal"
	// TextSend sends one queued text reply (order_id: the text_outbox row, not an order).
	TextSend = "textsend"
	// Commission pays a settled order's commissions into its uplines' available balances,
	// each under its upline's key (order_id: the order; issue 21).
	Commission = "commission"
	// Transfer lands a transfer in transit: credits its downline under the downline's key
	// (order_id: the downline_transfers row, not an order).
	Transfer = "transfer"
)
