package storefront

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/checkid"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/member"
	"github.com/kios-h2h/kios/internal/store"
)

func (h *handler) routeAPI(mux *http.ServeMux) {
	mux.HandleFunc("GET /shop/api/products", h.apiProducts)
	mux.HandleFunc("GET /shop/api/products/{code}", h.apiProduct)
	mux.HandleFunc("POST /shop/api/check-id", h.apiCheckID)
	mux.HandleFunc("POST /shop/api/checkout", h.apiCheckout)
	mux.HandleFunc("GET /shop/api/invoice/{invoice}", h.apiInvoice)
	mux.HandleFunc("GET /shop/img/{code}", h.productImage)
	mux.HandleFunc("/shop/api/", func(w http.ResponseWriter, r *http.Request) { h.fail(w, r, errNoEndpoint) })
}

// maxBody bounds a request body: a checkout is five short strings.
const maxBody = 8 << 10

func writeJSON(w http.ResponseWriter, status int, v any) { member.WriteJSON(w, status, v) }

// fail answers an error as {"error": its text in the caller's language, "code": a stable name,
// "field": the field at fault when there is one}.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	p := describe(err)
	if p.status == http.StatusInternalServerError {
		h.log.Error("storefront", "path", r.URL.Path, "err", err)
	}
	body := map[string]string{"error": p.text(member.Lang(r)), "code": p.code}
	if p.field != "" {
		body["field"] = p.field
	}
	writeJSON(w, p.status, body)
}

func (h *handler) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		h.fail(w, r, errBadBody)
		return false
	}
	return true
}

// productView is a product in the listing.
type productView struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Category string `json:"category"`
	Brand    string `json:"brand"`
	From     int64  `json:"from"` // the lowest retail price of its variants on sale
	Variants int    `json:"variants"`
	// Image is the product's picture as the store serves it (/shop/img/{code}, scaled and
	// cached), "" for none.
	Image string `json:"image,omitempty"`
	Sold  int64  `json:"-"` // delivered orders of the last 30 days: the home page's order
}

// variantView is a denomination with its retail price.
type variantView struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Price       int64  `json:"price"`
	Available   bool   `json:"available"`
}

// methodView is a payment method of an enabled gateway. Fee is what the buyer pays on top of
// the price: none, the gateway's fee is the operator's (posted to payment_fees).
type methodView struct {
	Code string `json:"code"`
	Fee  int64  `json:"fee"`
}

// productDetail is GET /shop/api/products/{code}.
type productDetail struct {
	productView
	Form
	Variants []variantView `json:"variants"`
	Methods  []methodView  `json:"methods"`
}

// catalogView is the prepaid catalog at retail prices: products with a variant on sale, and
// their variants.
func (h *handler) catalogView(ctx context.Context, q string) ([]productView, map[string][]variantView, error) {
	products, err := h.svc.Products(ctx)
	if err != nil {
		return nil, nil, err
	}
	vs, err := h.svc.Variants(ctx, store.VariantFilter{Kind: catalog.Prepaid})
	if err != nil {
		return nil, nil, err
	}
	now := h.svc.Now()
	byProduct := map[string][]variantView{}
	for _, v := range vs {
		price, ok := v.PriceFor(core.RetailTier)
		if !ok || price <= 0 || !v.Active || !v.ProductActive {
			continue
		}
		avail := v.Sellable(v.ProductActive, now) == nil && (v.UnlimitedStock || v.Stock > 0)
		byProduct[v.ProductCode] = append(byProduct[v.ProductCode], variantView{Code: v.Code, Name: v.Name, Description: v.Description,
			Price: price, Available: avail})
	}
	sold := h.popularity(ctx)
	q = strings.ToLower(strings.TrimSpace(q))
	var out []productView
	for _, p := range products {
		vv := byProduct[p.Code]
		if !p.Active || len(vv) == 0 {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(p.Name+" "+p.Code+" "+p.Brand+" "+p.Category), q) {
			continue
		}
		sort.SliceStable(vv, func(i, j int) bool { return vv[i].Price < vv[j].Price })
		out = append(out, productView{Code: p.Code, Name: p.Name, Category: p.Category, Brand: p.Brand, From: vv[0].Price, Variants: len(vv),
			Image: imageURL(p.Code, p.Image), Sold: sold[p.Code]})
	}
	// Popular first (delivered orders of the last 30 days, every channel's), then games (what
	// the store is for), then by category and name.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Sold != out[j].Sold {
			return out[i].Sold > out[j].Sold
		}
		gi, gj := isGame(out[i].Category), isGame(out[j].Category)
		if gi != gj {
			return gi
		}
		if out[i].Category != out[j].Category {
			return out[i].Category < out[j].Category
		}
		return out[i].Name < out[j].Name
	})
	return out, byProduct, nil
}

func isGame(category string) bool { return strings.HasPrefix(strings.ToLower(category), "game") }

