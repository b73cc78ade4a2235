package member

import (
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kios-h2h/kios/client/digiflazz"
	"github.com/kios-h2h/kios/client/digiswitch"
	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/deposit"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/session"
	"github.com/kios-h2h/kios/internal/webasset"
)

var pageNames = []string{"login", "home", "orders", "order", "mutations", "deposit", "prices", "api", "profile", "secret", "notfound", "downline", "downline_report"}

// templateFuncs are the pages' helpers: money as Indonesians read it, times in WIB.
func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"rupiah": ledger.FormatRupiah,
		"wib": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(catalog.Jakarta).Format("02-01-2006 15:04") + " WIB"
		},
		"lower": strings.ToLower,
		"neg":   func(n int64) bool { return n < 0 },
		"list":  func(s ...string) []string { return s },
	}
}

func parsePages() map[string]*template.Template {
	funcs := templateFuncs()
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		out[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/"+name+".html"))
	}
	return out
}

// pageData is what every page template gets.
type pageData struct {
	Title string
	Nav   string
	Lang  string
	Path  string // where the language switch comes back to
	User  string
	CSRF  string
	Flash session.Flash
	Htmx  string
	Data  any
}

// T translates a key into the page's language.
func (p pageData) T(key string) string { return tr(p.Lang, key) }

// Mutation describes a statement line in the page's language by its kind; the ledger's own memo
// (kept in the CSV and the API) is shown for an operator's manual change, whose note it carries.
func (p pageData) Mutation(kind, memo string) string {
	if kind == "deposit" {
		return tr(p.Lang, "mk.deposit") + " " + memo
	}
	if _, ok := words["mk."+kind]; ok {
		return tr(p.Lang, "mk."+kind)
	}
	return memo
}

type pageFunc func(w http.ResponseWriter, r *http.Request, cl *caller)

// page wraps a page handler: the login page without a session, 403 for a missing CSRF token.
func (h *handler) page(fn pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limitBody(w, r)
		cl, err := h.identify(r)
		switch {
		case errors.Is(err, errCSRF):
			http.Error(w, errorText(langOf(r), err), http.StatusForbidden)
		case errors.Is(err, errNoAuth):
			if r.Header.Get("HX-Request") != "" {
				w.Header().Set("HX-Redirect", "/member/login")
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			http.Redirect(w, r, "/member/login", http.StatusSeeOther)
		case err != nil:
			h.log.Error("member auth", "err", err)
			http.Error(w, errorText(langOf(r), err), http.StatusInternalServerError)
		default:
			fn(w, r, cl)
		}
	})
}

func (h *handler) routePages(mux *http.ServeMux) {
	p := func(pattern string, fn pageFunc) { mux.Handle(pattern, h.page(fn)) }
	mux.HandleFunc("GET /member/login", h.loginPage)
	mux.HandleFunc("POST /member/login", h.loginPost)
	mux.HandleFunc("GET /member/lang", h.langSwitch)
	mux.Handle("GET /member", http.RedirectHandler("/member/", http.StatusSeeOther))
	p("POST /member/logout", h.logoutPost)
	p("GET /member/{$}", h.homePage)
	p("GET /member/transaksi", h.ordersPage)
	p("GET /member/transaksi/{invoice}", h.orderPage)
	p("GET /member/mutasi", h.mutationsPage)
	p("GET /member/deposit", h.depositPage)
	p("POST /member/deposit", h.depositPost)
	p("POST /member/deposit/{code}/pay/{method}", h.payPost)
	p("GET /member/harga", h.pricesPage)
	p("GET /member/koneksi", h.apiPage)
	p("POST /member/koneksi/{action}", h.apiPost)
	p("GET /member/downline", h.downlinePage)
	p("GET /member/downline/laporan", h.downlineReportPage)
	p("POST /member/downline/{action}", h.downlinePost)
	p("GET /member/profil", h.profilePage)
	p("POST /member/profil/{action}", h.profilePost)
	p("/member/", func(w http.ResponseWriter, r *http.Request, cl *caller) {
		h.renderStatus(w, r, cl, http.StatusNotFound, "notfound", tr(cl.lang, "notfound"), nil)
	})
}

