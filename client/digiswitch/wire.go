package digiswitch

import (
	"encoding/json"

	"github.com/kios-h2h/kios/client/flazz"
)

// Endpoint paths, relative to the API's base URL.
const (
	PathPriceList   = "/v1/user/api/price-list"
	PathBalance     = "/v1/user/api/cek-saldo"
	PathDeposit     = "/v1/user/api/deposit"
	PathTransaction = "/v1/user/api/transaction"
	PathToken       = "/v1/user/api/token"
)

// Price-list commands and postpaid transaction commands.
const (
	CommandPrepaid = flazz.CommandPrepaid
	CommandPasca   = flazz.CommandPasca

	CommandInquiry = flazz.CommandInquiry
	CommandPay     = flazz.CommandPay
	CommandStatus  = flazz.CommandStatus
)

// Envelope wraps every answer: {"data": …}.
type Envelope[T any] = flazz.Envelope[T]

// ErrorData is the data of a refusal. RefID, CustomerNo and Code echo the request's, when the
// refusal is of a transaction and they are known.
type ErrorData struct {
	RefID      string `json:"ref_id,omitempty"`
	CustomerNo string `json:"customer_no,omitempty"`
	Code       string `json:"code,omitempty"`
	RC         string `json:"rc"`
	Status     string `json:"status"`
	Message    string `json:"message"`
}

// PriceListRequest asks for the prepaid or postpaid ("pasca") price list, optionally one code.
// Sign = Sign(username, apiKey, SuffixPriceList).
type PriceListRequest struct {
	Command  string `json:"command"`
	Username string `json:"username"`
	Code     string `json:"code,omitempty"`
	Sign     string `json:"sign"`
}

// PrepaidItem is one product of the prepaid price list. Cut-offs are "h:m" in Asia/Jakarta time
// ("0:0" to "0:0" means none).
type PrepaidItem struct {
	Name           string `json:"name"`
	Category       string `json:"category"`
	Brand          string `json:"brand"`
	Type           string `json:"type"`
	Price          int64  `json:"price"`
	Code           string `json:"code"`
	Status         bool   `json:"status"`
	UnlimitedStock bool   `json:"unlimited_stock"`
	Stock          int64  `json:"stock"`
	Multi          bool   `json:"multi"`
	StartCutOff    string `json:"start_cut_off"`
	EndCutOff      string `json:"end_cut_off"`
	Desc           string `json:"desc"`
}

// PascaItem is one product of the postpaid price list: Admin is the fee added to each bill,
// Commission the part of it left to the reseller.
type PascaItem struct {
	Name       string `json:"name"`
	Category   string `json:"category"`
	Brand      string `json:"brand"`
	Admin      int64  `json:"admin"`
	Commission int64  `json:"commission"`
	Code       string `json:"code"`
	Status     bool   `json:"status"`
	Desc       string `json:"desc"`
}

// BalanceRequest asks for the balance (cek-saldo). Cmd "deposit" is tolerated, as Digiflazz
// clients send it. Sign = Sign(username, apiKey, SuffixDeposit).
type BalanceRequest struct {
	Cmd      string `json:"cmd,omitempty"`
	Username string `json:"username"`
	Sign     string `json:"sign"`
}

// BalanceResponse is the reseller's available balance.
type BalanceResponse struct {
	Deposit int64 `json:"deposit"`
}

// DepositRequest opens a deposit ticket. Sign = Sign(username, apiKey, SuffixDeposit).
type DepositRequest = flazz.DepositRequest

// DepositResponse tells the exact amount to transfer (the requested amount plus a unique tail)
// and the text to put in the transfer's note. The balance is credited, once, when the transfer is
// seen.
type DepositResponse struct {
	RC     string `json:"rc"`
	Amount int64  `json:"amount"`
	Notes  string `json:"notes"`
	// With the request's method (a Kios extension): how to pay through the gateway.
	flazz.Payment
}

