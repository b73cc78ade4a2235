package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
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

var pageNames = []string{"login", "overview", "orders", "order", "resellers", "reseller", "deposits", "catalog",
	"suppliers", "ledger", "audit", "admins", "secret"}

func parsePages() map[string]*template.Template {
	funcs := template.FuncMap{
		"rupiah": rupiah,
		"wib":    wib,
		"chart":  salesChart,
		"lower":  func(v any) string { return strings.ToLower(fmt.Sprint(v)) },
		"usec":   func(us int64) time.Time { return time.UnixMicro(us) },
		"pretty": prettyJSON,
		"add":    func(a, b int64) int64 { return a + b },
	}
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		out[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/partials.html", "templates/"+name+".html"))
	}
	return out
}

func prettyJSON(s string) string {
	if s == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(s), "", "  "); err != nil {
		return s
	}
	return buf.String()
}

// pageData is what every page template gets.
type pageData struct {
	Title   string
	Nav     string
	User    string
	CSRF    string
	Flash   string
	Error   string
	Htmx    string
	Data    any
	Partial bool
}

func (h *handler) render(w http.ResponseWriter, r *http.Request, id *admin.Identity, name, title string, data any) {
	pd := pageData{Title: title, Nav: name, Data: data, Htmx: HtmxVersion,
		Flash: r.URL.Query().Get("ok"), Error: r.URL.Query().Get("err")}
	if id != nil {
		pd.User, pd.CSRF = id.Actor("").Name, id.CSRF
	}
	h.renderTemplate(w, name, "layout", http.StatusOK, pd)
}