func (h *handler) render(w http.ResponseWriter, r *http.Request, cl *caller, name, title string, data any) {
	h.renderStatus(w, r, cl, http.StatusOK, name, title, data)
}

func (h *handler) renderStatus(w http.ResponseWriter, r *http.Request, cl *caller, status int, name, title string, data any) {
	pd := pageData{Title: title, Nav: name, Lang: langOf(r), Path: backPath(r), Htmx: webasset.HtmxVersion, Data: data}
	if cl != nil {
		pd.User, pd.CSRF = cl.r.Username, cl.csrf
		f, err := h.svc.TakeFlash(r.Context(), session.RealmMember, cl.sid)
		if err != nil {
			h.log.Error("member flash", "err", err)
		}
		pd.Flash = f
	}
	h.execute(w, name, "layout", status, pd)
}

func (h *handler) execute(w http.ResponseWriter, page, tmpl string, status int, data any) {
	if err := ExecutePage(w, h.pages[page], tmpl, status, data); err != nil {
		h.log.Error("render member page", "page", page, "err", err)
	}
}

// backPath is the page a language switch returns to: this one, unless it answered a form.
func backPath(r *http.Request) string {
	if r.Method != http.MethodGet {
		return "/member/"
	}
	return r.URL.Path
}

// back redirects after a form post (post/redirect/get), leaving a message in the session.
func (h *handler) back(w http.ResponseWriter, r *http.Request, cl *caller, to, kind, msg string) {
	if err := h.svc.SetFlash(r.Context(), session.RealmMember, cl.sid, kind, msg); err != nil {
		h.log.Error("member flash", "err", err)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// failed redirects back with the error's text, or answers 500 for an unexpected one.
func (h *handler) failed(w http.ResponseWriter, r *http.Request, cl *caller, to string, err error) {
	p := describe(err)
	if p.status == http.StatusInternalServerError {
		h.log.Error("member page", "path", r.URL.Path, "err", err)
	}
	h.back(w, r, cl, to, session.FlashErr, p.text(cl.lang))
}

func (h *handler) loginPage(w http.ResponseWriter, r *http.Request) {
	if cl, err := h.identify(r); err == nil && cl != nil {
		http.Redirect(w, r, "/member/", http.StatusSeeOther)
		return
	}
	h.execute(w, "login", "layout", http.StatusOK, pageData{Title: tr(langOf(r), "login.title"), Nav: "login", Lang: langOf(r), Path: "/member/login",
		Data: map[string]string{}})
}

func (h *handler) loginPost(w http.ResponseWriter, r *http.Request) {
	limitBody(w, r)
	if session.CrossSite(r) {
		http.Error(w, tr(langOf(r), "err.cross_site"), http.StatusForbidden)
		return
	}
	sid, err := h.signIn(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"), r.PostFormValue("code"), h.clientIP(r))
	if err != nil {
		p := describe(err)
		if p.status == http.StatusInternalServerError {
			h.log.Error("member login", "err", err)
		}
		lang := langOf(r)
		h.execute(w, "login", "layout", p.status, pageData{Title: tr(lang, "login.title"), Nav: "login", Lang: lang, Path: "/member/login",
			Flash: session.Flash{Kind: session.FlashErr, Text: p.text(lang)}, Data: map[string]string{"Username": r.PostFormValue("username")}})
		return
	}
	session.SetCookie(w, CookieName, sid, h.opts.SessionTTL, h.secure(r))
	http.Redirect(w, r, "/member/", http.StatusSeeOther)
}

func (h *handler) logoutPost(w http.ResponseWriter, r *http.Request, cl *caller) {
	if err := h.svc.CloseMemberSession(r.Context(), session.Hash(cl.sid)); err != nil {
		h.log.Error("member logout", "err", err)
	}
	session.ClearCookie(w, CookieName, h.secure(r))
	http.Redirect(w, r, "/member/login", http.StatusSeeOther)
}

// langSwitch keeps the chosen language in a cookie for a year, then goes back to where it was.
func (h *handler) langSwitch(w http.ResponseWriter, r *http.Request) {
	lang := "id"
	if r.URL.Query().Get("to") == "en" {
		lang = "en"
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/member/", MaxAge: 365 * 24 * 3600, HttpOnly: true,
		Secure: h.secure(r), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, session.SafeNext(r.URL.Query().Get("next"), "/member/"), http.StatusSeeOther)
}

func (h *handler) homePage(w http.ResponseWriter, r *http.Request, cl *caller) {
	me, err := h.me(r, cl)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	today := dayStart(h.svc.Now())
	n, spend, err := h.svc.ResellerDaySummary(r.Context(), cl.r.ID, today)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	os, err := h.svc.ResellerOrders(r.Context(), order.ResellerFilter{ResellerID: cl.r.ID, Limit: 10})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, cl, "home", tr(cl.lang, "nav.home"), map[string]any{"Me": me, "Orders": views(os), "Today": n, "Spend": spend})
}

func views(os []order.Order) []orderView {
	out := make([]orderView, len(os))
	for i := range os {
		out[i] = viewOrder(&os[i])
	}
	return out
}

func (h *handler) ordersPage(w http.ResponseWriter, r *http.Request, cl *caller) {
	q := r.URL.Query()
	f, err := orderQuery(q, cl.r.ID)
	if err != nil {
		h.renderStatus(w, r, cl, http.StatusBadRequest, "notfound", errorText(cl.lang, err), nil)
		return
	}
	if f.Limit == 0 {
		f.Limit = 50
	}
	os, err := h.svc.ResellerOrders(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	next := ""
	if len(os) == f.Limit {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("before", strconv.FormatInt(os[len(os)-1].ID, 10))
		next = "/member/transaksi?" + nq.Encode()
	}
	data := map[string]any{"Orders": views(os), "Q": q.Get("q"), "Status": q.Get("status"), "From": q.Get("from"), "To": q.Get("to"), "Next": next}
	if r.Header.Get("HX-Request") != "" {
		h.execute(w, "orders", "rows", http.StatusOK, pageData{Lang: cl.lang, Data: data})
		return
	}
	h.render(w, r, cl, "orders", tr(cl.lang, "nav.orders"), data)
}

func (h *handler) orderPage(w http.ResponseWriter, r *http.Request, cl *caller) {
	o, err := h.svc.Order(r.Context(), cl.r.ID, r.PathValue("invoice"))
	if err != nil {
		if describe(err).status == http.StatusNotFound {
			h.renderStatus(w, r, cl, http.StatusNotFound, "notfound", tr(cl.lang, "notfound"), nil)
			return
		}
		h.fail(w, r, err)
		return
	}
	tl, err := h.timeline(r.Context(), cl, o)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, cl, "order", o.Invoice, map[string]any{"Order": viewOrder(o), "Timeline": tl})
}

func (h *handler) mutationsPage(w http.ResponseWriter, r *http.Request, cl *caller) {
	q := r.URL.Query()
	from, err := day(q.Get("from"), "from", 0)
	if err == nil && from.IsZero() {
		from = dayStart(h.svc.Now()).AddDate(0, 0, -6)
	}
	to, err2 := day(q.Get("to"), "to", 1)
	if err = errors.Join(err, err2); err != nil {
		h.renderStatus(w, r, cl, http.StatusBadRequest, "notfound", errorText(cl.lang, err), nil)
		return
	}
	ms, err := h.mutations(r.Context(), cl, from, to)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		rows := [][]string{{"time_wib", "ref", "kind", "description", "available_change", "held_change", "balance", "held"}}
		for _, m := range ms {
			rows = append(rows, []string{m.At.Format("2006-01-02 15:04:05"), m.Ref, m.Kind, m.Description, itoa(m.Available), itoa(m.Held),
				itoa(m.Balance), itoa(m.HeldAfter)})
		}
		writeCSV(w, "mutasi-"+cl.r.Username+".csv", rows)
		return
	}
	cut, err := h.archivedSince(r.Context(), from)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data := map[string]any{"Mutations": ms, "From": from.Format("2006-01-02"), "To": q.Get("to")}
	if !cut.IsZero() {
		data["ArchivedBefore"] = cut
	}
	h.render(w, r, cl, "mutations", tr(cl.lang, "nav.mutations"), data)
}

// writeCSV sends rows as a CSV download. Cells that a spreadsheet would run as a formula are
// prefixed with a quote.
func writeCSV(w http.ResponseWriter, name string, rows [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	cw := csv.NewWriter(w)
	for _, row := range rows {
		for i, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				if _, err := strconv.ParseInt(c, 10, 64); err != nil {
					row[i] = "'" + c
				}
			}
		}
		_ = cw.Write(row)
	}
	cw.Flush()
}

