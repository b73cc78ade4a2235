package web

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/store"
)

func (h *handler) routeAPI(mux *http.ServeMux) {
	a := func(pattern string, fn identified) { mux.Handle(pattern, h.api(fn)) }
	a("GET /admin/api/me", h.apiMe)
	a("GET /admin/api/stats", h.apiStats)

	a("GET /admin/api/resellers", h.apiResellers)
	a("POST /admin/api/resellers", h.apiResellerCreate)
	a("GET /admin/api/resellers/{username}", h.apiReseller)
	a("POST /admin/api/resellers/{username}/{action}", h.apiResellerAction)

	a("POST /admin/api/deposits", h.apiDeposit)
	a("GET /admin/api/deposit-tickets", h.apiTickets)
	a("POST /admin/api/deposit-tickets/{ref}/{action}", h.apiTicketAction)

	a("GET /admin/api/catalog/products", h.apiProducts)
	a("GET /admin/api/catalog/variants", h.apiVariants)
	a("PATCH /admin/api/catalog/variants/{code}", h.apiVariantEdit)
	a("POST /admin/api/catalog/bulk", h.apiCatalogBulk)
	a("POST /admin/api/catalog/import", h.apiCatalogImport)

	a("GET /admin/api/orders", h.apiOrders)
	a("GET /admin/api/orders/{invoice}", h.apiOrder)
	a("POST /admin/api/orders/{invoice}/resolve", h.apiOrderResolve)

	a("GET /admin/api/suppliers", h.apiSuppliers)

	a("GET /admin/api/ledger/accounts", h.apiAccounts)
	a("GET /admin/api/ledger/postings", h.apiPostings)
	a("GET /admin/api/ledger/check", h.apiLedgerCheck)

	a("GET /admin/api/audit", h.apiAudit)

	a("GET /admin/api/admins", h.apiAdmins)
	a("POST /admin/api/admins", h.apiAdminCreate)
	a("GET /admin/api/tokens", h.apiTokens)
	a("POST /admin/api/tokens", h.apiTokenCreate)
	a("DELETE /admin/api/tokens/{id}", h.apiTokenRevoke)

	mux.Handle("/admin/api/", h.api(func(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
		writeError(w, http.StatusNotFound, "no such endpoint", "")
	}))
}

// apiError is every error the API answers.
type apiError struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg, field string) {
	writeJSON(w, status, apiError{Error: msg, Field: field})
}

// errorStatus maps an error of the admin service to an HTTP status and a message safe to show.
func errorStatus(err error) (int, string, string) {
	if fe, ok := core.IsFieldError(err); ok {
		return http.StatusBadRequest, fe.Error(), fe.Field
	}
	for _, nf := range []error{reseller.ErrNotFound, order.ErrNotFound, store.ErrVariantNotFound, store.ErrProductNotFound,
		store.ErrAdminNotFound, store.ErrNotFound, admin.ErrNotFound} {
		if errors.Is(err, nf) {
			return http.StatusNotFound, nf.Error(), ""
		}
	}
	for _, c := range []error{reseller.ErrUsernameTaken, store.ErrAdminTaken, core.ErrOrderFinal, order.ErrInsufficientBalance} {
		if errors.Is(err, c) {
			return http.StatusConflict, c.Error(), ""
		}
	}
	return http.StatusInternalServerError, "internal error", ""
}

func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, field := errorStatus(err)
	if status == http.StatusInternalServerError {
		h.log.Error("admin api", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeError(w, status, msg, field)
}

// decode reads a JSON body strictly: unknown fields are a 400, so a typo never silently does nothing.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			writeError(w, http.StatusUnsupportedMediaType, "send application/json", "")
			return false
		}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error(), "")
		return false
	}
	return true
}

func (h *handler) apiMe(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	writeJSON(w, http.StatusOK, map[string]any{"username": id.Username, "token": id.Token, "csrf_token": id.CSRF})
}

