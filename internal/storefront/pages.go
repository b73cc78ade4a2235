package storefront

import (
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/kios-h2h/kios/internal/member"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/webasset"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

var pageNames = []string{"home", "product", "invoice", "cek", "notfound"}

func parsePages() map[string]*template.Template {
	funcs := member.TemplateFuncs()
	funcs["initial"] = func(s string) string {
		r, _ := utf8.DecodeRuneInString(s)
		return string(unicode.ToUpper(r))
	}
	// A pattern attribute is anchored by the browser; the API's patterns carry their anchors.
	funcs["trimAnchors"] = func(p string) string { return strings.TrimSuffix(strings.TrimPrefix(p, "^"), "$") }
	funcs["numeric"] = func(p string) bool { return strings.HasPrefix(p, `^\d`) || strings.HasPrefix(p, "^[0-9]{") }
	out := map[string]*template.Template{}
	for _, name := range pageNames {
		out[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	return out
}

// pageData is what every page template gets.
type pageData struct {
	Title     string
	Shop      string
	Lang      string
	Path      string // where the language switch comes back to
	MemberCSS string
	Error     string
	Data      any
}

// T translates a key into the page's language.
func (p pageData) T(key string) string { return tr(p.Lang, key) }

func (h *handler) routePages(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /shop/static/", http.StripPrefix("/shop/static/", webasset.CacheStatic(http.FileServerFS(static))))
	mux.HandleFunc("GET /shop/lang", h.langSwitch)
	mux.HandleFunc("GET /{$}", h.homePage)
	mux.HandleFunc("GET /p/{code}", h.productPage)
	mux.HandleFunc("POST /p/{code}", h.buyPost)
	mux.HandleFunc("GET /invoice/{invoice}", h.invoicePage)
	mux.HandleFunc("GET /invoice/{invoice}/qr.png", h.qrImage)
	mux.HandleFunc("GET /cek", h.cekPage)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.render(w, r, http.StatusNotFound, "notfound", tr(member.Lang(r), "notfound"), "", nil)
	})
}

func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name, title, errText string, data any) {
	lang := member.Lang(r)
	path := "/"
	if r.Method == http.MethodGet {
		path = r.URL.RequestURI()
	} else if r.URL.Path != "" {
		path = r.URL.Path
	}
	pd := pageData{Title: title, Shop: h.opts.Name, Lang: lang, Path: path, MemberCSS: member.StyleSheet, Error: errText, Data: data}
	if err := member.ExecutePage(w, h.pages[name], "layout", status, pd); err != nil {
		h.log.Error("render storefront page", "page", name, "err", err)
	}
}