func (h *handler) renderTemplate(w http.ResponseWriter, page, tmpl string, status int, data any) {
	var buf bytes.Buffer
	if err := h.pages[page].ExecuteTemplate(&buf, tmpl, data); err != nil {
		h.log.Error("render page", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// done redirects after a successful form post (post/redirect/get), with a message to show.
func done(w http.ResponseWriter, r *http.Request, to, msg string) {
	http.Redirect(w, r, withParam(to, "ok", msg), http.StatusSeeOther)
}

// failed redirects back to the form with the error, or answers 500 for an unexpected one.
func (h *handler) failed(w http.ResponseWriter, r *http.Request, to string, err error) {
	status, msg, _ := errorStatus(err)
	if status == http.StatusInternalServerError {
		h.log.Error("admin page", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	http.Redirect(w, r, withParam(to, "err", msg), http.StatusSeeOther)
}

func withParam(to, k, v string) string {
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	return to + sep + k + "=" + url.QueryEscape(v)
}

func (h *handler) routePages(mux *http.ServeMux) {
	p := func(pattern string, fn identified) { mux.Handle(pattern, h.page(fn)) }
	mux.HandleFunc("GET /admin/login", h.loginPage)
	mux.HandleFunc("POST /admin/login", h.loginPost)
	p("POST /admin/logout", h.logoutPost)
	p("GET /admin/{$}", h.overviewPage)
	p("GET /admin/orders", h.ordersPage)
	p("GET /admin/orders/rows", h.orderRows)
	p("GET /admin/orders/{invoice}", h.orderPage)
	p("POST /admin/orders/{invoice}/resolve", h.orderResolvePost)
	p("GET /admin/resellers", h.resellersPage)
	p("POST /admin/resellers", h.resellerCreatePost)
	p("GET /admin/resellers/{username}", h.resellerPage)
	p("POST /admin/resellers/{username}/{action}", h.resellerActionPost)
	p("GET /admin/deposits", h.depositsPage)
	p("POST /admin/deposits", h.depositPost)
	p("POST /admin/deposits/tickets/{ref}/{action}", h.ticketPost)
	p("GET /admin/catalog", h.catalogPage)
	p("POST /admin/catalog/bulk", h.catalogBulkPost)
	p("POST /admin/catalog/import", h.catalogImportPost)
	p("POST /admin/catalog/variants/{code}", h.variantPost)
	p("GET /admin/suppliers", h.suppliersPage)
	p("GET /admin/ledger", h.ledgerPage)
	p("GET /admin/audit", h.auditPage)
	p("GET /admin/admins", h.adminsPage)
	p("POST /admin/admins", h.adminCreatePost)
	p("POST /admin/tokens", h.tokenCreatePost)
	p("POST /admin/tokens/{id}/revoke", h.tokenRevokePost)
	p("/admin/", func(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
		h.renderTemplate(w, "secret", "layout", http.StatusNotFound, pageData{Title: "Not found", User: id.Username, CSRF: id.CSRF,
			Error: "There is no page at " + r.URL.Path})
	})
}

// safeNext keeps the post-login redirect on this site: a path under /admin/, never a URL.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/admin/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/admin/"
	}
	return next
}

func (h *handler) loginPage(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if _, err := h.as.Session(r.Context(), c.Value); err == nil {
			http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
			return
		}
	}
	h.renderTemplate(w, "login", "layout", http.StatusOK, pageData{Title: "Sign in", Nav: "login",
		Data: map[string]string{"Next": safeNext(r.URL.Query().Get("next"))}, Error: r.URL.Query().Get("err")})
}

func (h *handler) loginPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	// Login forms carry no CSRF token (there is no session yet); a cross-site login attempt is
	// stopped by checking the browser's Origin or Sec-Fetch-Site instead.
	if crossSite(r) {
		http.Error(w, "Forbidden: cross-site login", http.StatusForbidden)
		return
	}
	next := safeNext(r.PostFormValue("next"))
	sid, _, err := h.as.Login(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"), h.guard.ClientIP(r).String())
	if err != nil {
		status := http.StatusUnauthorized
		msg := admin.ErrBadLogin.Error()
		if errors.Is(err, admin.ErrThrottled) {
			status, msg = http.StatusTooManyRequests, err.Error()
		} else if !errors.Is(err, admin.ErrBadLogin) {
			h.log.Error("admin login", "err", err)
			status, msg = http.StatusInternalServerError, "internal error"
		}
		h.renderTemplate(w, "login", "layout", status, pageData{Title: "Sign in", Nav: "login",
			Data: map[string]string{"Next": next, "Username": r.PostFormValue("username")}, Error: msg})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sid, Path: "/", HttpOnly: true, Secure: h.secure(r),
		SameSite: http.SameSiteStrictMode, MaxAge: int(h.sessionTTL().Seconds())})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *handler) sessionTTL() time.Duration {
	if h.opts.Admin.SessionTTL > 0 {
		return h.opts.Admin.SessionTTL
	}
	return 12 * time.Hour
}

func crossSite(r *http.Request) bool {
	if s := r.Header.Get("Sec-Fetch-Site"); s != "" && s != "same-origin" && s != "none" {
		return true
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		return err != nil || u.Host != r.Host
	}
	return false
}

func (h *handler) logoutPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := h.as.Logout(r.Context(), c.Value); err != nil {
			h.log.Error("admin logout", "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: h.secure(r),
		SameSite: http.SameSiteStrictMode, MaxAge: -1})
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}

func (h *handler) overviewPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	ov, err := h.overview(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/orders", err)
		return
	}
	orders, err := h.as.Orders(r.Context(), store.OrderFilter{Limit: 10})
	if err != nil {
		h.failed(w, r, "/admin/orders", err)
		return
	}
	resellers, err := h.as.Resellers(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/orders", err)
		return
	}
	h.render(w, r, id, "overview", "Overview", map[string]any{"O": ov, "Orders": orders, "Suppliers": h.suppliers(r),
		"Resellers": resellers, "Query": ""})
}

func (h *handler) ordersPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	f, err := orderFilter(r)
	if err != nil {
		f = store.OrderFilter{}
	}
	orders, err := h.as.Orders(r.Context(), f)
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	h.render(w, r, id, "orders", "Orders", map[string]any{"Orders": orders, "Q": f.Search, "Status": string(f.Status),
		"Query": r.URL.RawQuery})
}