func (h *handler) apiStats(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	st, err := h.overview(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (h *handler) apiResellers(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	list, err := h.as.Resellers(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"resellers": list})
}

func (h *handler) apiReseller(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	v, err := h.as.Reseller(r.Context(), r.PathValue("username"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

type resellerCreateReq struct {
	Username   string   `json:"username"`
	Name       string   `json:"name"`
	Email      string   `json:"email"`
	Phone      string   `json:"phone"`
	Membership string   `json:"membership"`
	AllowIPs   []string `json:"allow_ips"`
}

// credentialsResp carries secrets shown once.
type credentialsResp struct {
	Reseller admin.ResellerView `json:"reseller"`
	Token    string             `json:"token,omitempty"`
	APIKey   string             `json:"api_key,omitempty"`
}

func (h *handler) apiResellerCreate(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req resellerCreateReq
	if !decode(w, r, &req) {
		return
	}
	n := core.NewReseller{Username: req.Username, Name: req.Name, Email: req.Email, Phone: req.Phone, Membership: req.Membership}
	for _, s := range req.AllowIPs {
		p, err := admin.AllowPrefix(s)
		if err != nil {
			writeError(w, http.StatusBadRequest, "allow_ips: "+err.Error(), "allow_ips")
			return
		}
		n.AllowIPs = append(n.AllowIPs, p)
	}
	cr, err := h.as.CreateReseller(r.Context(), h.actor(r, id), n)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.as.Reseller(r.Context(), cr.Reseller.Username)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, credentialsResp{Reseller: v, Token: cr.Token, APIKey: cr.APIKey})
}

type resellerActionReq struct {
	CIDR       string `json:"cidr"`
	Membership string `json:"membership"`
	URL        string `json:"url"`
}

// apiResellerAction serves token, api-key, allow-ip, deny-ip, suspend, resume, membership and
// callback.
func (h *handler) apiResellerAction(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	ctx, by, username := r.Context(), h.actor(r, id), r.PathValue("username")
	var req resellerActionReq
	switch r.PathValue("action") {
	case "token", "api-key", "suspend", "resume":
	case "allow-ip", "deny-ip", "membership", "callback":
		if !decode(w, r, &req) {
			return
		}
	default:
		writeError(w, http.StatusNotFound, "no such reseller action", "")
		return
	}
	var v admin.ResellerView
	var err error
	switch r.PathValue("action") {
	case "token", "api-key":
		var cr core.Credentials
		if r.PathValue("action") == "token" {
			cr, err = h.as.RotateToken(ctx, by, username)
		} else {
			cr, err = h.as.RotateAPIKey(ctx, by, username)
		}
		if err == nil {
			v, err = h.as.Reseller(ctx, username)
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, credentialsResp{Reseller: v, Token: cr.Token, APIKey: cr.APIKey})
		return
	case "allow-ip", "deny-ip":
		v, err = h.as.AllowIP(ctx, by, username, req.CIDR, r.PathValue("action") == "deny-ip")
	case "suspend":
		v, err = h.as.SetStatus(ctx, by, username, reseller.Suspended)
	case "resume":
		v, err = h.as.SetStatus(ctx, by, username, reseller.Active)
	case "membership":
		v, err = h.as.SetMembership(ctx, by, username, req.Membership)
	case "callback":
		v, err = h.as.SetCallback(ctx, by, username, req.URL)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

type depositReq struct {
	Username string `json:"username"`
	Amount   int64  `json:"amount"`
	Note     string `json:"note"`
	Debit    bool   `json:"debit"`
}

func (h *handler) apiDeposit(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req depositReq
	if !decode(w, r, &req) {
		return
	}
	if req.Username == "" {
		writeError(w, http.StatusBadRequest, "username is required", "username")
		return
	}
	bal, err := h.as.Deposit(r.Context(), h.actor(r, id), req.Username, req.Amount, req.Note, req.Debit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"username": req.Username, "balance": bal})
}

func (h *handler) apiTickets(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	if h.opts.Tickets == nil {
		writeJSON(w, http.StatusOK, map[string]any{"tickets": []DepositTicket{}})
		return
	}
	list, err := h.opts.Tickets.Tickets(r.Context(), r.URL.Query().Get("status"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tickets": list})
}

func (h *handler) apiTicketAction(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	if h.opts.Tickets == nil {
		writeError(w, http.StatusNotFound, "deposit tickets are not enabled", "")
		return
	}
	var req struct {
		Reason string `json:"reason"`
	}
	action := r.PathValue("action")
	switch action {
	case "approve":
	case "reject":
		if r.ContentLength != 0 && !decode(w, r, &req) {
			return
		}
	default:
		writeError(w, http.StatusNotFound, "no such ticket action", "")
		return
	}
	if err := h.ticketAction(r, id, r.PathValue("ref"), action, req.Reason); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket": r.PathValue("ref"), "status": action + "d"})
}

// ticketAction approves or rejects a ticket and audits it.
func (h *handler) ticketAction(r *http.Request, id *admin.Identity, ref, action, reason string) error {
	by := h.actor(r, id)
	var err error
	if action == "approve" {
		err = h.opts.Tickets.Approve(r.Context(), ref, by)
	} else {
		err = h.opts.Tickets.Reject(r.Context(), ref, by, reason)
	}
	if err != nil {
		return err
	}
	after := map[string]string{"status": action + "d"}
	if reason != "" {
		after["reason"] = reason
	}
	h.as.Record(r.Context(), by, "deposit.ticket-"+action, "ticket:"+ref, nil, after)
	return nil
}

func (h *handler) apiProducts(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	ps, err := h.as.Products(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	type product struct {
		Code     string `json:"code"`
		Name     string `json:"name"`
		Category string `json:"category"`
		Brand    string `json:"brand"`
		Active   bool   `json:"active"`
	}
	out := make([]product, 0, len(ps))
	for _, p := range ps {
		out = append(out, product{p.Code, p.Name, p.Category, p.Brand, p.Active})
	}
	writeJSON(w, http.StatusOK, map[string]any{"products": out})
}

func (h *handler) apiVariants(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	vs, err := h.as.Variants(r.Context(), r.URL.Query().Get("product"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"variants": vs})
}

func (h *handler) apiVariantEdit(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var e admin.VariantEdit
	if !decode(w, r, &e) {
		return
	}
	if e.Code != "" && e.Code != r.PathValue("code") {
		writeError(w, http.StatusBadRequest, "code in the body differs from the URL", "code")
		return
	}
	e.Code = r.PathValue("code")
	out, err := h.as.EditVariants(r.Context(), h.actor(r, id), []admin.VariantEdit{e})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out[0])
}

// apiCatalogBulk applies many edits at once, all or nothing.
// apiCatalogImport loads a catalog CSV (the format of `kios catalog export`), all or nothing.
func (h *handler) apiCatalogImport(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "text/csv" {
		writeError(w, http.StatusUnsupportedMediaType, "send the catalog as text/csv", "")
		return
	}
	np, nv, err := h.as.ImportCatalog(r.Context(), h.actor(r, id), r.Body)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"products": np, "variants": nv})
}

func (h *handler) apiCatalogBulk(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		Edits []admin.VariantEdit `json:"edits"`
	}
	if !decode(w, r, &req) {
		return
	}
	if len(req.Edits) == 0 {
		writeError(w, http.StatusBadRequest, "edits is required", "edits")
		return
	}
	out, err := h.as.EditVariants(r.Context(), h.actor(r, id), req.Edits)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"variants": out})
}

// OrderView is an order as the admin API shows it.
type OrderView struct {
	Invoice     string    `json:"invoice"`
	Reseller    string    `json:"reseller,omitempty"`
	ResellerID  int64     `json:"reseller_id"`
	Reference   string    `json:"reference"`
	Variant     string    `json:"variant"`
	Product     string    `json:"product"`
	Destination string    `json:"destination"`
	Price       int64     `json:"price"`
	Cost        int64     `json:"cost"`
	Status      string    `json:"status"`
	SN          string    `json:"sn"`
	Message     string    `json:"message"`
	Testing     bool      `json:"testing"`
	Dialect     string    `json:"dialect"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func orderView(o *order.Order) OrderView {
	return OrderView{Invoice: o.Invoice, ResellerID: o.ResellerID, Reference: o.Reference, Variant: o.VariantCode, Product: o.ProductName,
		Destination: o.Destination, Price: o.Price, Cost: o.Cost, Status: string(o.Status), SN: o.SN, Message: o.Message,
		Testing: o.Testing, Dialect: o.Dialect, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

func orderFilter(r *http.Request) (store.OrderFilter, error) {
	q := r.URL.Query()
	f := store.OrderFilter{Search: strings.TrimSpace(q.Get("q")), Status: order.Status(q.Get("status"))}
	switch f.Status {
	case "", order.Pending, order.Success, order.Failed:
	default:
		return f, &core.FieldError{Field: "status", Reason: "must be Pending, Success or Failed"}
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			return f, &core.FieldError{Field: "limit", Reason: "must be 1 to 1000"}
		}
		f.Limit = n
	}
	return f, nil
}

func (h *handler) apiOrders(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	f, err := orderFilter(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if u := r.URL.Query().Get("reseller"); u != "" {
		rs, err := h.svc.Reseller(r.Context(), u)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		f.ResellerID = rs.ID
	}
	list, err := h.as.Orders(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]OrderView, 0, len(list))
	for i := range list {
		out = append(out, orderView(&list[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"orders": out})
}

type attemptView struct {
	Supplier  string    `json:"supplier"`
	SKU       string    `json:"sku"`
	Reference string    `json:"reference"`
	State     string    `json:"state"`
	SN        string    `json:"sn"`
	Message   string    `json:"message"`
	Cost      int64     `json:"cost"`
	Polls     int       `json:"polls"`
	CreatedAt time.Time `json:"created_at"`
}

type postingView struct {
	Txn         string    `json:"txn"`
	Source      string    `json:"source"`
	Destination string    `json:"destination"`
	Amount      int64     `json:"amount"`
	Memo        string    `json:"memo"`
	At          time.Time `json:"at"`
}

func postingViews(ps []ledger.Posting) []postingView {
	out := make([]postingView, 0, len(ps))
	for _, p := range ps {
		out = append(out, postingView{Txn: p.Txn, Source: p.SourceCode, Destination: p.DestCode, Amount: p.Amount, Memo: p.Memo,
			At: time.UnixMicro(p.CreatedAt).UTC()})
	}
	return out
}

func (h *handler) apiOrder(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	d, err := h.as.Order(r.Context(), r.PathValue("invoice"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ov := orderView(d.Order)
	ov.Reseller = d.Reseller
	atts := make([]attemptView, 0, len(d.Attempts))
	for _, a := range d.Attempts {
		atts = append(atts, attemptView{a.Supplier, a.SKU, a.Reference, a.State, a.SN, a.Message, a.Cost, a.Polls, a.CreatedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"order": ov, "attempts": atts, "postings": postingViews(d.Postings)})
}

type resolveReq struct {
	Status  string `json:"status"`
	SN      string `json:"sn"`
	Message string `json:"message"`
}

func (h *handler) apiOrderResolve(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req resolveReq
	if !decode(w, r, &req) {
		return
	}
	o, err := h.as.ResolveOrder(r.Context(), h.actor(r, id), r.PathValue("invoice"), order.Status(req.Status), req.SN, req.Message)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, orderView(o))
}

func (h *handler) suppliers(r *http.Request) []SupplierStatus {
	if h.opts.Suppliers != nil {
		return h.opts.Suppliers(r.Context())
	}
	// Until the supplier registry lands, the simulator is the only supplier there is.
	return []SupplierStatus{{Name: "simulator", Healthy: true, Detail: "built-in simulator: no network, no money"}}
}

func (h *handler) apiSuppliers(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	writeJSON(w, http.StatusOK, map[string]any{"suppliers": h.suppliers(r)})
}

type accountView struct {
	Code       string `json:"code"`
	Kind       string `json:"kind"`
	ResellerID int64  `json:"reseller_id,omitempty"`
	Balance    int64  `json:"balance"`
}

func (h *handler) apiAccounts(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	accs, err := h.svc.DB().Accounts(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]accountView, 0, len(accs))
	for _, a := range accs {
		out = append(out, accountView{a.Code, string(a.Kind), a.ResellerID, a.Balance})
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": out})
}

func (h *handler) apiPostings(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	code := r.URL.Query().Get("account")
	if code == "" {
		writeError(w, http.StatusBadRequest, "account is required", "account")
		return
	}
	limit := 100
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 10000 {
			writeError(w, http.StatusBadRequest, "limit must be 1 to 10000", "limit")
			return
		}
		limit = n
	}
	if _, err := h.svc.DB().AccountID(r.Context(), code); err != nil {
		h.fail(w, r, err)
		return
	}
	ps, err := h.svc.DB().Postings(r.Context(), code, limit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	bal, err := h.svc.DB().Balance(r.Context(), code)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"account": code, "balance": bal, "postings": postingViews(ps)})
}

func (h *handler) apiLedgerCheck(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	rep, err := h.svc.LedgerCheck(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	probs := make([]string, 0, len(rep.Discrepancies))
	for _, d := range rep.Discrepancies {
		probs = append(probs, d.String())
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": rep.OK(), "accounts": rep.Accounts, "postings": rep.Postings, "discrepancies": probs})
}

// AuditView is an audit row; before and after are the JSON the action recorded.
type AuditView struct {
	ID     int64           `json:"id"`
	At     time.Time       `json:"at"`
	Actor  string          `json:"actor"`
	Action string          `json:"action"`
	Target string          `json:"target"`
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
	IP     string          `json:"ip"`
}

func auditFilter(r *http.Request) store.AuditFilter {
	q := r.URL.Query()
	f := store.AuditFilter{Actor: q.Get("actor"), Target: q.Get("target"), Action: q.Get("action")}
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 && n <= 1000 {
		f.Limit = n
	}
	return f
}

func (h *handler) apiAudit(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	list, err := h.as.Audit(r.Context(), auditFilter(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]AuditView, 0, len(list))
	for _, e := range list {
		v := AuditView{ID: e.ID, At: e.At, Actor: e.Actor, Action: e.Action, Target: e.Target, IP: e.IP}
		if e.Before != "" {
			v.Before = json.RawMessage(e.Before)
		}
		if e.After != "" {
			v.After = json.RawMessage(e.After)
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out})
}

func (h *handler) apiAdmins(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	us, err := h.as.Admins(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	type adminView struct {
		Username  string    `json:"username"`
		Disabled  bool      `json:"disabled"`
		CreatedAt time.Time `json:"created_at"`
	}
	out := make([]adminView, 0, len(us))
	for _, u := range us {
		out = append(out, adminView{u.Username, u.Disabled, u.CreatedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"admins": out})
}

func (h *handler) apiAdminCreate(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		Username string `json:"username"`
	}
	if !decode(w, r, &req) {
		return
	}
	pw, err := h.as.CreateAdmin(r.Context(), h.actor(r, id), req.Username)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"username": req.Username, "password": pw})
}

func (h *handler) apiTokens(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	ts, err := h.as.Tokens(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	type tokenView struct {
		ID        int64     `json:"id"`
		Name      string    `json:"name"`
		Owner     string    `json:"owner"`
		CreatedAt time.Time `json:"created_at"`
	}
	out := make([]tokenView, 0, len(ts))
	for _, t := range ts {
		out = append(out, tokenView{t.ID, t.Name, t.Username, t.CreatedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
}

func (h *handler) apiTokenCreate(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		Name string `json:"name"`
	}
	if !decode(w, r, &req) {
		return
	}
	tok, t, err := h.as.CreateToken(r.Context(), id, h.guard.ClientIP(r).String(), req.Name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": t.ID, "name": t.Name, "token": tok})
}

func (h *handler) apiTokenRevoke(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	tid, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusNotFound, "no such token", "")
		return
	}
	if err := h.as.RevokeToken(r.Context(), h.actor(r, id), tid); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
