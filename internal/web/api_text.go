package web

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/channel"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/textcmd"
)

// The text channels' settings (issue 20) as the CLI's reseller set-pin, bind, unbind, text
// limits and channel commands change them. These patterns are more specific than the reseller
// actions' {action}, so the mux picks them.
func (h *handler) routeTextAPI(mux *http.ServeMux) {
	a := func(pattern string, fn identified) { mux.Handle(pattern, h.api(fn)) }
	a("POST /admin/api/resellers/{username}/pin", h.apiResellerPIN)
	a("POST /admin/api/resellers/{username}/bind", h.apiResellerBind)
	a("POST /admin/api/resellers/{username}/unbind", h.apiResellerBind)
	a("GET /admin/api/text-limits", h.apiTextLimits)
	a("POST /admin/api/text-limits", h.apiTextLimitsSet)
	a("GET /admin/api/channels", h.apiChannels)
	a("POST /admin/api/channels", h.apiChannelAdd)
	a("DELETE /admin/api/channels/{kind}", h.apiChannelRemove)
}

func (h *handler) textEngine() *textcmd.Engine {
	return textcmd.New(h.svc, textcmd.Options{Banks: h.svc})
}

func (h *handler) apiResellerPIN(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		PIN string `json:"pin"`
	}
	if r.ContentLength != 0 && !decode(w, r, &req) {
		return
	}
	username := r.PathValue("username")
	made := req.PIN == ""
	if made {
		n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		req.PIN = fmt.Sprintf("%06d", n.Int64())
	} else if !textcmd.ValidPIN(req.PIN) {
		writeError(w, http.StatusBadRequest, "pin: "+textcmd.ErrPIN.Error(), "pin")
		return
	}
	ctx := h.audited(r, id, "reseller.set-pin", "reseller:"+username, map[string]string{"pin": "set"})
	if err := h.textEngine().SetPIN(ctx, username, req.PIN); err != nil {
		h.fail(w, r, err)
		return
	}
	out := map[string]string{"username": username}
	if made {
		out["pin"] = req.PIN // generated here: shown once
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *handler) apiResellerBind(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		Channel string `json:"channel"`
		ID      string `json:"id"`
	}
	if !decode(w, r, &req) {
		return
	}
	if _, err := textcmd.NormalizeID(req.Channel, req.ID); err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), "id")
		return
	}
	username := r.PathValue("username")
	bind := strings.HasSuffix(r.URL.Path, "/bind")
	action := map[bool]string{true: "reseller.bind", false: "reseller.unbind"}[bind]
	ctx := h.audited(r, id, action, "reseller:"+username, req)
	eng := h.textEngine()
	var norm string
	var err error
	created := false
	if bind {
		norm, created, err = eng.Bind(ctx, username, req.Channel, req.ID)
	} else {
		norm, err = eng.Unbind(ctx, username, req.Channel, req.ID)
	}
	if errors.Is(err, reseller.ErrIdentityTaken) {
		writeError(w, http.StatusConflict, err.Error()+"; unbind it there first", "id")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.auditUnchanged(ctx, r, id, action, "reseller:"+username, req)
	writeJSON(w, http.StatusOK, map[string]any{"username": username, "channel": req.Channel, "id": norm, "bound": bind, "created": created})
}

// textLimitsView is reseller.TextLimits with JSON names.
type textLimitsView struct {
	Reseller      string `json:"reseller,omitempty"`
	IdentitySpend int64  `json:"identity_spend"`
	IdentityCount int64  `json:"identity_count"`
	ResellerSpend int64  `json:"reseller_spend"`
	ResellerCount int64  `json:"reseller_count"`
}

// textLimitsOf reads the limits of a reseller ("": everyone's default).
func (h *handler) textLimitsOf(r *http.Request, username string) (int64, reseller.TextLimits, error) {
	var rid int64
	if username != "" {
		res, err := h.svc.Reseller(r.Context(), username)
		if err != nil {
			return 0, reseller.TextLimits{}, err
		}
		rid = res.ID
	}
	l, err := textcmd.Limits(r.Context(), h.svc, rid)
	return rid, l, err
}

