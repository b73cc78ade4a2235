package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/session"
)

// Payment gateways (issue 18): the admin API and the dashboard's Payments page. Secrets go in
// and are never shown again, nor written to the audit log.

func (h *handler) routePayments(mux *http.ServeMux) {
	a := func(pattern string, fn identified) { mux.Handle(pattern, h.api(fn)) }
	a("GET /admin/api/gateways", h.apiGateways)
	a("POST /admin/api/gateways", h.apiGatewayAdd)
	a("POST /admin/api/gateways/{name}/{action}", h.apiGatewayAction)
	a("POST /admin/api/deposit-payments", h.apiDepositPay)
	a("GET /admin/api/payments", h.apiPayments)
	a("GET /admin/api/payment-callbacks", h.apiPaymentCallbacks)

	p := func(pattern string, fn identified) { mux.Handle(pattern, h.page(fn)) }
	p("GET /admin/payments", h.paymentsPage)
	p("POST /admin/payments/gateways", h.gatewayAddPost)
	p("POST /admin/payments/gateways/{name}/{action}", h.gatewayPost)
}

// paymentError maps the errors of gateways and payments to a status and a message safe to show;
// ok is false for errors that are not theirs (errorStatus's).
func paymentError(err error) (status int, msg, field string, ok bool) {
	if fe, isField := core.IsFieldError(err); isField {
		return http.StatusBadRequest, fe.Error(), fe.Field, true
	}
	switch {
	case errors.Is(err, payment.ErrGatewayNotFound):
		return http.StatusNotFound, payment.ErrGatewayNotFound.Error(), "", true
	case errors.Is(err, payment.ErrGatewayExists):
		return http.StatusConflict, payment.ErrGatewayExists.Error(), "name", true
	case errors.Is(err, core.ErrGatewayDisabled):
		return http.StatusConflict, core.ErrGatewayDisabled.Error(), "gateway", true
	case errors.Is(err, core.ErrNoPublicURL):
		return http.StatusConflict, core.ErrNoPublicURL.Error(), "", true
	case errors.Is(err, deposit.ErrAmount):
		return http.StatusBadRequest, deposit.ErrAmount.Error(), "amount", true
	case errors.Is(err, payment.ErrConfig), errors.Is(err, payment.ErrMethod):
		return http.StatusBadRequest, err.Error(), "", true
	case errors.Is(err, payment.ErrUpstream):
		return http.StatusBadGateway, "the gateway did not answer clearly; the ticket stays open", "", true
	}
	return 0, "", "", false
}

func (h *handler) payFail(w http.ResponseWriter, r *http.Request, err error) {
	if status, msg, field, ok := paymentError(err); ok {
		writeError(w, status, msg, field)
		return
	}
	h.fail(w, r, err)
}

func (h *handler) gatewayViews(r *http.Request) ([]core.GatewayView, error) {
	gws, err := h.svc.Gateways(r.Context())
	if err != nil {
		return nil, err
	}
	out := make([]core.GatewayView, 0, len(gws))
	for i := range gws {
		out = append(out, core.ViewGateway(&gws[i]))
	}
	return out, nil
}

func (h *handler) apiGateways(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	list, err := h.gatewayViews(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"gateways": list})
}

// gatewayReq registers a gateway: the fields of `kios gateway add`.
type gatewayReq struct {
	Name          string   `json:"name"`
	Kind          string   `json:"kind"`
	BaseURL       string   `json:"base_url"`
	MerchantCode  string   `json:"merchant_code"`
	APIKey        string   `json:"api_key"`
	PrivateKey    string   `json:"private_key"`
	ServerKey     string   `json:"server_key"`
	CallbackToken string   `json:"callback_token"`
	Secret        string   `json:"secret"`
	Methods       []string `json:"methods"`
	FeePolicy     string   `json:"fee_policy"`
}

func (h *handler) apiGatewayAdd(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req gatewayReq
	if !decode(w, r, &req) {
		return
	}
	if req.Name == "" || req.Kind == "" {
		writeError(w, http.StatusBadRequest, "name and kind are required", "name")
		return
	}
	// The audit row names which secrets were set, never the secrets themselves.
	g := core.NewGateway{Name: req.Name, Kind: req.Kind, BaseURL: req.BaseURL, MerchantCode: req.MerchantCode, APIKey: req.APIKey,
		PrivateKey: req.PrivateKey, ServerKey: req.ServerKey, CallbackToken: req.CallbackToken, Secret: req.Secret, Methods: req.Methods,
		FeePolicy: req.FeePolicy}
	ctx := h.audited(r, id, "gateway.add", "gateway:"+req.Name, core.ViewGateway(&g))
	added, err := h.svc.AddGateway(ctx, g)
	if err != nil {
		h.payFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"gateway": core.ViewGateway(added)})
}