// TransactionRequest buys a prepaid product or, with Command set, inquires, pays or checks a
// postpaid bill. Sign = Sign(username, apiKey, RefID). Sending the same prepaid request again is
// the status check and charges nothing.
type TransactionRequest struct {
	Username    string `json:"username"`
	Command     string `json:"command,omitempty"`
	Code        string `json:"code"`
	CustomerNo  string `json:"customer_no"`
	RefID       string `json:"ref_id"`
	Testing     bool   `json:"testing,omitempty"`
	MaxPrice    int64  `json:"max_price,omitempty"`
	CallbackURL string `json:"cb_url,omitempty"`
	Sign        string `json:"sign"`
}

// TransactionResponse is a prepaid transaction's state. Balance is the available balance after
// the call; Price what the reseller pays.
type TransactionResponse struct {
	RefID      string `json:"ref_id"`
	CustomerNo string `json:"customer_no"`
	Code       string `json:"code"`
	Message    string `json:"message"`
	Status     string `json:"status"`
	RC         string `json:"rc"`
	SN         string `json:"sn"`
	Balance    int64  `json:"balance"`
	Price      int64  `json:"price"`
}

// PostpaidResponse is a postpaid bill's inquiry, payment or status. Price is what the reseller
// pays (bill + penalty + admin − commission), SellingPrice what it may charge its customer (bill +
// penalty + admin). Desc is the bill's detail; its shape depends on the biller (PLNDesc, PDAMDesc,
// BPJSDesc).
type PostpaidResponse struct {
	RefID        string          `json:"ref_id"`
	CustomerNo   string          `json:"customer_no"`
	Name         string          `json:"name"`
	Code         string          `json:"code"`
	Admin        int64           `json:"admin"`
	Message      string          `json:"message"`
	Status       string          `json:"status"`
	SN           string          `json:"sn"`
	RC           string          `json:"rc"`
	Balance      int64           `json:"balance"`
	Price        int64           `json:"price"`
	SellingPrice int64           `json:"selling_price"`
	Desc         json.RawMessage `json:"desc"`
}

// TokenRequest checks a PLN prepaid customer before selling a token.
// Sign = Sign(username, apiKey, CustomerNo).
type TokenRequest = flazz.CustomerRequest

// TokenResponse is a PLN prepaid customer.
type TokenResponse = flazz.PLNCustomer

// PLNDesc is the desc of a PLN postpaid bill. Amounts in Detail are strings, as on the wire.
type PLNDesc struct {
	Tarif         string      `json:"tarif"`
	Daya          int64       `json:"daya"`
	LembarTagihan int         `json:"lembar_tagihan"`
	Detail        []PLNDetail `json:"detail"`
}

// PLNDetail is one month of a PLN bill; the meter readings appear once the bill is paid.
type PLNDetail struct {
	Periode      string `json:"periode"`
	NilaiTagihan string `json:"nilai_tagihan"`
	Admin        string `json:"admin"`
	Denda        string `json:"denda"`
	MeterAwal    string `json:"meter_awal,omitempty"`
	MeterAkhir   string `json:"meter_akhir,omitempty"`
}

// PDAMDesc is the desc of a water (PDAM) bill.
type PDAMDesc struct {
	Tarif         string       `json:"tarif"`
	LembarTagihan int          `json:"lembar_tagihan"`
	Alamat        string       `json:"alamat"`
	JatuhTempo    string       `json:"jatuh_tempo"`
	Detail        []PDAMDetail `json:"detail"`
}

// PDAMDetail is one month of a PDAM bill.
type PDAMDetail struct {
	Periode      string `json:"periode"`
	NilaiTagihan string `json:"nilai_tagihan"`
	Denda        string `json:"denda"`
	MeterAwal    string `json:"meter_awal"`
	MeterAkhir   string `json:"meter_akhir"`
	BiayaLain    string `json:"biaya_lain"`
}

// BPJSDesc is the desc of a BPJS Kesehatan bill.
type BPJSDesc struct {
	JumlahPeserta string       `json:"jumlah_peserta"`
	LembarTagihan int          `json:"lembar_tagihan"`
	Alamat        string       `json:"alamat"`
	Detail        []BPJSDetail `json:"detail"`
}

// BPJSDetail is one month of a BPJS bill.
type BPJSDetail struct {
	Periode string `json:"periode"`
}
