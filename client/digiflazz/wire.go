package digiflazz

import (
	"encoding/json"

	"github.com/kios-h2h/kios/client/flazz"
)

// DefaultBaseURL is Digiflazz's own base URL. A Kios server serves the same API at
// "https://<kios-host>/v1".
const DefaultBaseURL = "https://api.digiflazz.com/v1"

// Endpoint names, relative to the base URL (which ends in "/v1").
const (
	EndpointBalance     = "/cek-saldo"
	EndpointPriceList   = "/price-list"
	EndpointDeposit     = "/deposit"
	EndpointTransaction = "/transaction"
	EndpointInquiryPLN  = "/inquiry-pln"
)

// Command values: Cmd of cek-saldo and price-list, Commands of a postpaid transaction.
const (
	CmdDeposit = "deposit"            // cek-saldo
	CmdPrepaid = flazz.CommandPrepaid // price-list, the default when cmd is absent
	CmdPasca   = flazz.CommandPasca   // price-list

	CommandInquiry = flazz.CommandInquiry
	CommandPay     = flazz.CommandPay
	CommandStatus  = flazz.CommandStatus
)

// Envelope wraps every answer and every webhook body: {"data": …}.
type Envelope[T any] = flazz.Envelope[T]

// ErrorData is the data of a refusal by cek-saldo, price-list or deposit: {rc, status, message}.
// Transaction and inquiry-pln refusals keep their endpoint's own shape, with Status "Gagal" and
// the refusal's rc.
type ErrorData = flazz.Refusal

// BalanceRequest is cek-saldo. Sign = Sign(username, apiKey, SuffixBalance).
type BalanceRequest struct {
	Cmd      string `json:"cmd"`
	Username string `json:"username"`
	Sign     string `json:"sign"`
}

// BalanceData answers cek-saldo: the buyer's available balance in rupiah.
type BalanceData struct {
	Deposit int64 `json:"deposit"`
}

// PriceListRequest asks for the prepaid or postpaid ("pasca") price list. Code, Category, Brand
// and Type narrow it; a list with none of them is the full list, which Digiflazz lets a buyer
// fetch once per 5 minutes (rc 83). Sign = Sign(username, apiKey, SuffixPriceList).
type PriceListRequest struct {
	Cmd      string `json:"cmd"`
	Username string `json:"username"`
	Code     string `json:"code,omitempty"`
	Category string `json:"category,omitempty"`
	Brand    string `json:"brand,omitempty"`
	Type     string `json:"type,omitempty"`
	Sign     string `json:"sign"`
}

// Filtered reports whether the request narrows the list.
func (r *PriceListRequest) Filtered() bool {
	return r.Code != "" || r.Category != "" || r.Brand != "" || r.Type != ""
}

// PrepaidItem is one product of the prepaid price list. BuyerProductStatus is whether the buyer
// may order it at all; SellerProductStatus whether it can be delivered now (outside its cut-off,
// in stock). Cut-offs are "h:m" in Asia/Jakarta time; equal start and end mean none.
type PrepaidItem struct {
	ProductName         string `json:"product_name"`
	Category            string `json:"category"`
	Brand               string `json:"brand"`
	Type                string `json:"type"`
	SellerName          string `json:"seller_name"`
	Price               int64  `json:"price"`
	BuyerSKUCode        string `json:"buyer_sku_code"`
	BuyerProductStatus  bool   `json:"buyer_product_status"`
	SellerProductStatus bool   `json:"seller_product_status"`
	UnlimitedStock      bool   `json:"unlimited_stock"`
	Stock               int64  `json:"stock"`
	Multi               bool   `json:"multi"`
	StartCutOff         string `json:"start_cut_off"`
	EndCutOff           string `json:"end_cut_off"`
	Desc                string `json:"desc"`
}