func (h *handler) apiProducts(w http.ResponseWriter, r *http.Request) {
	ps, _, err := h.catalogView(r.Context(), r.URL.Query().Get("q"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if ps == nil {
		ps = []productView{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"products": ps})
}

// product is one product's detail, store.ErrProductNotFound-like errors for an unknown one.
func (h *handler) product(ctx context.Context, code string) (*productDetail, error) {
	p, err := h.svc.Product(ctx, code)
	if err != nil {
		return nil, err
	}
	ps, byProduct, err := h.catalogView(ctx, "")
	if err != nil {
		return nil, err
	}
	var pv *productView
	for i := range ps {
		if ps[i].Code == p.Code {
			pv = &ps[i]
		}
	}
	if pv == nil {
		return nil, errNotOnSale
	}
	methods, err := h.svc.PaymentMethods(ctx)
	if err != nil {
		return nil, err
	}
	d := &productDetail{productView: *pv, Form: formFor(p), Variants: byProduct[p.Code], Methods: []methodView{}}
	for _, m := range methods {
		d.Methods = append(d.Methods, methodView{Code: m})
	}
	return d, nil
}

func (h *handler) apiProduct(w http.ResponseWriter, r *http.Request) {
	d, err := h.product(r.Context(), r.PathValue("code"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// checkIDRequest is POST /shop/api/check-id: a product or variant code and the destination.
type checkIDRequest struct {
	Product string `json:"product"`
	Variant string `json:"variant"`
	Data    string `json:"data"`
}

// checkID answers whether a destination exists: errIDNotFound for one that does not.
func (h *handler) checkID(ctx context.Context, ip, productCode, variantCode, data string) (checkid.Result, error) {
	data = strings.TrimSpace(data)
	if data == "" {
		return checkid.Result{}, &core.FieldError{Field: "data", Reason: "is required"}
	}
	if variantCode != "" {
		v, err := h.svc.Variant(ctx, variantCode)
		if err != nil {
			return checkid.Result{}, err
		}
		productCode = v.ProductCode
	}
	p, err := h.svc.Product(ctx, strings.TrimSpace(productCode))
	if err != nil {
		return checkid.Result{}, err
	}
	form := formFor(p)
	if !form.valid(data) {
		return checkid.Result{}, &core.FieldError{Field: "data", Reason: "does not match " + form.Format}
	}
	if !form.Check {
		return checkid.Result{Valid: true, Destination: data}, nil
	}
	res, err := h.check.Check(ctx, "shop:"+ip, p.Code, data)
	if err != nil {
		return checkid.Result{}, err
	}
	if !res.Valid {
		return res, errIDNotFound
	}
	return res, nil
}

func (h *handler) apiCheckID(w http.ResponseWriter, r *http.Request) {
	var req checkIDRequest
	if !h.decode(w, r, &req) {
		return
	}
	if req.Product == "" && req.Variant == "" {
		h.fail(w, r, &core.FieldError{Field: "product", Reason: "is required"})
		return
	}
	res, err := h.checkID(r.Context(), h.clientIP(r).String(), req.Product, req.Variant, req.Data)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// checkoutRequest is POST /shop/api/checkout.
type checkoutRequest struct {
	Variant string `json:"variant"`
	Data    string `json:"data"`
	Method  string `json:"method"`
	Phone   string `json:"phone"`
	Email   string `json:"email"`
}

// payView is the gateway's payment as it gave it.
type payView struct {
	Gateway     string    `json:"gateway"`
	Reference   string    `json:"reference"`
	Method      string    `json:"method"`
	Amount      int64     `json:"amount"`
	PayCode     string    `json:"pay_code,omitempty"`
	QRString    string    `json:"qr_string,omitempty"`
	CheckoutURL string    `json:"checkout_url,omitempty"`
	ExpiresAt   time.Time `json:"expires_at"`
}

func viewPay(p *store.Payment) *payView {
	if p == nil {
		return nil
	}
	return &payView{Gateway: p.Gateway, Reference: p.Reference, Method: p.Method, Amount: p.Amount, PayCode: p.PayCode,
		QRString: p.QRString, CheckoutURL: p.CheckoutURL, ExpiresAt: p.ExpiresAt}
}

// checkoutView is the answer to a checkout.
type checkoutView struct {
	Invoice   string    `json:"invoice"`
	Amount    int64     `json:"amount"`
	Pay       *payView  `json:"pay"`
	ExpiresAt time.Time `json:"expires_at"`
}

// checkout validates a buyer's order, checks the ID where the product has a check, and opens an
// invoice: rate-limited per client IP and per phone number.
func (h *handler) checkout(ctx context.Context, ip string, req checkoutRequest) (*core.ShopCheckoutResult, error) {
	now := h.svc.Now()
	if !h.byIP.allow(ip, now) {
		return nil, errTooFast
	}
	phone, err := core.NormalizePhone(req.Phone)
	if err != nil {
		return nil, &core.FieldError{Field: "phone", Reason: err.Error()}
	}
	if !h.byTel.allow(phone, now) {
		return nil, errTooFast
	}
	if strings.TrimSpace(req.Variant) == "" {
		return nil, &core.FieldError{Field: "variant", Reason: "is required"}
	}
	if strings.TrimSpace(req.Method) == "" {
		return nil, &core.FieldError{Field: "method", Reason: "is required"}
	}
	res, err := h.checkID(ctx, ip, "", strings.TrimSpace(req.Variant), req.Data)
	if err != nil && !errors.Is(err, checkid.ErrNoAnswer) {
		return nil, err
	}
	// No provider answering is no reason to refuse a sale: the supplier is the last word.
	dest := strings.TrimSpace(req.Data)
	if res.Destination != "" {
		dest = res.Destination
	}
	return h.svc.ShopCheckout(ctx, core.ShopCheckoutParams{VariantCode: strings.TrimSpace(req.Variant), Destination: dest, Nickname: res.Nickname,
		Method: req.Method, Phone: phone, Email: req.Email, IP: ip})
}

func (h *handler) apiCheckout(w http.ResponseWriter, r *http.Request) {
	var req checkoutRequest
	if !h.decode(w, r, &req) {
		return
	}
	res, err := h.checkout(r.Context(), h.clientIP(r).String(), req)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, checkoutView{Invoice: res.Invoice.Code, Amount: res.Invoice.Amount, Pay: viewPay(res.Payment),
		ExpiresAt: res.Invoice.ExpiresAt})
}

// Statuses of an invoice in the API: the buyer's view of store.Shop*.
var apiStatus = map[string]string{store.ShopUnpaid: "Unpaid", store.ShopExpired: "Expired", store.ShopPending: "Pending",
	store.ShopSuccess: "Success", store.ShopFailed: "Failed", store.ShopRefunded: "Refunded"}

// invoiceView is GET /shop/api/invoice/{invoice}. The phone is masked: the invoice code is all
// it takes to read it.
type invoiceView struct {
	Invoice   string    `json:"invoice"`
	Status    string    `json:"status"`
	SN        string    `json:"sn"`
	Product   string    `json:"product"`
	Variant   string    `json:"variant"`
	Data      string    `json:"data"`
	Nickname  string    `json:"nickname,omitempty"`
	Amount    int64     `json:"amount"`
	Method    string    `json:"method"`
	Phone     string    `json:"phone"`
	Message   string    `json:"message"`
	Late      bool      `json:"late,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	PaidAt    time.Time `json:"paid_at,omitzero"`
	Pay       *payView  `json:"pay,omitempty"` // while it is unpaid
}

func maskPhone(p string) string {
	if len(p) < 8 {
		return p
	}
	return p[:4] + strings.Repeat("*", len(p)-8) + p[len(p)-4:]
}

func (h *handler) invoiceView(ctx context.Context, lang, code string) (*invoiceView, error) {
	if !core.IsShopInvoice(code) {
		return nil, store.ErrShopInvoiceNotFound
	}
	inv, err := h.svc.ShopInvoice(ctx, code)
	if err != nil {
		return nil, err
	}
	v := &invoiceView{Invoice: inv.Code, Status: apiStatus[inv.Status], SN: inv.SN, Product: inv.ProductName, Variant: inv.VariantCode,
		Data: inv.Destination, Nickname: inv.Nickname, Amount: inv.Amount, Method: inv.Method, Phone: maskPhone(inv.Phone),
		Message: tr(lang, "st."+inv.Status), Late: inv.Flag == "late", CreatedAt: inv.CreatedAt, ExpiresAt: inv.ExpiresAt, PaidAt: inv.PaidAt}
	if inv.Status == store.ShopUnpaid {
		p, err := h.svc.ShopPayment(ctx, inv)
		if err != nil && !errors.Is(err, store.ErrPaymentNotFound) {
			return nil, err
		}
		v.Pay = viewPay(p)
	}
	return v, nil
}

func (h *handler) apiInvoice(w http.ResponseWriter, r *http.Request) {
	v, err := h.invoiceView(r.Context(), member.Lang(r), r.PathValue("invoice"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// popularWindow is how far back the home page counts sales, and popularEvery how often it
// counts them again: the count is a grouped scan of the window's orders, too much for every
// page view of a busy store, and a minute-old order of the shelves is as good as a fresh one.
const (
	popularWindow = 30
	popularEvery  = time.Minute
)

// popularity is each product's sales count, recounted at most once a popularEvery by one
// caller at a time; a failed count keeps the last (an empty map at first: the other orders
// apply).
func (h *handler) popularity(ctx context.Context) map[string]int64 {
	h.popMu.Lock()
	defer h.popMu.Unlock()
	now := time.Now()
	if h.popular != nil && now.Sub(h.popularAt) < popularEvery {
		return h.popular
	}
	sold, err := h.svc.ProductSales(ctx, popularWindow)
	if err != nil {
		h.log.Warn("storefront: counting sales for the home page", "err", err)
		if h.popular == nil {
			return map[string]int64{}
		}
		return h.popular
	}
	h.popular, h.popularAt = sold, now
	return sold
}
