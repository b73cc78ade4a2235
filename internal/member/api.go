package member

import (
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"strings"

	"github.com/kios-h2h/kios/client/flazz"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/reseller"
)

type apiFunc func(w http.ResponseWriter, r *http.Request, cl *caller)

// api wraps a JSON endpoint: 401 without a session, 403 for a missing CSRF token.
func (h *handler) api(fn apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limitBody(w, r)
		cl, err := h.identify(r)
		switch {
		case err != nil:
			h.fail(w, r, err)
		default:
			fn(w, r, cl)
		}
	})
}

func (h *handler) routeAPI(mux *http.ServeMux) {
	a := func(pattern string, fn apiFunc) { mux.Handle(pattern, h.api(fn)) }
	a("GET /member/api/me", h.apiMe)
	a("POST /member/api/api-key", h.apiRotateKey)
	a("POST /member/api/token", h.apiRotateToken)
	a("POST /member/api/allow-ip", h.apiAllowIP)
	a("POST /member/api/deny-ip", h.apiDenyIP)
	a("POST /member/api/callback", h.apiCallback)
	a("POST /member/api/callback/test", h.apiCallbackTest)
	a("GET /member/api/callbacks", h.apiCallbacks)
	a("GET /member/api/orders", h.apiOrders)
	a("GET /member/api/orders/{invoice}", h.apiOrder)
	a("GET /member/api/mutations", h.apiMutations)
	a("POST /member/api/deposit", h.apiDeposit)
	a("GET /member/api/deposits", h.apiDeposits)
	a("GET /member/api/price-list", h.apiPriceList)
	a("POST /member/api/sign-check", h.apiSignCheck)
	a("POST /member/api/password", h.apiPassword)
	a("GET /member/api/text/identities", h.apiIdentities)
	a("POST /member/api/text/unbind", h.apiUnbind)
	a("POST /member/api/text/pin", h.apiPIN)
	a("/member/api/", func(w http.ResponseWriter, r *http.Request, _ *caller) { h.fail(w, r, errNoEndpoint) })
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fail answers an error as JSON: {"error": its text in the caller's language (Indonesian unless
// English was chosen), "code": a stable name for programs}.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	p := describe(err)
	if p.status == http.StatusInternalServerError {
		h.log.Error("member api", "path", r.URL.Path, "err", err)
	}
	writeJSON(w, p.status, map[string]string{"error": p.text(langOf(r)), "code": p.code})
}

// decode reads a JSON body into v; a bad body is answered 400 and false returned.
func (h *handler) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		h.fail(w, r, errBadBody)
		return false
	}
	return true
}

