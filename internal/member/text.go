package member

import (
	"net/http"
	"time"

	"github.com/kios-h2h/kios/internal/textcmd"
)

// The text channels (issue 20) in the member area: a reseller lists the Telegram, Jabber and
// WhatsApp identities bound to it and revokes one (a lost phone, a hijacked account), and sets
// its PIN. Revoking and the PIN ask for the portal password again, as every credential change
// here does.

// identityView is one bound identity.
type identityView struct {
	Channel     string `json:"channel"`
	ID          string `json:"id"`
	BoundAt     string `json:"bound_at"`               // RFC 3339, WIB
	LockedUntil string `json:"locked_until,omitempty"` // while five wrong PINs lock it

	bound, locked time.Time // for the Profil page
}

func (h *handler) textEngine() *textcmd.Engine {
	return textcmd.New(h.svc, textcmd.Options{Logger: h.log})
}

func (h *handler) identities(r *http.Request, cl *caller) ([]identityView, error) {
	ids, err := h.textEngine().Identities(r.Context(), cl.r.ID)
	if err != nil {
		return nil, err
	}
	wib := time.FixedZone("WIB", 7*3600)
	out := make([]identityView, 0, len(ids))
	for _, id := range ids {
		v := identityView{Channel: id.Channel, ID: id.ExtID, BoundAt: id.CreatedAt.In(wib).Format(time.RFC3339), bound: id.CreatedAt}
		if id.LockedUntil.After(h.svc.Now()) {
			v.LockedUntil = id.LockedUntil.In(wib).Format(time.RFC3339)
			v.locked = id.LockedUntil
		}
		out = append(out, v)
	}
	return out, nil
}

// apiIdentities is GET /member/api/text/identities.
func (h *handler) apiIdentities(w http.ResponseWriter, r *http.Request, cl *caller) {
	ids, err := h.identities(r, cl)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ids)
}

// apiUnbind is POST /member/api/text/unbind {"password","channel","id"}: the identity's messages
// are refused from then on.
func (h *handler) apiUnbind(w http.ResponseWriter, r *http.Request, cl *caller) {
	var b struct {
		Password string `json:"password"`
		Channel  string `json:"channel"`
		ID       string `json:"id"`
	}
	if !h.decode(w, r, &b) {
		return
	}
	if err := h.confirm(r.Context(), cl, b.Password, h.clientIP(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.textEngine().Unbind(r.Context(), cl.r.Username, b.Channel, b.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	h.log.Info("text identity revoked in the member area", "reseller", cl.r.Username, "channel", b.Channel, "id", b.ID)
	h.apiIdentities(w, r, cl)
}

// apiPIN is POST /member/api/text/pin {"password","pin"}: the PIN text orders need.
func (h *handler) apiPIN(w http.ResponseWriter, r *http.Request, cl *caller) {
	var b struct {
		Password string `json:"password"`
		PIN      string `json:"pin"`
	}
	if !h.decode(w, r, &b) {
		return
	}
	if err := h.confirm(r.Context(), cl, b.Password, h.clientIP(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.textEngine().SetPIN(r.Context(), cl.r.Username, b.PIN); err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"changed": true})
}

// Bound and Locked are the times the Profil page shows (its "wib" formatter takes a time).
func (v identityView) Bound() time.Time  { return v.bound }
func (v identityView) Locked() time.Time { return v.locked }