// orderRows is the live order list's body, polled by htmx.
func (h *handler) orderRows(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	f, err := orderFilter(r)
	if err != nil {
		f = store.OrderFilter{}
	}
	orders, err := h.as.Orders(r.Context(), f)
	if err != nil {
		h.log.Error("order rows", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.renderTemplate(w, "orders", "order_rows", http.StatusOK, orders)
}

func (h *handler) orderPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	d, err := h.as.Order(r.Context(), r.PathValue("invoice"))
	if err != nil {
		h.failed(w, r, "/admin/orders", err)
		return
	}
	audit, err := h.as.Audit(r.Context(), store.AuditFilter{Target: d.Order.Invoice})
	if err != nil {
		h.failed(w, r, "/admin/orders", err)
		return
	}
	h.render(w, r, id, "order", "Order "+d.Order.Invoice, map[string]any{"D": d, "Audit": audit})
}

func (h *handler) orderResolvePost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	inv := r.PathValue("invoice")
	back := "/admin/orders/" + url.PathEscape(inv)
	o, err := h.as.ResolveOrder(r.Context(), h.actor(r, id), inv, order.Status(r.PostFormValue("status")),
		r.PostFormValue("sn"), r.PostFormValue("message"))
	if err != nil {
		h.failed(w, r, back, err)
		return
	}
	done(w, r, back, "Order marked "+string(o.Status))
}

func (h *handler) resellersPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	list, err := h.as.Resellers(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	h.render(w, r, id, "resellers", "Resellers", list)
}

func (h *handler) resellerCreatePost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	n := core.NewReseller{Username: strings.TrimSpace(r.PostFormValue("username")), Name: r.PostFormValue("name"),
		Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone"), Membership: strings.TrimSpace(r.PostFormValue("membership"))}
	for _, s := range strings.FieldsFunc(r.PostFormValue("allow_ips"), func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\r' }) {
		p, err := admin.AllowPrefix(s)
		if err != nil {
			h.failed(w, r, "/admin/resellers", &core.FieldError{Field: "allow_ips", Reason: err.Error()})
			return
		}
		n.AllowIPs = append(n.AllowIPs, p)
	}
	cr, err := h.as.CreateReseller(r.Context(), h.actor(r, id), n)
	if err != nil {
		h.failed(w, r, "/admin/resellers", err)
		return
	}
	h.showSecrets(w, r, id, "Reseller "+cr.Reseller.Username+" created", "/admin/resellers/"+url.PathEscape(cr.Reseller.Username),
		[][2]string{{"Username", cr.Reseller.Username}, {"Token", cr.Token}, {"API key", cr.APIKey}})
}

// showSecrets shows credentials once, on a page that is never cached.
func (h *handler) showSecrets(w http.ResponseWriter, r *http.Request, id *admin.Identity, title, next string, secrets [][2]string) {
	h.render(w, r, id, "secret", title, map[string]any{"Secrets": secrets, "Next": next})
}

func (h *handler) resellerPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	v, err := h.as.Reseller(r.Context(), r.PathValue("username"))
	if err != nil {
		h.failed(w, r, "/admin/resellers", err)
		return
	}
	orders, err := h.as.Orders(r.Context(), store.OrderFilter{ResellerID: v.ID, Limit: 20})
	if err != nil {
		h.failed(w, r, "/admin/resellers", err)
		return
	}
	postings, err := h.svc.DB().Postings(r.Context(), ledger.AvailableCode(v.ID), 20)
	if err != nil {
		h.failed(w, r, "/admin/resellers", err)
		return
	}
	audit, err := h.as.Audit(r.Context(), store.AuditFilter{Target: "reseller:" + v.Username, Limit: 20})
	if err != nil {
		h.failed(w, r, "/admin/resellers", err)
		return
	}
	h.render(w, r, id, "reseller", "Reseller "+v.Username, map[string]any{"R": v, "Orders": orders, "Postings": postings,
		"Audit": audit, "Query": ""})
}