// langSwitch sets the language cookie (the member area's) and goes back to a page of this site.
func (h *handler) langSwitch(w http.ResponseWriter, r *http.Request) {
	to := "id"
	if r.URL.Query().Get("to") == "en" {
		to = "en"
	}
	http.SetCookie(w, &http.Cookie{Name: member.LangCookie, Value: to, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	next := r.URL.Query().Get("next")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *handler) homePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	ps, _, err := h.catalogView(r.Context(), q)
	if err != nil {
		h.render(w, r, http.StatusInternalServerError, "home", h.opts.Name, tr(member.Lang(r), "err.internal"), map[string]any{"Q": q})
		h.log.Error("storefront home", "err", err)
		return
	}
	h.render(w, r, http.StatusOK, "home", tr(member.Lang(r), "tagline"), "", map[string]any{"Q": q, "Products": ps})
}

// productForm is a product page with what the buyer typed (after a refused checkout).
type productForm struct {
	Product *productDetail
	Form    map[string]string // field name → value
	Variant string
	Method  string
	Phone   string
	Email   string
}

func (h *handler) productPage(w http.ResponseWriter, r *http.Request) {
	h.showProduct(w, r, http.StatusOK, "", productForm{Variant: r.URL.Query().Get("v")})
}

func (h *handler) showProduct(w http.ResponseWriter, r *http.Request, status int, errText string, f productForm) {
	d, err := h.product(r.Context(), r.PathValue("code"))
	if err != nil {
		p := describe(err)
		if p.status == http.StatusInternalServerError {
			h.log.Error("storefront product", "err", err)
		}
		h.render(w, r, p.status, "notfound", tr(member.Lang(r), "notfound"), p.text(member.Lang(r)), nil)
		return
	}
	f.Product = d
	if f.Form == nil {
		f.Form = map[string]string{}
	}
	h.render(w, r, status, "product", d.Name, errText, f)
}

// buyPost is the product page's form: the same checkout as POST /shop/api/checkout, the
// destination joined from the product's fields by its format.
func (h *handler) buyPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		h.showProduct(w, r, http.StatusBadRequest, tr(member.Lang(r), "err.bad_body"), productForm{})
		return
	}
	f := productForm{Form: map[string]string{}, Variant: r.PostForm.Get("variant"), Method: r.PostForm.Get("method"),
		Phone: r.PostForm.Get("phone"), Email: r.PostForm.Get("email")}
	p, err := h.svc.Product(r.Context(), r.PathValue("code"))
	if err != nil {
		h.showProduct(w, r, http.StatusNotFound, "", f)
		return
	}
	form := formFor(p)
	data := form.Format
	for _, fd := range form.Fields {
		v := strings.TrimSpace(r.PostForm.Get("f_" + fd.Name))
		f.Form[fd.Name] = v
		data = strings.ReplaceAll(data, "{"+fd.Name+"}", v)
	}
	res, err := h.checkout(r.Context(), h.clientIP(r).String(), checkoutRequest{Variant: f.Variant, Data: data, Method: f.Method,
		Phone: f.Phone, Email: f.Email})
	if err != nil {
		pr := describe(err)
		if pr.status == http.StatusInternalServerError {
			h.log.Error("storefront checkout", "err", err)
		}
		h.showProduct(w, r, pr.status, pr.text(member.Lang(r)), f)
		return
	}
	http.Redirect(w, r, "/invoice/"+url.PathEscape(res.Invoice.Code), http.StatusSeeOther)
}

func (h *handler) invoicePage(w http.ResponseWriter, r *http.Request) {
	lang := member.Lang(r)
	v, err := h.invoiceView(r.Context(), lang, r.PathValue("invoice"))
	if err != nil {
		p := describe(err)
		if p.status == http.StatusInternalServerError {
			h.log.Error("storefront invoice", "err", err)
		}
		h.render(w, r, p.status, "cek", tr(lang, "cek.title"), p.text(lang), map[string]any{"Code": r.PathValue("invoice")})
		return
	}
	h.render(w, r, http.StatusOK, "invoice", tr(lang, "invoice")+" "+v.Invoice, "", map[string]any{"Invoice": v})
}

// qrImage draws an unpaid invoice's QRIS payload (the gateway's qr_string) as a PNG.
func (h *handler) qrImage(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("invoice")
	v, err := h.invoiceView(r.Context(), "id", code)
	if err != nil || v.Pay == nil || v.Pay.QRString == "" {
		if err != nil && !errors.Is(err, store.ErrShopInvoiceNotFound) {
			h.log.Error("storefront qr", "err", err)
		}
		http.NotFound(w, r)
		return
	}
	png, err := qrcode.Encode(v.Pay.QRString, qrcode.Medium, 320)
	if err != nil {
		h.log.Error("storefront qr", "invoice", code, "err", err)
		http.Error(w, "qr", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=600")
	_, _ = w.Write(png)
}

// cekPage looks an invoice up by its code: found, it goes to the invoice's page.
func (h *handler) cekPage(w http.ResponseWriter, r *http.Request) {
	lang := member.Lang(r)
	code := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("invoice")))
	if code == "" {
		h.render(w, r, http.StatusOK, "cek", tr(lang, "cek.title"), "", map[string]any{"Code": ""})
		return
	}
	if _, err := h.invoiceView(r.Context(), lang, code); err != nil {
		p := describe(err)
		if p.status == http.StatusInternalServerError {
			h.log.Error("storefront cek", "err", err)
		}
		h.render(w, r, p.status, "cek", tr(lang, "cek.title"), p.text(lang), map[string]any{"Code": code})
		return
	}
	http.Redirect(w, r, "/invoice/"+url.PathEscape(code), http.StatusSeeOther)
}