func (h *handler) depositPage(w http.ResponseWriter, r *http.Request, cl *caller) {
	ts, banks, err := h.tickets(r.Context(), cl, 50)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var open []ticketView
	for _, t := range ts {
		if t.Status == string(deposit.Open) {
			open = append(open, t)
		}
	}
	methods, err := h.svc.PaymentMethods(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, cl, "deposit", tr(cl.lang, "nav.deposit"), map[string]any{"Tickets": ts, "Open": open, "Banks": banks, "Methods": methods})
}

func (h *handler) depositPost(w http.ResponseWriter, r *http.Request, cl *caller) {
	amount, err := parseAmount(r.PostFormValue("amount"))
	if err != nil {
		h.failed(w, r, cl, "/member/deposit", deposit.ErrAmount)
		return
	}
	t, err := h.openDeposit(r.Context(), cl, amount, r.PostFormValue("bank"), r.PostFormValue("method"))
	if err != nil {
		h.failed(w, r, cl, "/member/deposit", err)
		return
	}
	h.back(w, r, cl, "/member/deposit", session.FlashOK, fmt.Sprintf("%s %s: %s %s", tr(cl.lang, "dep.code"), t.Code, tr(cl.lang, "dep.pay"),
		ledger.FormatRupiah(t.Amount)))
}

