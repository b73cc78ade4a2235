package flazz

// Status words of every answer.
const (
	StatusSuccess = "Sukses"
	StatusPending = "Pending"
	StatusFailed  = "Gagal"
)

// Response codes (rc) as Kios produces them, in every member of the family. A client treats
// RCPending and RCRouterIssue as pending, RCSuccess as success and anything else as a failure.
const (
	RCSuccess          = "00" // success
	RCBillerTimeout    = "01" // timeout at the biller; nothing was charged
	RCFailed           = "02" // transaction failed (the hold was released)
	RCPending          = "03" // in process
	RCPayload          = "40" // payload error: a field missing or of the wrong type
	RCSign             = "41" // invalid signature
	RCUsername         = "42" // unknown username (or suspended account)
	RCProduct          = "43" // product code not found or inactive
	RCBalance          = "44" // insufficient balance
	RCIP               = "45" // IP not allowed
	RCRefConflict      = "49" // ref_id already used for another transaction
	RCNotFound         = "50" // transaction not found
	RCWrongOperator    = "52" // the number's prefix belongs to another operator
	RCDisrupted        = "55" // product disrupted (gangguan): no supplier can take it now
	RCDestination      = "54" // wrong destination number
	RCCutoff           = "58" // cut-off in progress
	RCBillUnavailable  = "60" // bill not available or already paid
	RCMulti            = "63" // same product to the same destination today, product not multi
	RCDepositRefused   = "64" // deposit ticket refused
	RCOutOfStock       = "68" // out of stock
	RCPriceAboveMax    = "69" // price above max_price
	RCPriceListLimited = "83" // full price list fetched too often
	RCTooFast          = "85" // requests too fast for this account
	RCRouterIssue      = "99" // router issue, still in process
)

// StatusOf returns the status word that goes with an rc.
func StatusOf(rc string) string {
	switch rc {
	case RCSuccess:
		return StatusSuccess
	case RCPending, RCRouterIssue:
		return StatusPending
	}
	return StatusFailed
}

// IsPending reports whether rc means the transaction is still in process (03 or 99).
func IsPending(rc string) bool { return rc == RCPending || rc == RCRouterIssue }

// IsRefusal reports whether rc is a definite refusal or failure: present, and neither success
// nor pending.
func IsRefusal(rc string) bool { return rc != "" && rc != RCSuccess && !IsPending(rc) }