func limitsView(username string, l reseller.TextLimits) textLimitsView {
	return textLimitsView{Reseller: username, IdentitySpend: l.IdentitySpend, IdentityCount: l.IdentityCount,
		ResellerSpend: l.ResellerSpend, ResellerCount: l.ResellerCount}
}

func (h *handler) apiTextLimits(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	username := r.URL.Query().Get("reseller")
	_, l, err := h.textLimitsOf(r, username)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"limits": limitsView(username, l)})
}

func (h *handler) apiTextLimitsSet(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	// Fields left out keep their value, as flags left out do on the command line.
	var req struct {
		Reseller      string `json:"reseller"`
		IdentitySpend *int64 `json:"identity_spend"`
		IdentityCount *int64 `json:"identity_count"`
		ResellerSpend *int64 `json:"reseller_spend"`
		ResellerCount *int64 `json:"reseller_count"`
	}
	if !decode(w, r, &req) {
		return
	}
	rid, cur, err := h.textLimitsOf(r, req.Reseller)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, f := range []struct {
		name string
		v    *int64
		dst  *int64
	}{{"identity_spend", req.IdentitySpend, &cur.IdentitySpend}, {"identity_count", req.IdentityCount, &cur.IdentityCount},
		{"reseller_spend", req.ResellerSpend, &cur.ResellerSpend}, {"reseller_count", req.ResellerCount, &cur.ResellerCount}} {
		if f.v == nil {
			continue
		}
		if *f.v < 0 {
			writeError(w, http.StatusBadRequest, f.name+" must not be negative", f.name)
			return
		}
		*f.dst = *f.v
	}
	target := "text-limits:default"
	if req.Reseller != "" {
		target = "reseller:" + req.Reseller
	}
	v := limitsView(req.Reseller, cur)
	ctx := h.audited(r, id, "text.limits", target, v)
	if err := h.svc.SetTextLimits(ctx, rid, cur); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"limits": v})
}

func (h *handler) apiChannels(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	cs, err := channel.Load(r.Context(), h.svc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	shown := make([]map[string]string, 0, len(cs))
	for _, c := range cs {
		shown = append(shown, c.Shown())
	}
	writeJSON(w, http.StatusOK, map[string]any{"channels": shown})
}

func (h *handler) apiChannelAdd(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var c channel.Config
	if !decode(w, r, &c) {
		return
	}
	c.WebhookSecret = "" // made by Check, never taken from outside
	if err := c.Check(); err != nil {
		// The check names the CLI's flags; the API's fields are the JSON keys.
		msg := strings.TrimPrefix(err.Error(), channel.ErrConfig.Error()+": ")
		writeError(w, http.StatusBadRequest, strings.NewReplacer("--api-base", "api_base", "--public-url", "public_url", "--", "").Replace(msg), "")
		return
	}
	ctx := h.audited(r, id, "channel.add", "channel:"+c.Kind, c.Shown())
	if err := channel.Save(ctx, h.svc, c); err != nil {
		h.fail(w, r, err)
		return
	}
	out := map[string]any{"channel": c.Shown()}
	if c.Kind == channel.WhatsApp || (c.Kind == channel.Telegram && c.PublicURL != "") {
		base := c.PublicURL
		if base == "" {
			base = "https://<kios-host>"
		}
		out["webhook"] = strings.TrimRight(base, "/") + channel.WebhookPath(c.Kind) + "?secret=" + c.WebhookSecret
	}
	writeJSON(w, http.StatusCreated, out)
}

func (h *handler) apiChannelRemove(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	kind := r.PathValue("kind")
	ctx := h.audited(r, id, "channel.remove", "channel:"+kind, nil)
	// Removing nothing is core.ErrNotFound, and rolls the audit row back.
	err := h.svc.RemoveTextChannel(ctx, kind)
	if errors.Is(err, core.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no "+kind+" channel", "")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