// PascaItem is one product of the postpaid price list: Admin is the fee added to each bill,
// Commission the part of it left to the buyer.
type PascaItem struct {
	ProductName         string `json:"product_name"`
	Category            string `json:"category"`
	Brand               string `json:"brand"`
	SellerName          string `json:"seller_name"`
	Admin               int64  `json:"admin"`
	Commission          int64  `json:"commission"`
	BuyerSKUCode        string `json:"buyer_sku_code"`
	BuyerProductStatus  bool   `json:"buyer_product_status"`
	SellerProductStatus bool   `json:"seller_product_status"`
	Desc                string `json:"desc"`
}

// DepositRequest opens a deposit ticket. Sign = Sign(username, apiKey, SuffixDeposit).
type DepositRequest = flazz.DepositRequest

// DepositData answers a deposit ticket: transfer exactly Amount (the requested amount with a
// unique tail) to AccountNo at Bank, with Notes in the transfer's note.
type DepositData struct {
	RC            string `json:"rc"`
	Bank          string `json:"bank"`
	PaymentMethod string `json:"payment_method"`
	AccountNo     string `json:"account_no"`
	Amount        int64  `json:"amount"`
	Notes         string `json:"notes"`
	// With the request's method (a Kios extension): how to pay through the gateway.
	flazz.Payment
}

// TransactionRequest is a prepaid purchase (Commands empty) or a postpaid command. Sending the
// same prepaid request again is its status check. Sign = Sign(username, apiKey, RefID).
type TransactionRequest struct {
	Username     string `json:"username"`
	Commands     string `json:"commands,omitempty"`
	BuyerSKUCode string `json:"buyer_sku_code"`
	CustomerNo   string `json:"customer_no"`
	RefID        string `json:"ref_id"`
	Sign         string `json:"sign"`
	Testing      bool   `json:"testing,omitempty"`
	MaxPrice     int64  `json:"max_price,omitempty"`
	CbURL        string `json:"cb_url,omitempty"`
	AllowDot     bool   `json:"allow_dot,omitempty"`
	Msg          string `json:"msg,omitempty"`
}

// TransactionData answers a prepaid transaction. BuyerLastSaldo is the buyer's balance after the
// call; Price what the buyer pays; Tele and WA the seller's contacts.
type TransactionData struct {
	RefID          string `json:"ref_id"`
	CustomerNo     string `json:"customer_no"`
	BuyerSKUCode   string `json:"buyer_sku_code"`
	Message        string `json:"message"`
	Status         string `json:"status"`
	RC             string `json:"rc"`
	SN             string `json:"sn"`
	BuyerLastSaldo int64  `json:"buyer_last_saldo"`
	Price          int64  `json:"price"`
	Tele           string `json:"tele"`
	WA             string `json:"wa"`
}

// PascaData answers a postpaid command. Price is what the buyer pays, SellingPrice what it may
// charge its customer (bill, penalty and admin), Admin the admin fee. Desc is the bill's detail,
// shaped per biller (PLN: tarif, daya, lembar_tagihan, detail[…]).
type PascaData struct {
	RefID          string          `json:"ref_id"`
	CustomerNo     string          `json:"customer_no"`
	CustomerName   string          `json:"customer_name"`
	BuyerSKUCode   string          `json:"buyer_sku_code"`
	Admin          int64           `json:"admin"`
	Message        string          `json:"message"`
	Status         string          `json:"status"`
	RC             string          `json:"rc"`
	SN             string          `json:"sn"`
	BuyerLastSaldo int64           `json:"buyer_last_saldo"`
	Price          int64           `json:"price"`
	SellingPrice   int64           `json:"selling_price"`
	Periode        string          `json:"periode,omitempty"`
	Desc           json.RawMessage `json:"desc,omitempty"`
}

// InquiryPLNRequest checks a PLN prepaid customer before a token is sold.
// Sign = Sign(username, apiKey, CustomerNo).
type InquiryPLNRequest = flazz.CustomerRequest

// InquiryPLNData answers inquiry-pln: the outcome, then the customer's fields.
type InquiryPLNData struct {
	Message string `json:"message"`
	Status  string `json:"status"`
	RC      string `json:"rc"`
	flazz.PLNCustomer
}
