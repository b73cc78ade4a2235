package payment

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// duitku speaks Duitku's API (https://docs.duitku.com/api/en/):
//
//	POST {base}/webapi/api/merchant/v2/inquiry
//	  signature = md5(merchantCode + merchantOrderId + paymentAmount + apiKey)
//	POST {base}/webapi/api/merchant/transactionStatus
//	  signature = md5(merchantCode + merchantOrderId + apiKey)
//	callback (form POST): signature = md5(merchantCode + amount + merchantOrderId + apiKey),
//	  resultCode "00" paid, "01" failed
//
// A paid callback is confirmed with transactionStatus (statusCode "00") before it counts.
// Base URLs: https://sandbox.duitku.com, https://passport.duitku.com.
type duitku struct{ c Config }

type duitkuInquiry struct {
	MerchantCode    string `json:"merchantCode"`
	PaymentAmount   int64  `json:"paymentAmount"`
	PaymentMethod   string `json:"paymentMethod"`
	MerchantOrderID string `json:"merchantOrderId"`
	ProductDetails  string `json:"productDetails"`
	Email           string `json:"email"`
	PhoneNumber     string `json:"phoneNumber,omitempty"`
	CustomerVaName  string `json:"customerVaName"`
	CallbackURL     string `json:"callbackUrl"`
	ReturnURL       string `json:"returnUrl"`
	ExpiryPeriod    int    `json:"expiryPeriod,omitempty"`
	Signature       string `json:"signature"`
}

type duitkuInquiryAnswer struct {
	MerchantCode  string `json:"merchantCode"`
	Reference     string `json:"reference"`
	PaymentURL    string `json:"paymentUrl"`
	VANumber      string `json:"vaNumber"`
	QRString      string `json:"qrString"`
	Amount        any    `json:"amount"`
	StatusCode    string `json:"statusCode"`
	StatusMessage string `json:"statusMessage"`
}

type duitkuStatusAnswer struct {
	MerchantOrderID string `json:"merchantOrderId"`
	Reference       string `json:"reference"`
	Amount          any    `json:"amount"`
	Fee             any    `json:"fee"`
	StatusCode      string `json:"statusCode"`
	StatusMessage   string `json:"statusMessage"`
}

// DuitkuInquirySignature signs an inquiry.
func DuitkuInquirySignature(merchantCode, orderID string, amount int64, apiKey string) string {
	return MD5Hex(merchantCode + orderID + strconv.FormatInt(amount, 10) + apiKey)
}

// DuitkuCallbackSignature is a callback's signature; amount as the callback writes it.
func DuitkuCallbackSignature(merchantCode, amount, orderID, apiKey string) string {
	return MD5Hex(merchantCode + amount + orderID + apiKey)
}

// DuitkuStatusSignature signs a transactionStatus request.
func DuitkuStatusSignature(merchantCode, orderID, apiKey string) string {
	return MD5Hex(merchantCode + orderID + apiKey)
}

func (d *duitku) Create(ctx context.Context, c Charge) (*Instructions, error) {
	method, err := pickMethod(d.c, c.Method)
	if err != nil {
		return nil, err
	}
	req := duitkuInquiry{MerchantCode: d.c.MerchantCode, PaymentAmount: c.Amount, PaymentMethod: method, MerchantOrderID: c.OrderID,
		ProductDetails: "Deposit " + c.OrderID, Email: nonEmpty(c.CustomerEmail, "deposit@kios.invalid"), PhoneNumber: c.CustomerPhone,
		CustomerVaName: nonEmpty(c.CustomerName, "Reseller"), CallbackURL: c.CallbackURL, ReturnURL: nonEmpty(c.ReturnURL, c.CallbackURL),
		Signature: DuitkuInquirySignature(d.c.MerchantCode, c.OrderID, c.Amount, d.c.APIKey)}
	if !c.ExpiresAt.IsZero() {
		req.ExpiryPeriod = max(1, int(time.Until(c.ExpiresAt)/time.Minute))
	}
	var out duitkuInquiryAnswer
	if err := doJSON(ctx, d.c.HTTPClient, http.MethodPost, d.c.BaseURL+"/webapi/api/merchant/v2/inquiry", nil, req, &out); err != nil {
		return nil, fmt.Errorf("duitku %s: inquiry: %w", d.c.Name, err)
	}
	if out.StatusCode != "00" || out.Reference == "" {
		return nil, fmt.Errorf("duitku %s: inquiry: %w: %s %s", d.c.Name, ErrRefused, snippet([]byte(out.StatusCode)), snippet([]byte(out.StatusMessage)))
	}
	ins := &Instructions{Reference: out.Reference, Amount: c.Amount, Method: method, PayCode: out.VANumber, QRString: out.QRString,
		CheckoutURL: out.PaymentURL, ExpiresAt: c.ExpiresAt}
	if a, err := rupiah("amount", out.Amount, false); err == nil {
		ins.Amount = a
	}
	return ins, nil
}