func (h *handler) resellerActionPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	ctx, by, username := r.Context(), h.actor(r, id), r.PathValue("username")
	back := "/admin/resellers/" + url.PathEscape(username)
	var err error
	var msg string
	switch r.PathValue("action") {
	case "token", "api-key":
		var cr core.Credentials
		label := "Token"
		if r.PathValue("action") == "token" {
			cr, err = h.as.RotateToken(ctx, by, username)
		} else {
			cr, err = h.as.RotateAPIKey(ctx, by, username)
			label = "API key"
		}
		if err != nil {
			h.failed(w, r, back, err)
			return
		}
		secret := cr.Token
		if secret == "" {
			secret = cr.APIKey
		}
		h.showSecrets(w, r, id, label+" of "+username+" rotated", back, [][2]string{{"Username", username}, {"New " + label, secret}})
		return
	case "allow-ip", "deny-ip":
		_, err = h.as.AllowIP(ctx, by, username, r.PostFormValue("cidr"), r.PathValue("action") == "deny-ip")
		msg = "Allowlist updated"
	case "suspend":
		_, err = h.as.SetStatus(ctx, by, username, reseller.Suspended)
		msg = "Reseller suspended"
	case "resume":
		_, err = h.as.SetStatus(ctx, by, username, reseller.Active)
		msg = "Reseller resumed"
	case "membership":
		_, err = h.as.SetMembership(ctx, by, username, strings.TrimSpace(r.PostFormValue("membership")))
		msg = "Tier changed"
	case "callback":
		_, err = h.as.SetCallback(ctx, by, username, strings.TrimSpace(r.PostFormValue("url")))
		msg = "Callback URL saved"
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.failed(w, r, back, err)
		return
	}
	done(w, r, back, msg)
}

func (h *handler) depositsPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var tickets []DepositTicket
	if h.opts.Tickets != nil {
		var err error
		if tickets, err = h.opts.Tickets.Tickets(r.Context(), ""); err != nil {
			h.failed(w, r, "/admin/", err)
			return
		}
	}
	list, err := h.as.Resellers(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	deps, err := h.svc.DB().Postings(r.Context(), ledger.DepositsCode, 30)
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	h.render(w, r, id, "deposits", "Deposits", map[string]any{"Tickets": tickets, "TicketsEnabled": h.opts.Tickets != nil,
		"Resellers": list, "Postings": deps, "Username": r.URL.Query().Get("username")})
}

func (h *handler) depositPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	username := strings.TrimSpace(r.PostFormValue("username"))
	amount, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(r.PostFormValue("amount")), ".", ""), 10, 64)
	if err != nil {
		h.failed(w, r, "/admin/deposits", &core.FieldError{Field: "amount", Reason: "must be a whole number of rupiah"})
		return
	}
	debit := r.PostFormValue("direction") == "debit"
	bal, err := h.as.Deposit(r.Context(), h.actor(r, id), username, amount, r.PostFormValue("note"), debit)
	if err != nil {
		h.failed(w, r, "/admin/deposits", err)
		return
	}
	verb := "Credited"
	if debit {
		verb = "Debited"
	}
	done(w, r, "/admin/deposits", verb+" "+rupiah(amount)+" to "+username+"; balance now "+rupiah(bal))
}

func (h *handler) ticketPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	action := r.PathValue("action")
	if h.opts.Tickets == nil || (action != "approve" && action != "reject") {
		http.NotFound(w, r)
		return
	}
	ref := r.PathValue("ref")
	if err := h.ticketAction(r, id, ref, action, r.PostFormValue("reason")); err != nil {
		h.failed(w, r, "/admin/deposits", err)
		return
	}
	done(w, r, "/admin/deposits", "Ticket "+ref+" "+action+"d")
}

func (h *handler) catalogPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	vs, err := h.as.Variants(r.Context(), r.URL.Query().Get("product"))
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	ps, err := h.as.Products(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	h.render(w, r, id, "catalog", "Catalog", map[string]any{"Variants": vs, "Products": ps, "Product": r.URL.Query().Get("product")})
}

func (h *handler) variantPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	code := r.PathValue("code")
	back := "/admin/catalog"
	if p := r.PostFormValue("product"); p != "" {
		back += "?product=" + url.QueryEscape(p)
	}
	e := admin.VariantEdit{Code: code}
	if s := strings.TrimSpace(r.PostFormValue("price")); s != "" {
		p, err := strconv.ParseInt(strings.ReplaceAll(s, ".", ""), 10, 64)
		if err != nil {
			h.failed(w, r, back, &core.FieldError{Field: "price", Reason: "must be a whole number of rupiah"})
			return
		}
		tier := strings.TrimSpace(r.PostFormValue("tier"))
		if tier == "" {
			tier = "default"
		}
		e.Prices = map[string]int64{tier: p}
	}
	active := r.PostFormValue("active") == "on"
	e.Active = &active
	unlimited := r.PostFormValue("unlimited_stock") == "on"
	e.UnlimitedStock = &unlimited
	if s := strings.TrimSpace(r.PostFormValue("stock")); s != "" && !unlimited {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			h.failed(w, r, back, &core.FieldError{Field: "stock", Reason: "must be a whole number"})
			return
		}
		e.Stock = &n
	}
	if _, err := h.as.EditVariants(r.Context(), h.actor(r, id), []admin.VariantEdit{e}); err != nil {
		h.failed(w, r, back, err)
		return
	}
	done(w, r, back, "Saved "+code)
}