// parseAmount reads rupiah as people type them: "1.000.000", "1000000", "Rp 50.000".
func parseAmount(s string) (int64, error) {
	s = strings.NewReplacer("Rp", "", "rp", "", ".", "", ",", "", " ", "").Replace(s)
	return strconv.ParseInt(s, 10, 64)
}

func (h *handler) payPost(w http.ResponseWriter, r *http.Request, cl *caller) {
	if h.opts.Payments == nil {
		h.renderStatus(w, r, cl, http.StatusNotFound, "notfound", tr(cl.lang, "notfound"), nil)
		return
	}
	t, err := h.svc.Ticket(r.Context(), r.PathValue("code"))
	if err != nil || t.ResellerID != cl.r.ID {
		h.renderStatus(w, r, cl, http.StatusNotFound, "notfound", tr(cl.lang, "notfound"), nil)
		return
	}
	to, err := h.opts.Payments.Pay(r.Context(), cl.r, t, r.PathValue("method"))
	if err != nil {
		h.failed(w, r, cl, "/member/deposit", err)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (h *handler) pricesPage(w http.ResponseWriter, r *http.Request, cl *caller) {
	q := r.URL.Query().Get("q")
	ps, err := h.priceList(r.Context(), cl, q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		rows := [][]string{{"product", "code", "name", "kind", "price", "admin", "active", "in_stock"}}
		for _, p := range ps {
			rows = append(rows, []string{p.Product, p.Code, p.Name, p.Kind, itoa(p.Price), itoa(p.Admin), strconv.FormatBool(p.Active),
				strconv.FormatBool(p.InStock)})
		}
		writeCSV(w, "harga-"+cl.r.Membership+".csv", rows)
		return
	}
	h.render(w, r, cl, "prices", tr(cl.lang, "nav.prices"), map[string]any{"Prices": ps, "Q": q, "Membership": cl.r.Membership})
}

// signFormula is one dialect's sign, as the Atur Koneksi API page explains it.
type signFormula struct {
	Dialect  string
	Endpoint string
	Formula  string
}

var signFormulas = []signFormula{
	{"BASSTORE v1 (/api/v1/)", "semua / all", "Authorization: Bearer TOKEN"},
	{"Digiswitch H2H (/v1/user/api/)", "transaction", "md5(username + api_key + ref_id)"},
	{"Digiswitch H2H (/v1/user/api/)", "cek-saldo, deposit", "md5(username + api_key + \"" + digiswitch.SuffixDeposit + "\")"},
	{"Digiswitch H2H (/v1/user/api/)", "price-list", "md5(username + api_key + \"" + digiswitch.SuffixPriceList + "\")"},
	{"Digiflazz (/v1/)", "transaction", "md5(username + api_key + ref_id)"},
	{"Digiflazz (/v1/)", "cek-saldo", "md5(username + api_key + \"" + digiflazz.SuffixBalance + "\")"},
	{"Digiflazz (/v1/)", "price-list", "md5(username + api_key + \"" + digiflazz.SuffixPriceList + "\")"},
	{"Digiflazz (/v1/)", "deposit", "md5(username + api_key + \"" + digiflazz.SuffixDeposit + "\")"},
	// memberID is the username, password the api key, PIN the Otomax PIN the distributor gives
	// (kios reseller otomax); docs/OTOMAX.md.
	{"Otomax/IRS via IP (/otomax/)", "trx, trx&check=1", "base64url(sha1(\"OtomaX|\" + username + \"|\" + product + \"|\" + dest + \"|\" + refID + \"|\" + PIN Otomax + \"|\" + api_key))"},
	{"Otomax/IRS via IP (/otomax/)", "balance", "base64url(sha1(\"OtomaX|CheckBalance|\" + username + \"|\" + PIN Otomax + \"|\" + api_key))"},
}

func (h *handler) apiPage(w http.ResponseWriter, r *http.Request, cl *caller) {
	me, err := h.me(r, cl)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ds, err := h.svc.CallbackDeliveries(r.Context(), cl.r.ID, 20)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, cl, "api", tr(cl.lang, "nav.api"), map[string]any{"Me": me, "Formulas": signFormulas, "Deliveries": ds,
		"Full": len(cl.r.AllowIPs) >= MaxAllowIPs})
}

func (h *handler) apiPost(w http.ResponseWriter, r *http.Request, cl *caller) {
	ctx, ip, to := r.Context(), h.clientIP(r), "/member/koneksi"
	switch r.PathValue("action") {
	case "api-key", "token":
		if err := h.confirm(ctx, cl, r.PostFormValue("password"), ip); err != nil {
			h.failed(w, r, cl, to, err)
			return
		}
		what, label := "token", tr(cl.lang, "api.token")
		if r.PathValue("action") == "api-key" {
			what, label = "api_key", tr(cl.lang, "api.key")
		}
		secret, err := h.rotateSecret(ctx, cl, what)
		if err != nil {
			h.failed(w, r, cl, to, err)
			return
		}
		h.render(w, r, cl, "secret", label, map[string]any{"Secrets": [][2]string{{label, secret}}, "Next": to})
	case "allow-ip", "deny-ip":
		if err := h.confirm(ctx, cl, r.PostFormValue("password"), ip); err != nil {
			h.failed(w, r, cl, to, err)
			return
		}
		change := h.allowIP
		if r.PathValue("action") == "deny-ip" {
			change = h.denyIP
		}
		if _, err := change(ctx, cl, r.PostFormValue("cidr")); err != nil {
			h.failed(w, r, cl, to, err)
			return
		}
		h.back(w, r, cl, to, session.FlashOK, tr(cl.lang, "ok.saved"))
	case "callback":
		if err := h.setCallback(ctx, cl, r.PostFormValue("url")); err != nil {
			h.failed(w, r, cl, to, err)
			return
		}
		h.back(w, r, cl, to, session.FlashOK, tr(cl.lang, "ok.saved"))
	case "callback-test":
		d, err := h.testCallback(ctx, cl)
		if err != nil {
			h.failed(w, r, cl, to, err)
			return
		}
		kind := session.FlashOK
		if d.Status < 200 || d.Status > 299 {
			kind = session.FlashErr
		}
		h.back(w, r, cl, to, kind, fmt.Sprintf("%s HTTP %d %s", tr(cl.lang, "ok.cb.test"), d.Status, d.Result))
	case "sign":
		if h.signCheck(cl, r.PostFormValue("suffix"), r.PostFormValue("sign")) {
			h.back(w, r, cl, to, session.FlashOK, tr(cl.lang, "ok.sign"))
		} else {
			h.back(w, r, cl, to, session.FlashErr, tr(cl.lang, "err.sign")+" md5(username + api_key + \""+r.PostFormValue("suffix")+"\")")
		}
	default:
		h.renderStatus(w, r, cl, http.StatusNotFound, "notfound", tr(cl.lang, "notfound"), nil)
	}
}

func (h *handler) profilePage(w http.ResponseWriter, r *http.Request, cl *caller) {
	ctx := r.Context()
	subject := Subject(cl.r.ID)
	on, err := h.svc.TwoFactorOn(ctx, subject)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pending, err := h.svc.PendingSecret(ctx, subject)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	left, err := h.svc.RecoveryCodesLeft(ctx, subject)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids, err := h.identities(r, cl)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	data := map[string]any{"On": on, "Pending": pending, "Left": left, "Name": cl.r.Name, "Membership": cl.r.Membership, "Identities": ids}
	if pending != "" {
		// The issuer BeginTwoFactor gave the app, so the QR code names the same account.
		if data["QR"], err = session.TwoFactorQR(session.TwoFactorURI("Kios", cl.r.Username, pending)); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, cl, "profile", tr(cl.lang, "nav.profile"), data)
}

func (h *handler) profilePost(w http.ResponseWriter, r *http.Request, cl *caller) {
	ctx, ip, to := r.Context(), h.clientIP(r), "/member/profil"
	subject := Subject(cl.r.ID)
	switch r.PathValue("action") {
	case "password":
		if err := h.changePassword(ctx, cl, r.PostFormValue("password"), r.PostFormValue("new_password"), ip); err != nil {
			h.failed(w, r, cl, to, err)
			return
		}
		h.back(w, r, cl, to, session.FlashOK, tr(cl.lang, "ok.password"))
	case "2fa":
		if err := h.confirm(ctx, cl, r.PostFormValue("password"), ip); err != nil {
			h.failed(w, r, cl, to, err)
			return
		}
		if _, _, err := h.svc.BeginTwoFactor(ctx, subject, "Kios", cl.r.Username); err != nil {
			h.failed(w, r, cl, to, err)
			return
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
	case "2fa-confirm":
		codes, err := h.svc.ConfirmTwoFactor(ctx, subject, r.PostFormValue("code"))
		if err != nil {
			h.failed(w, r, cl, to, err)
			return
		}
		secrets := make([][2]string, len(codes))
		for i, c := range codes {
			secrets[i] = [2]string{strconv.Itoa(i + 1), c}
		}
		h.render(w, r, cl, "secret", tr(cl.lang, "prof.2fa"), map[string]any{"Secrets": secrets, "Next": to, "Recovery": true})
	case "text-unbind":
		// The text channels' identities (issue 20): a lost phone or a hijacked chat account is
		// revoked here, with the password asked again.
		if err := h.confirm(ctx, cl, r.PostFormValue("password"), ip); err != nil {
			h.failed(w, r, cl, to, err)
			return
		}
		if _, err := h.textEngine().Unbind(ctx, cl.r.Username, r.PostFormValue("channel"), r.PostFormValue("id")); err != nil {
			h.failed(w, r, cl, to, err)
			return
		}
		h.log.Info("text identity revoked in the member area", "reseller", cl.r.Username, "channel", r.PostFormValue("channel"), "id", r.PostFormValue("id"))
		h.back(w, r, cl, to, session.FlashOK, tr(cl.lang, "ok.text.unbind"))
	case "text-pin":
		if err := h.confirm(ctx, cl, r.PostFormValue("password"), ip); err != nil {
			h.failed(w, r, cl, to, err)
			return
		}
		if err := h.textEngine().SetPIN(ctx, cl.r.Username, r.PostFormValue("pin")); err != nil {
			h.failed(w, r, cl, to, err)
			return
		}
		h.back(w, r, cl, to, session.FlashOK, tr(cl.lang, "ok.text.pin"))
	case "2fa-off":
		if err := h.confirm(ctx, cl, r.PostFormValue("password"), ip); err != nil {
			h.failed(w, r, cl, to, err)
			return
		}
		if err := h.svc.DisableTwoFactor(ctx, subject); err != nil {
			h.failed(w, r, cl, to, err)
			return
		}
		h.back(w, r, cl, to, session.FlashOK, tr(cl.lang, "ok.2fa.off"))
	default:
		h.renderStatus(w, r, cl, http.StatusNotFound, "notfound", tr(cl.lang, "notfound"), nil)
	}
}

// dayStart is the start of t's day in Jakarta.
func dayStart(t time.Time) time.Time {
	y, m, d := t.In(catalog.Jakarta).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, catalog.Jakarta)
}
