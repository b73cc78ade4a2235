package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/audit"
)

type accountView struct {
	Code       string `json:"code"`
	Kind       string `json:"kind"`
	ResellerID int64  `json:"reseller_id,omitempty"`
	Balance    int64  `json:"balance"`
}

func (h *handler) apiAccounts(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	accs, err := h.svc.Accounts(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]accountView, 0, len(accs))
	for _, a := range accs {
		out = append(out, accountView{a.Code, string(a.Kind), a.ResellerID, a.Balance})
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": out})
}

func (h *handler) apiPostings(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	code := r.URL.Query().Get("account")
	if code == "" {
		writeError(w, http.StatusBadRequest, "account is required", "account")
		return
	}
	limit := 100
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 10000 {
			writeError(w, http.StatusBadRequest, "limit must be 1 to 10000", "limit")
			return
		}
		limit = n
	}
	if _, err := h.svc.AccountID(r.Context(), code); err != nil {
		h.fail(w, r, err)
		return
	}
	ps, err := h.svc.Postings(r.Context(), code, limit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	bal, err := h.svc.AccountBalance(r.Context(), code)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"account": code, "balance": bal, "postings": postingViews(ps)})
}

func (h *handler) apiLedgerCheck(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	rep, err := h.svc.LedgerCheck(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	probs := make([]string, 0, len(rep.Discrepancies))
	for _, d := range rep.Discrepancies {
		probs = append(probs, d.String())
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": rep.OK(), "accounts": rep.Accounts, "postings": rep.Postings, "discrepancies": probs})
}

// AuditView is an audit row; before and after are the JSON the action recorded.
type AuditView struct {
	ID     int64           `json:"id"`
	At     time.Time       `json:"at"`
	Actor  string          `json:"actor"`
	Action string          `json:"action"`
	Target string          `json:"target"`
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
	IP     string          `json:"ip"`
}

func auditFilter(r *http.Request) audit.Filter {
	q := r.URL.Query()
	f := audit.Filter{Actor: q.Get("actor"), Target: q.Get("target"), Action: q.Get("action")}
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 && n <= 1000 {
		f.Limit = n
	}
	return f
}

func (h *handler) apiAudit(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	list, err := h.as.Audit(r.Context(), auditFilter(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := make([]AuditView, 0, len(list))
	for _, e := range list {
		v := AuditView{ID: e.ID, At: e.At, Actor: e.Actor, Action: e.Action, Target: e.Target, IP: e.IP}
		if e.Before != "" {
			v.Before = json.RawMessage(e.Before)
		}
		if e.After != "" {
			v.After = json.RawMessage(e.After)
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out})
}