func (h *handler) catalogBulkPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var edits []admin.VariantEdit
	dec := json.NewDecoder(strings.NewReader(r.PostFormValue("edits")))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&edits); err != nil {
		h.failed(w, r, "/admin/catalog", &core.FieldError{Field: "edits", Reason: "must be a JSON array of edits: " + err.Error()})
		return
	}
	out, err := h.as.EditVariants(r.Context(), h.actor(r, id), edits)
	if err != nil {
		h.failed(w, r, "/admin/catalog", err)
		return
	}
	done(w, r, "/admin/catalog", "Saved "+strconv.Itoa(len(out))+" variants")
}

func (h *handler) catalogImportPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	f, _, err := r.FormFile("file")
	if err != nil {
		h.failed(w, r, "/admin/catalog", &core.FieldError{Field: "file", Reason: "choose a CSV file"})
		return
	}
	defer f.Close()
	np, nv, err := h.as.ImportCatalog(r.Context(), h.actor(r, id), f)
	if err != nil {
		h.failed(w, r, "/admin/catalog", err)
		return
	}
	done(w, r, "/admin/catalog", fmt.Sprintf("Imported %d products and %d variants", np, nv))
}

func (h *handler) suppliersPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	h.render(w, r, id, "suppliers", "Suppliers", h.suppliers(r))
}

func (h *handler) ledgerPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	db := h.svc.DB()
	accs, err := db.Accounts(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	data := map[string]any{"Accounts": accs}
	if code := r.URL.Query().Get("account"); code != "" {
		ps, err := db.Postings(r.Context(), code, 200)
		if err != nil {
			h.failed(w, r, "/admin/ledger", err)
			return
		}
		data["Account"], data["Postings"] = code, ps
	}
	if r.URL.Query().Get("check") != "" {
		rep, err := h.svc.LedgerCheck(r.Context())
		if err != nil {
			h.failed(w, r, "/admin/ledger", err)
			return
		}
		data["Check"] = rep
	}
	h.render(w, r, id, "ledger", "Ledger", data)
}

func (h *handler) auditPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	f := auditFilter(r)
	list, err := h.as.Audit(r.Context(), f)
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	data := map[string]any{"Entries": list, "F": f}
	lim := f.Limit
	if lim == 0 {
		lim = 100
	}
	if len(list) == lim {
		q := r.URL.Query()
		q.Set("before", strconv.FormatInt(list[len(list)-1].ID, 10))
		data["Older"] = q.Encode()
	}
	h.render(w, r, id, "audit", "Audit log", data)
}

func (h *handler) adminsPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	us, err := h.as.Admins(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	ts, err := h.as.Tokens(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	h.render(w, r, id, "admins", "Admins and tokens", map[string]any{"Admins": us, "Tokens": ts})
}

func (h *handler) adminCreatePost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	u := strings.TrimSpace(r.PostFormValue("username"))
	pw, err := h.as.CreateAdmin(r.Context(), h.actor(r, id), u)
	if err != nil {
		h.failed(w, r, "/admin/admins", err)
		return
	}
	h.showSecrets(w, r, id, "Admin "+u+" created", "/admin/admins", [][2]string{{"Username", u}, {"Password", pw}})
}

func (h *handler) tokenCreatePost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	tok, t, err := h.as.CreateToken(r.Context(), id, h.guard.ClientIP(r).String(), r.PostFormValue("name"))
	if err != nil {
		h.failed(w, r, "/admin/admins", err)
		return
	}
	h.showSecrets(w, r, id, "API token "+t.Name+" created", "/admin/admins", [][2]string{{"Name", t.Name}, {"Token", tok}})
}

func (h *handler) tokenRevokePost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	tid, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if err := h.as.RevokeToken(r.Context(), h.actor(r, id), tid); err != nil {
		h.failed(w, r, "/admin/admins", err)
		return
	}
	done(w, r, "/admin/admins", "Token revoked")
}
