package payment

// The payment records as the core's callers see them (the store keeps them under its old names,
// as aliases): a registered gateway's configuration, a payment, a callback as received.

import "time"

// Payment is one payment at a gateway, or one credit mutation a feed reported.
type Payment struct {
	ID          int64
	GatewayID   int64
	Gateway     string // the gateway's name, filled by reads
	Reference   string
	TicketID    int64 // 0: none (an unmatched mutation)
	Ticket      string
	ResellerID  int64
	Username    string
	Method      string
	Amount      int64 // what the payer must pay
	PaidAmount  int64
	Fee         int64
	PayCode     string
	QRString    string
	CheckoutURL string
	Status      string
	Flag        string
	CreditTxn   string
	Detail      string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	PaidAt      time.Time
}

// Callback is one callback as received.
type Callback struct {
	ID          int64
	GatewayID   int64 // 0 when the name is no gateway's
	Gateway     string
	RemoteAddr  string
	ContentType string
	Headers     string
	Body        string
	Verified    bool
	Result      string
	Reference   string
	ReceivedAt  time.Time
}

// GatewayConfig is a payment gateway or mutation feed as registered. APIKey, PrivateKey, ServerKey,
// CallbackToken and Secret are secrets: the adapter needs them in clear, nothing lists them back.
type GatewayConfig struct {
	ID            int64
	Name          string
	Kind          string
	BaseURL       string
	MerchantCode  string
	APIKey        string
	PrivateKey    string
	ServerKey     string
	CallbackToken string
	Secret        string
	Methods       []string
	FeePolicy     string
	Enabled       bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}
