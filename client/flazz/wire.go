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
