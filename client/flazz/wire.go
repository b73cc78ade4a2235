package flazz

// Price-list commands and postpaid transaction commands, the same words in every member (the
// field that carries them is named differently).
const (
	CommandPrepaid = "prepaid"
	CommandPasca   = "pasca"

	CommandInquiry = "inq-pasca"
	CommandPay     = "pay-pasca"
	CommandStatus  = "status-pasca"
)

// Envelope wraps every answer and every callback body: {"data": …}.
type Envelope[T any] struct {
	Data T `json:"data"`
}

// Refusal is the part of an answer's data that says whether it is a refusal.
type Refusal struct {
	RC      string `json:"rc"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

// DepositRequest opens a deposit ticket. Its sign's suffix is the member's (SuffixDeposit).
type DepositRequest struct {
	Username  string `json:"username"`
	Amount    int64  `json:"amount"`
	Bank      string `json:"bank"`
	OwnerName string `json:"owner_name"`
	Sign      string `json:"sign"`
	// Method (a Kios extension) pays the deposit through a payment gateway instead of a bank
	// transfer, e.g. "QRIS": the answer then carries the gateway's instructions (Payment). Bank
	// and owner_name are not needed with it.
	Method string `json:"method,omitempty"`
}

// Payment is how to pay a deposit opened with a method (a Kios extension; absent without one):
// the ticket, the gateway's reference, when it expires, and whichever of a pay code (virtual
// account), a QR string or a checkout link the gateway gave. The deposit is credited when the
// gateway reports it paid.
type Payment struct {
	Ticket      string `json:"ticket,omitempty"`
	Reference   string `json:"reference,omitempty"`
	Method      string `json:"method,omitempty"`
	ExpiresAt   string `json:"expires_at,omitempty"`
	PayCode     string `json:"pay_code,omitempty"`
	QRString    string `json:"qr_string,omitempty"`
	CheckoutURL string `json:"checkout_url,omitempty"`
}

// CustomerRequest checks a PLN prepaid customer before a token is sold (Digiflazz's inquiry-pln,
// Digiswitch's token). Sign = Sign(username, apiKey, CustomerNo).
type CustomerRequest struct {
	Username   string `json:"username"`
	CustomerNo string `json:"customer_no"`
	Sign       string `json:"sign"`
}

// PLNCustomer is a PLN prepaid customer, as a customer check answers it.
type PLNCustomer struct {
	CustomerNo   string `json:"customer_no"`
	MeterNo      string `json:"meter_no"`
	SubscriberID string `json:"subscriber_id"`
	Name         string `json:"name"`
	SegmentPower string `json:"segment_power"`
}
