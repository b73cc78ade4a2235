package web

import (
	"net/http"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/reseller"
)

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
	// Upline makes the reseller a downline of that username, charged Markup rupiah over its
	// upline's price (kios reseller create --upline --markup; issue 21).
	Upline string `json:"upline"`
	Markup int64  `json:"markup"`
}

// credentialsResp carries secrets shown once.
type credentialsResp struct {
	Reseller admin.ResellerView `json:"reseller"`
	Token    string             `json:"token,omitempty"`
	APIKey   string             `json:"api_key,omitempty"`
	Password string             `json:"password,omitempty"` // member-area password, shown once
}

func (h *handler) apiResellerCreate(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req resellerCreateReq
	if !decode(w, r, &req) {
		return
	}
	n := core.NewReseller{Username: req.Username, Name: req.Name, Email: req.Email, Phone: req.Phone, Membership: req.Membership,
		Upline: req.Upline, Markup: req.Markup}
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
		h.downlineFail(w, r, err)
		return
	}
	v, err := h.as.Reseller(r.Context(), cr.Reseller.Username)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, credentialsResp{Reseller: v, Token: cr.Token, APIKey: cr.APIKey, Password: cr.Password})
}

type resellerActionReq struct {
	CIDR       string `json:"cidr"`
	Membership string `json:"membership"`
	URL        string `json:"url"`
	Slots      *int   `json:"slots"`
}

// apiResellerAction serves token, api-key, allow-ip, deny-ip, suspend, resume, membership,
// callback and slots.
func (h *handler) apiResellerAction(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	ctx, by, username := r.Context(), h.actor(r, id), r.PathValue("username")
	var req resellerActionReq
	switch r.PathValue("action") {
	case "token", "api-key", "suspend", "resume", "password":
	case "allow-ip", "deny-ip", "membership", "callback", "slots":
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
	case "password":
		pw, err := h.as.SetResellerPassword(ctx, by, username)
		if err == nil {
			v, err = h.as.Reseller(ctx, username)
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, credentialsResp{Reseller: v, Password: pw})
		return
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
	case "slots":
		if req.Slots == nil {
			writeError(w, http.StatusBadRequest, "slots is required", "slots")
			return
		}
		v, err = h.as.SetBalanceSlots(ctx, by, username, *req.Slots)
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
	// Reference makes the request safe to retry: a repeat moves nothing (see core.DepositMove).
	Reference string `json:"reference"`
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
	res, err := h.as.Deposit(r.Context(), h.actor(r, id), core.DepositMove{Username: req.Username, Amount: req.Amount,
		Note: req.Note, Debit: req.Debit, Reference: req.Reference})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"username": req.Username, "balance": res.Balance, "repeated": res.Repeated})
}

func (h *handler) apiTickets(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	list, err := h.opts.Tickets.Tickets(r.Context(), r.URL.Query().Get("status"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tickets": list})
}

func (h *handler) apiTicketAction(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
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
	var t DepositTicket
	var err error
	if action == "approve" {
		t, err = h.opts.Tickets.Approve(r.Context(), ref, by)
	} else {
		t, err = h.opts.Tickets.Reject(r.Context(), ref, by, reason)
	}
	if err != nil {
		return err
	}
	after := map[string]any{"status": t.Status, "reseller": t.Reseller, "amount": t.Amount}
	if reason != "" {
		after["reason"] = reason
	}
	h.as.Record(r.Context(), by, "deposit.ticket-"+action, "ticket:"+ref, nil, after)
	return nil
}
