package web

import (
	"net/http"
	"strings"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
)

// The operator's settings and bank accounts (issue 14), as `kios settings` and `kios bank`
// change them: the Digiflazz dialect's seller_name, and the accounts the deposit endpoints, the
// member area and the text channels name. Every change commits with its audit row.
func (h *handler) routeSettingsAPI(mux *http.ServeMux) {
	a := func(pattern string, fn identified) { mux.Handle(pattern, h.api(fn)) }
	a("GET /admin/api/settings", h.apiSettings)
	a("POST /admin/api/settings", h.apiSettingSet)
	a("GET /admin/api/banks", h.apiBanks)
	a("POST /admin/api/banks", h.apiBankAdd)
	a("DELETE /admin/api/banks/{bank}", h.apiBankRemove)
	p := func(pattern string, fn identified) { mux.Handle(pattern, h.page(fn)) }
	p("GET /admin/settings", h.settingsPage)
	p("POST /admin/settings", h.settingPost)
	p("POST /admin/banks", h.bankAddPost)
	p("POST /admin/banks/{bank}/remove", h.bankRemovePost)
}

func (h *handler) apiSettings(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	ss, err := h.svc.Settings(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"settings": ss})
}

func (h *handler) apiSettingSet(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	if !decode(w, r, &req) {
		return
	}
	if !h.setSetting(w, r, id, req.Name, req.Value, h.fail) {
		return
	}
	ss, err := h.svc.Settings(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, s := range ss {
		if s.Name == req.Name {
			writeJSON(w, http.StatusOK, map[string]any{"setting": s})
			return
		}
	}
}

// setSetting sets a setting under its audit row; on an error it answers with fail and is false.
func (h *handler) setSetting(w http.ResponseWriter, r *http.Request, id *admin.Identity, name, value string,
	fail func(http.ResponseWriter, *http.Request, error)) bool {
	ctx := h.audited(r, id, "settings.set", "setting:"+name, map[string]string{"value": strings.TrimSpace(value)})
	if err := h.svc.SetSetting(ctx, name, value); err != nil {
		fail(w, r, err)
		return false
	}
	return true
}

func (h *handler) apiBanks(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	bs, err := h.svc.BankAccounts(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"banks": bs})
}

func (h *handler) apiBankAdd(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var a core.BankAccount
	if !decode(w, r, &a) {
		return
	}
	a, ok := h.addBank(w, r, id, a, h.fail)
	if ok {
		writeJSON(w, http.StatusCreated, map[string]any{"bank": a})
	}
}

func (h *handler) addBank(w http.ResponseWriter, r *http.Request, id *admin.Identity, a core.BankAccount,
	fail func(http.ResponseWriter, *http.Request, error)) (core.BankAccount, bool) {
	ctx := h.audited(r, id, "bank.add", "bank:"+strings.ToUpper(strings.TrimSpace(a.Bank)), a)
	a, err := h.svc.AddBankAccount(ctx, a)
	if err != nil {
		fail(w, r, err)
		return a, false
	}
	return a, true
}

func (h *handler) apiBankRemove(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	if h.removeBank(w, r, id, h.fail) {
		w.WriteHeader(http.StatusNoContent)
	}
}

func (h *handler) removeBank(w http.ResponseWriter, r *http.Request, id *admin.Identity, fail func(http.ResponseWriter, *http.Request, error)) bool {
	bank := strings.ToUpper(strings.TrimSpace(r.PathValue("bank")))
	ctx := h.audited(r, id, "bank.remove", "bank:"+bank, nil)
	if err := h.svc.RemoveBankAccount(ctx, bank); err != nil {
		fail(w, r, err)
		return false
	}
	return true
}

// The dashboard's Settings page.

func (h *handler) settingsPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	ss, err := h.svc.Settings(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	bs, err := h.svc.BankAccounts(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, id, "settings", "Settings", map[string]any{"Settings": ss, "Banks": bs})
}

// back redirects a settings form to the page with the error.
func (h *handler) backToSettings(w http.ResponseWriter, r *http.Request, err error) {
	h.failed(w, r, "/admin/settings", err)
}

func (h *handler) settingPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	name := r.PostFormValue("name")
	if h.setSetting(w, r, id, name, r.PostFormValue("value"), h.backToSettings) {
		h.done(w, r, "/admin/settings", name+" saved")
	}
}

func (h *handler) bankAddPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	a := core.BankAccount{Bank: r.PostFormValue("bank"), AccountNo: r.PostFormValue("account_no"), Holder: r.PostFormValue("holder"),
		PaymentMethod: r.PostFormValue("payment_method")}
	if a, ok := h.addBank(w, r, id, a, h.backToSettings); ok {
		h.done(w, r, "/admin/settings", "Account at "+a.Bank+" saved")
	}
}

func (h *handler) bankRemovePost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	if h.removeBank(w, r, id, h.backToSettings) {
		h.done(w, r, "/admin/settings", "Account at "+strings.ToUpper(r.PathValue("bank"))+" removed")
	}
}