func cidrs(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// meView is GET /member/api/me.
type meView struct {
	Username    string   `json:"username"`
	Name        string   `json:"name"`
	Membership  string   `json:"membership"`
	Status      string   `json:"status"`
	Balance     int64    `json:"balance"`
	Held        int64    `json:"held"`
	AllowIPs    []string `json:"allow_ips"`
	CallbackURL string   `json:"callback_url"`
	TwoFactor   bool     `json:"two_factor"`
	CSRFToken   string   `json:"csrf_token"`
}

func (h *handler) me(r *http.Request, cl *caller) (meView, error) {
	ctx := r.Context()
	bal, err := h.svc.AccountBalance(ctx, ledger.AvailableCode(cl.r.ID))
	if err != nil {
		return meView{}, err
	}
	held, err := h.svc.AccountBalance(ctx, ledger.HeldCode(cl.r.ID))
	if err != nil {
		return meView{}, err
	}
	tf, err := h.svc.TwoFactorOn(ctx, Subject(cl.r.ID))
	if err != nil {
		return meView{}, err
	}
	return meView{Username: cl.r.Username, Name: cl.r.Name, Membership: cl.r.Membership, Status: string(cl.r.Status), Balance: bal, Held: held,
		AllowIPs: cidrs(cl.r.AllowIPs), CallbackURL: cl.r.CallbackURL, TwoFactor: tf, CSRFToken: cl.csrf}, nil
}

func (h *handler) apiMe(w http.ResponseWriter, r *http.Request, cl *caller) {
	v, err := h.me(r, cl)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

type passwordBody struct {
	Password string `json:"password"`
}

func (h *handler) apiRotateKey(w http.ResponseWriter, r *http.Request, cl *caller) {
	h.rotate(w, r, cl, "api_key")
}

func (h *handler) apiRotateToken(w http.ResponseWriter, r *http.Request, cl *caller) {
	h.rotate(w, r, cl, "token")
}

// rotate makes a new api key or token after the password is given again, and answers it once.
func (h *handler) rotate(w http.ResponseWriter, r *http.Request, cl *caller, what string) {
	var b passwordBody
	if !h.decode(w, r, &b) {
		return
	}
	if err := h.confirm(r.Context(), cl, b.Password, h.clientIP(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	secret, err := h.rotateSecret(r.Context(), cl, what)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{what: secret})
}

// rotateSecret gives the reseller a new "api_key" or "token"; the old one stops working at once
// in every dialect (the core's rotation moves the resellers epoch its auth cache checks).
func (h *handler) rotateSecret(ctx context.Context, cl *caller, what string) (string, error) {
	if what == "api_key" {
		cr, err := h.svc.RotateAPIKey(ctx, cl.r.Username)
		if err != nil {
			return "", err
		}
		h.log.Info("member rotated api key", "reseller", cl.r.Username)
		return cr.APIKey, nil
	}
	cr, err := h.svc.RotateToken(ctx, cl.r.Username)
	if err != nil {
		return "", err
	}
	h.log.Info("member rotated token", "reseller", cl.r.Username)
	return cr.Token, nil
}

type cidrBody struct {
	CIDR     string `json:"cidr"`
	Password string `json:"password"`
}

func (h *handler) apiAllowIP(w http.ResponseWriter, r *http.Request, cl *caller) {
	h.allowOrDeny(w, r, cl, h.allowIP)
}

func (h *handler) apiDenyIP(w http.ResponseWriter, r *http.Request, cl *caller) {
	h.allowOrDeny(w, r, cl, h.denyIP)
}

func (h *handler) allowOrDeny(w http.ResponseWriter, r *http.Request, cl *caller, change func(context.Context, *caller, string) ([]netip.Prefix, error)) {
	var b cidrBody
	if !h.decode(w, r, &b) {
		return
	}
	if err := h.confirm(r.Context(), cl, b.Password, h.clientIP(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	list, err := change(r.Context(), cl, b.CIDR)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"allow_ips": cidrs(list)})
}

func (h *handler) apiCallback(w http.ResponseWriter, r *http.Request, cl *caller) {
	var b struct {
		URL string `json:"url"`
	}
	if !h.decode(w, r, &b) {
		return
	}
	if err := h.setCallback(r.Context(), cl, b.URL); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"callback_url": strings.TrimSpace(b.URL)})
}

func (h *handler) apiCallbackTest(w http.ResponseWriter, r *http.Request, cl *caller) {
	d, err := h.testCallback(r.Context(), cl)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (h *handler) apiCallbacks(w http.ResponseWriter, r *http.Request, cl *caller) {
	ds, err := h.svc.CallbackDeliveries(r.Context(), cl.r.ID, 20)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if ds == nil {
		ds = []reseller.CallbackDelivery{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": ds})
}

func (h *handler) apiOrders(w http.ResponseWriter, r *http.Request, cl *caller) {
	f, err := orderQuery(r.URL.Query(), cl.r.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	os, err := h.svc.ResellerOrders(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]orderView, len(os))
	for i := range os {
		out[i] = viewOrder(&os[i])
	}
	resp := map[string]any{"orders": out}
	if len(os) > 0 && len(os) == max(f.Limit, 1) {
		resp["next_before"] = os[len(os)-1].ID
	}
	writeJSON(w, http.StatusOK, resp)
}

func (h *handler) apiOrder(w http.ResponseWriter, r *http.Request, cl *caller) {
	o, err := h.svc.Order(r.Context(), cl.r.ID, r.PathValue("invoice"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tl, err := h.timeline(r.Context(), cl, o)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"order": viewOrder(o), "timeline": tl})
}

func (h *handler) apiMutations(w http.ResponseWriter, r *http.Request, cl *caller) {
	from, err := day(r.URL.Query().Get("from"), "from", 0)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	to, err := day(r.URL.Query().Get("to"), "to", 1)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ms, err := h.mutations(r.Context(), cl, from, to)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := map[string]any{"mutations": ms}
	if cut, err := h.archivedSince(r.Context(), from); err != nil {
		h.fail(w, r, err)
		return
	} else if !cut.IsZero() {
		// Only when the range starts before an archive's cut: otherwise the answer is as ever.
		out["archived_before"] = cut.In(catalog.Jakarta)
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *handler) apiDeposit(w http.ResponseWriter, r *http.Request, cl *caller) {
	var b struct {
		Amount int64  `json:"amount"`
		Bank   string `json:"bank"`
		Method string `json:"method"` // optional: pay through a payment gateway (e.g. "QRIS")
	}
	if !h.decode(w, r, &b) {
		return
	}
	t, err := h.openDeposit(r.Context(), cl, b.Amount, b.Bank, b.Method)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (h *handler) apiDeposits(w http.ResponseWriter, r *http.Request, cl *caller) {
	ts, banks, err := h.tickets(r.Context(), cl, 100)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	methods, err := h.svc.PaymentMethods(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if methods == nil {
		methods = []string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"deposits": ts, "banks": banks, "methods": methods})
}

func (h *handler) apiPriceList(w http.ResponseWriter, r *http.Request, cl *caller) {
	ps, err := h.priceList(r.Context(), cl, r.URL.Query().Get("q"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"membership": cl.r.Membership, "prices": ps})
}

// signCheck compares a sign the reseller computed with md5(username + api key + suffix), the
// formula of both signed dialects; it answers only whether they match.
func (h *handler) signCheck(cl *caller, suffix, sign string) bool {
	return sign != "" && flazz.SignMatches(strings.TrimSpace(sign), cl.r.Username, cl.r.APIKey, suffix)
}

func (h *handler) apiSignCheck(w http.ResponseWriter, r *http.Request, cl *caller) {
	var b struct {
		Suffix string `json:"suffix"`
		Sign   string `json:"sign"`
	}
	if !h.decode(w, r, &b) {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"match": h.signCheck(cl, b.Suffix, b.Sign),
		"formula": "md5(username + api_key + " + b.Suffix + ")"})
}

func (h *handler) apiPassword(w http.ResponseWriter, r *http.Request, cl *caller) {
	var b struct {
		Password    string `json:"password"`
		NewPassword string `json:"new_password"`
	}
	if !h.decode(w, r, &b) {
		return
	}
	if err := h.changePassword(r.Context(), cl, b.Password, b.NewPassword, h.clientIP(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"changed": true})
}
