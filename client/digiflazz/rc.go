package digiflazz

import "github.com/kios-h2h/kios/client/flazz"

// Status words of every answer.
const (
	StatusSuccess = flazz.StatusSuccess
	StatusPending = flazz.StatusPending
	StatusFailed  = flazz.StatusFailed
)

// Response codes (rc) as Kios produces them: the family's table (package flazz), the same as
// Kios's Digiswitch-style dialect. A client treats RCPending and RCRouterIssue as pending,
// RCSuccess as success and anything else as a failure (the Digiflazz rule).
const (
	RCSuccess          = flazz.RCSuccess
	RCBillerTimeout    = flazz.RCBillerTimeout
	RCFailed           = flazz.RCFailed
	RCPending          = flazz.RCPending
	RCPayload          = flazz.RCPayload
	RCSign             = flazz.RCSign
	RCUsername         = flazz.RCUsername
	RCProduct          = flazz.RCProduct
	RCBalance          = flazz.RCBalance
	RCIP               = flazz.RCIP
	RCRefConflict      = flazz.RCRefConflict
	RCNotFound         = flazz.RCNotFound
	RCDestination      = flazz.RCDestination
	RCCutoff           = flazz.RCCutoff
	RCBillUnavailable  = flazz.RCBillUnavailable
	RCMulti            = flazz.RCMulti
	RCDepositRefused   = flazz.RCDepositRefused
	RCOutOfStock       = flazz.RCOutOfStock
	RCPriceAboveMax    = flazz.RCPriceAboveMax
	RCPriceListLimited = flazz.RCPriceListLimited
	RCTooFast          = flazz.RCTooFast
	RCRouterIssue      = flazz.RCRouterIssue
)

// StatusOf returns the status word that goes with an rc.
func StatusOf(rc string) string { return flazz.StatusOf(rc) }

// IsPending reports whether rc means the transaction is still in process (03 or 99).
func IsPending(rc string) bool { return flazz.IsPending(rc) }
