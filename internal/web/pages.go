package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/session"
)

var pageNames = []string{"login", "overview", "orders", "order", "late", "resellers", "reseller", "deposits", "catalog",
	"suppliers", "ledger", "audit", "admins", "secret", "settings", "payments", "refunds"}

func parsePages() map[string]*template.Template {
	funcs := template.FuncMap{
		"rupiah": rupiah,
		"wib":    wib,
		"chart":  salesChart,
		"lower":  func(v any) string { return strings.ToLower(fmt.Sprint(v)) },
		"usec":   func(us int64) time.Time { return time.UnixMicro(us) },
		"pretty": prettyJSON,
		// wa is a WhatsApp chat link's number: the store keeps phones as 08…, wa.me wants 628….
		"wa": func(phone string) string {
			if strings.HasPrefix(phone, "0") {
				return "62" + phone[1:]
			}
			return phone
		},
		"add": func(a, b int64) int64 { return a + b },
		"pct": percent,
		// formref is a reference drawn once per rendered form: submitting that form twice (a
		// double click, a reload that posts again) then moves the money once.
		"formref": func() string { return "form-" + reseller.NewSecret(12) },
	}
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		out[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/partials.html", "templates/"+name+".html"))
	}
	return out
}

// percent shows a rate as "97.5 %", or "n/a" when there is none.
func percent(r *float64) string {
	if r == nil {
		return "n/a"
	}
	return strconv.FormatFloat(*r*100, 'f', 1, 64) + " %"
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
	pd := pageData{Title: title, Nav: name, Data: data, Htmx: HtmxVersion}
	if id != nil {
		pd.User, pd.CSRF = id.Actor("").Name, id.CSRF
	}
	// The banner shows only what this session was told after its own form post: never text from
	// the URL, which anyone can put in a link.
	if c, err := r.Cookie(sessionCookie); err == nil && id != nil && id.Token == "" {
		f, err := h.as.TakeFlash(r.Context(), c.Value)
		if err != nil {
			h.log.Error("admin flash", "err", err)
		}
		if f.Kind == session.FlashOK {
			pd.Flash = f.Text
		} else if f.Kind == session.FlashErr {
			pd.Error = f.Text
		}
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

// done redirects after a successful form post (post/redirect/get), with a message kept in the
// session for the next page. The message also stays in the URL's ok parameter for scripts that
// read the redirect, but no page shows text from there.
func (h *handler) done(w http.ResponseWriter, r *http.Request, to, msg string) {
	h.flash(r, session.FlashOK, msg)
	http.Redirect(w, r, withParam(to, "ok", msg), http.StatusSeeOther)
}

func (h *handler) flash(r *http.Request, kind, msg string) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return
	}
	if err := h.as.SetFlash(r.Context(), c.Value, kind, msg); err != nil {
		h.log.Error("admin flash", "err", err)
	}
}

// failed redirects back to the form with the error, or answers 500 for an unexpected one.
func (h *handler) failed(w http.ResponseWriter, r *http.Request, to string, err error) {
	status, msg, _ := errorStatus(err)
	if status == http.StatusInternalServerError {
		h.log.Error("admin page", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	h.flash(r, session.FlashErr, msg)
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
	p("GET /admin/orders/late-deliveries", h.lateDeliveriesPage)
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
	p("POST /admin/catalog/products/{code}", h.productPost)
	p("GET /admin/shop/refunds", h.shopRefundsPage)
	p("POST /admin/shop/refunds/{invoice}", h.shopRefundPost)
	p("GET /admin/suppliers", h.suppliersPage)
	p("POST /admin/suppliers/{name}/reply-test", h.replyTestPost)
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

// showSecrets shows credentials once, on a page that is never cached.
func (h *handler) showSecrets(w http.ResponseWriter, r *http.Request, id *admin.Identity, title, next string, secrets [][2]string) {
	h.render(w, r, id, "secret", title, map[string]any{"Secrets": secrets, "Next": next})
}