func (d *duitku) Callback(ctx context.Context, h http.Header, body []byte) ([]Notice, error) {
	if ct := strings.ToLower(h.Get("Content-Type")); ct != "" && !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return nil, malformed("content type %q, want application/x-www-form-urlencoded", ct)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, malformed("form: %v", err)
	}
	one := func(k string) (string, error) {
		if len(form[k]) > 1 {
			return "", malformed("%s given %d times", k, len(form[k]))
		}
		return form.Get(k), nil
	}
	var f [4]string
	for i, k := range []string{"merchantCode", "amount", "merchantOrderId", "signature"} {
		if f[i], err = one(k); err != nil {
			return nil, err
		}
	}
	if f[0] != d.c.MerchantCode || !equalHex(f[3], DuitkuCallbackSignature(f[0], f[1], f[2], d.c.APIKey)) {
		return nil, ErrSignature
	}
	n := Notice{}
	if n.OrderID, err = text("merchantOrderId", f[2], true); err != nil {
		return nil, err
	}
	if n.Reference, err = text("reference", form.Get("reference"), true); err != nil {
		return nil, err
	}
	if n.Method, err = text("paymentCode", form.Get("paymentCode"), false); err != nil {
		return nil, err
	}
	if n.Amount, err = rupiah("amount", f[1], false); err != nil {
		return nil, err
	}
	result := form.Get("resultCode")
	n.Detail = "resultCode " + snippet([]byte(result))
	switch result {
	case "00":
	case "01", "02":
		n.Status = Failed
		return []Notice{n}, nil
	default:
		return nil, malformed("resultCode %q", snippet([]byte(result)))
	}
	st, err := d.status(ctx, n.OrderID)
	if err != nil {
		return nil, err
	}
	if st.Reference != "" && st.Reference != n.Reference {
		return nil, fmt.Errorf("duitku %s: status of %s: %w: names reference %q, callback %q", d.c.Name, n.OrderID, ErrUpstream, snippet([]byte(st.Reference)), n.Reference)
	}
	n.Detail += ", status " + st.StatusCode
	switch st.StatusCode {
	case "00":
		n.Status = Paid
	case "01":
		n.Status = Pending
	default:
		n.Status = Failed
	}
	if n.Status == Paid {
		if n.Amount, err = rupiah("amount", st.Amount, false); err != nil {
			return nil, fmt.Errorf("duitku %s: status of %s: %w", d.c.Name, n.OrderID, ErrUpstream)
		}
		if st.Fee != nil {
			if fee, err := rupiah("fee", st.Fee, true); err == nil && fee <= n.Amount {
				n.Fee = fee
			}
		}
	}
	return []Notice{n}, nil
}

func (d *duitku) status(ctx context.Context, orderID string) (*duitkuStatusAnswer, error) {
	req := map[string]string{"merchantCode": d.c.MerchantCode, "merchantOrderId": orderID,
		"signature": DuitkuStatusSignature(d.c.MerchantCode, orderID, d.c.APIKey)}
	var out duitkuStatusAnswer
	if err := doJSON(ctx, d.c.HTTPClient, http.MethodPost, d.c.BaseURL+"/webapi/api/merchant/transactionStatus", nil, req, &out); err != nil {
		return nil, fmt.Errorf("duitku %s: status of %s: %w", d.c.Name, orderID, err)
	}
	if out.MerchantOrderID != orderID {
		return nil, fmt.Errorf("duitku %s: status of %s: %w: answer names %q", d.c.Name, orderID, ErrUpstream, snippet([]byte(out.MerchantOrderID)))
	}
	return &out, nil
}

func (d *duitku) Ack() (string, string) { return "text/plain; charset=utf-8", "SUCCESS" }

// DuitkuCallbackForm builds a callback form as Duitku posts it, signed with apiKey.
func DuitkuCallbackForm(merchantCode, orderID, reference string, amount int64, resultCode, apiKey string) []byte {
	a := strconv.FormatInt(amount, 10)
	v := url.Values{"merchantCode": {merchantCode}, "amount": {a}, "merchantOrderId": {orderID}, "productDetail": {"Deposit " + orderID},
		"additionalParam": {""}, "paymentCode": {"SP"}, "resultCode": {resultCode}, "merchantUserId": {""}, "reference": {reference},
		"signature": {DuitkuCallbackSignature(merchantCode, a, orderID, apiKey)}, "publisherOrderId": {"MGUMOZ" + orderID},
		"spUserHash": {""}, "settlementDate": {"2026-12-06"}, "issuerCode": {"93600523"}}
	return []byte(v.Encode())
}
