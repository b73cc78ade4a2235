package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/audit"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/order"
	"github.com/kios-h2h/kios/internal/reseller"
)

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
		[][2]string{{"Username", cr.Reseller.Username}, {"Token", cr.Token}, {"API key", cr.APIKey}, {"Member-area password", cr.Password}})
}

func (h *handler) resellerPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	v, err := h.as.Reseller(r.Context(), r.PathValue("username"))
	if err != nil {
		h.failed(w, r, "/admin/resellers", err)
		return
	}
	orders, err := h.as.Orders(r.Context(), order.Filter{ResellerID: v.ID, Limit: 20})
	if err != nil {
		h.failed(w, r, "/admin/resellers", err)
		return
	}
	postings, err := h.svc.Postings(r.Context(), ledger.AvailableCode(v.ID), 20)
	if err != nil {
		h.failed(w, r, "/admin/resellers", err)
		return
	}
	audit, err := h.as.Audit(r.Context(), audit.Filter{Target: "reseller:" + v.Username, Limit: 20})
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
	case "password":
		pw, err := h.as.SetResellerPassword(ctx, by, username)
		if err != nil {
			h.failed(w, r, back, err)
			return
		}
		h.showSecrets(w, r, id, "Member-area password of "+username, back, [][2]string{{"Username", username}, {"Password", pw},
			{"Sign in at", "/member/login (public listener)"}})
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
	h.done(w, r, back, msg)
}

func (h *handler) depositsPage(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	tickets, err := h.opts.Tickets.Tickets(r.Context(), "")
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	list, err := h.as.Resellers(r.Context())
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	deps, err := h.svc.Postings(r.Context(), ledger.DepositsCode, 30)
	if err != nil {
		h.failed(w, r, "/admin/", err)
		return
	}
	h.render(w, r, id, "deposits", "Deposits", map[string]any{"Tickets": tickets,
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
	res, err := h.as.Deposit(r.Context(), h.actor(r, id), core.DepositMove{Username: username, Amount: amount,
		Note: r.PostFormValue("note"), Debit: debit, Reference: r.PostFormValue("reference")})
	if err != nil {
		h.failed(w, r, "/admin/deposits", err)
		return
	}
	verb := "Credited"
	if debit {
		verb = "Debited"
	}
	if res.Repeated {
		h.done(w, r, "/admin/deposits", "This form was sent already: nothing moved again; "+username+"'s balance is "+rupiah(res.Balance))
		return
	}
	h.done(w, r, "/admin/deposits", verb+" "+rupiah(amount)+" to "+username+"; balance now "+rupiah(res.Balance))
}

func (h *handler) ticketPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	action := r.PathValue("action")
	if action != "approve" && action != "reject" {
		http.NotFound(w, r)
		return
	}
	ref := r.PathValue("ref")
	if err := h.ticketAction(r, id, ref, action, r.PostFormValue("reason")); err != nil {
		h.failed(w, r, "/admin/deposits", err)
		return
	}
	h.done(w, r, "/admin/deposits", "Ticket "+ref+" "+action+"d")
}