func (h *handler) apiGatewayAction(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	name, action := r.PathValue("name"), r.PathValue("action")
	if action != "enable" && action != "disable" {
		writeError(w, http.StatusNotFound, "no such gateway action", "")
		return
	}
	ctx := h.audited(r, id, "gateway."+action, "gateway:"+name, map[string]bool{"enabled": action == "enable"})
	if err := h.svc.SetGatewayEnabled(ctx, name, action == "enable"); err != nil {
		h.payFail(w, r, err)
		return
	}
	list, err := h.gatewayViews(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, g := range list {
		if g.Name == name {
			writeJSON(w, http.StatusOK, map[string]any{"gateway": g})
			return
		}
	}
	h.payFail(w, r, payment.ErrGatewayNotFound)
}

func (h *handler) apiDepositPay(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		Reseller string `json:"reseller"`
		Amount   int64  `json:"amount"`
		Gateway  string `json:"gateway"`
		Method   string `json:"method"`
	}
	if !decode(w, r, &req) {
		return
	}
	if req.Reseller == "" || req.Gateway == "" {
		writeError(w, http.StatusBadRequest, "reseller and gateway are required", "reseller")
		return
	}
	res, err := h.svc.Reseller(r.Context(), req.Reseller)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := h.audited(r, id, "deposit.pay", "reseller:"+req.Reseller, req)
	out, err := h.svc.DepositPay(ctx, core.PayParams{Reseller: res, Amount: req.Amount, Gateway: req.Gateway, Method: req.Method})
	if err != nil {
		h.payFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, core.ViewPay(out))
}

// paymentFilter reads GET /admin/api/payments' query: status, gateway, reseller, flagged, limit.
func (h *handler) paymentFilter(r *http.Request) (payment.Filter, error) {
	q := r.URL.Query()
	f := payment.Filter{Status: q.Get("status"), Gateway: q.Get("gateway"), Flagged: q.Get("flagged") == "1" || q.Get("flagged") == "true"}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	if f.Limit > 1000 {
		f.Limit = 1000
	}
	if u := q.Get("reseller"); u != "" {
		res, err := h.svc.Reseller(r.Context(), u)
		if err != nil {
			return f, err
		}
		f.ResellerID = res.ID
	}
	return f, nil
}

func (h *handler) apiPayments(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	f, err := h.paymentFilter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	list, err := h.svc.Payments(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]core.PaymentView, 0, len(list))
	for i := range list {
		out = append(out, core.ViewPayment(&list[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"payments": out})
}

func (h *handler) callbackViews(r *http.Request, limit int) ([]core.CallbackView, error) {
	if limit > 1000 {
		limit = 1000
	}
	list, err := h.svc.PaymentCallbacks(r.Context(), r.URL.Query().Get("gateway"), limit)
	if err != nil {
		return nil, err
	}
	out := make([]core.CallbackView, 0, len(list))
	for i := range list {
		out = append(out, core.ViewCallback(&list[i]))
	}
	return out, nil
}

func (h *handler) apiPaymentCallbacks(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	out, err := h.callbackViews(r, limit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"callbacks": out})
}

// paymentsPage shows the gateways (with enable/disable), the latest payments and the raw
// callbacks received, with their verification result.
func (h *handler) paymentsPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	gws, err := h.gatewayViews(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := h.paymentFilter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pays, err := h.svc.Payments(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cbs, err := h.callbackViews(r, 50)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, id, "payments", "Payments", map[string]any{"Gateways": gws, "Payments": pays, "Callbacks": cbs,
		"PublicURL": h.svc.PublicURL(), "Kinds": payment.Kinds})
}

// gatewayAddPost registers a gateway from the Payments page's form (the fields of `kios gateway
// add`); its secrets are never shown again, nor audited.
func (h *handler) gatewayAddPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	back := "/admin/payments"
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	g := core.NewGateway{Name: f("name"), Kind: f("kind"), BaseURL: f("base_url"), MerchantCode: f("merchant_code"), APIKey: f("api_key"),
		PrivateKey: f("private_key"), ServerKey: f("server_key"), CallbackToken: f("callback_token"), Secret: f("secret"),
		FeePolicy: f("fee_policy")}
	if m := f("methods"); m != "" {
		g.Methods = strings.Split(m, ",")
	}
	ctx := h.audited(r, id, "gateway.add", "gateway:"+g.Name, core.ViewGateway(&g))
	added, err := h.svc.AddGateway(ctx, g)
	if err != nil {
		if status, msg, _, ok := paymentError(err); ok && status < 500 {
			h.flashFailed(w, r, back, msg)
			return
		}
		h.failed(w, r, back, err)
		return
	}
	h.done(w, r, back, "Gateway "+added.Name+" ("+added.Kind+") added and enabled")
}

func (h *handler) gatewayPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	name, action := r.PathValue("name"), r.PathValue("action")
	back := "/admin/payments"
	if action != "enable" && action != "disable" {
		http.NotFound(w, r)
		return
	}
	ctx := h.audited(r, id, "gateway."+action, "gateway:"+name, map[string]bool{"enabled": action == "enable"})
	if err := h.svc.SetGatewayEnabled(ctx, name, action == "enable"); err != nil {
		if status, msg, _, ok := paymentError(err); ok && status < 500 {
			h.flashFailed(w, r, back, msg)
			return
		}
		h.failed(w, r, back, err)
		return
	}
	h.done(w, r, back, "Gateway "+name+" "+strings.TrimSuffix(action, "e")+"ed")
}

// flashFailed redirects back with a message already safe to show.
func (h *handler) flashFailed(w http.ResponseWriter, r *http.Request, to, msg string) {
	h.flash(r, session.FlashErr, msg)
	http.Redirect(w, r, withParam(to, "err", msg), http.StatusSeeOther)
}
