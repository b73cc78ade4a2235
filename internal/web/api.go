package web

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/supplier"
)

func (h *handler) routeAPI(mux *http.ServeMux) {
	a := func(pattern string, fn identified) { mux.Handle(pattern, h.api(fn)) }
	a("GET /admin/api/me", h.apiMe)
	h.routeTwoFactor(mux)
	a("GET /admin/api/stats", h.apiStats)

	a("GET /admin/api/resellers", h.apiResellers)
	a("POST /admin/api/resellers", h.apiResellerCreate)
	a("GET /admin/api/resellers/{username}", h.apiReseller)
	a("POST /admin/api/resellers/{username}/{action}", h.apiResellerAction)
	a("POST /admin/api/resellers/{username}/otomax", h.apiResellerOtomax)

	a("POST /admin/api/deposits", h.apiDeposit)
	a("GET /admin/api/deposit-tickets", h.apiTickets)
	a("POST /admin/api/deposit-tickets/{ref}/{action}", h.apiTicketAction)

	a("GET /admin/api/catalog/products", h.apiProducts)
	a("GET /admin/api/catalog/variants", h.apiVariants)
	a("PATCH /admin/api/catalog/variants/{code}", h.apiVariantEdit)
	a("GET /admin/api/catalog/variants/{code}/limits", h.apiVariantLimits)
	a("PUT /admin/api/catalog/variants/{code}/limits", h.apiVariantLimitsSet)
	a("POST /admin/api/catalog/bulk", h.apiCatalogBulk)
	a("POST /admin/api/catalog/import", h.apiCatalogImport)

	a("GET /admin/api/orders", h.apiOrders)
	a("GET /admin/api/orders/late-deliveries", h.apiLateDeliveries)
	a("GET /admin/api/orders/{invoice}", h.apiOrder)
	a("POST /admin/api/orders/{invoice}/resolve", h.apiOrderResolve)

	a("GET /admin/api/suppliers", h.apiSuppliers)
	a("POST /admin/api/suppliers", h.apiSupplierAdd)
	a("GET /admin/api/suppliers/{name}", h.apiSupplier)
	a("PATCH /admin/api/suppliers/{name}", h.apiSupplierSet)
	a("POST /admin/api/suppliers/{name}/{action}", h.apiSupplierAction)
	a("POST /admin/api/catalog/sync", h.apiSyncStart)
	a("GET /admin/api/catalog/sync", h.apiSyncStatus)
	a("GET /admin/api/catalog/export", h.apiCatalogExport)
	a("GET /admin/api/markup", h.apiMarkup)
	a("POST /admin/api/markup", h.apiMarkupSet)
	a("GET /admin/api/reports/margin", h.apiMarginReport)
	a("POST /admin/api/deposit-tickets/match", h.apiStatementMatch)

	a("GET /admin/api/ledger/accounts", h.apiAccounts)
	a("GET /admin/api/ledger/postings", h.apiPostings)
	a("GET /admin/api/ledger/check", h.apiLedgerCheck)

	a("GET /admin/api/audit", h.apiAudit)

	a("GET /admin/api/admins", h.apiAdmins)
	a("POST /admin/api/admins", h.apiAdminCreate)
	a("POST /admin/api/admins/{username}/{action}", h.apiAdminAction)
	a("GET /admin/api/tokens", h.apiTokens)
	a("POST /admin/api/tokens", h.apiTokenCreate)
	a("DELETE /admin/api/tokens/{id}", h.apiTokenRevoke)

	h.routeTextAPI(mux)
	h.routeDownlineAPI(mux)
	h.routeSettingsAPI(mux)
	h.routeRoutingAPI(mux)
	h.routePayments(mux)
	h.routeShop(mux)

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
	if errors.Is(err, core.ErrUnknownSetting) {
		return http.StatusBadRequest, err.Error(), "name"
	}
	if errors.Is(err, core.ErrAmount) {
		return http.StatusBadRequest, "amount must be a positive number of rupiah", "amount"
	}
	if ae := (*order.ArchivedError)(nil); errors.As(err, &ae) {
		// Still a 404, saying when and where it went.
		return http.StatusNotFound, ae.Error(), ""
	}
	for _, nf := range []error{reseller.ErrNotFound, order.ErrNotFound, catalog.ErrVariantNotFound, catalog.ErrProductNotFound,
		admin.ErrUserNotFound, supplier.ErrNotFound, core.ErrNotFound, admin.ErrNotFound, deposit.ErrNotFound, core.ErrNoBankAccount} {
		if errors.Is(err, nf) {
			return http.StatusNotFound, nf.Error(), ""
		}
	}
	for _, c := range []error{reseller.ErrUsernameTaken, admin.ErrUsernameTaken, core.ErrOrderFinal, core.ErrAttemptOpen, order.ErrInsufficientBalance, deposit.ErrSettled,
		core.ErrDepositReference, supplier.ErrExists, admin.ErrSelf} {
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
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "request body too large", "")
			return false
		}
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
