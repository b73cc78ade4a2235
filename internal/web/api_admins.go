package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/kios-h2h/kios/internal/admin"
)

func (h *handler) apiAdmins(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	us, err := h.as.Admins(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	type adminView struct {
		Username  string    `json:"username"`
		Disabled  bool      `json:"disabled"`
		CreatedAt time.Time `json:"created_at"`
	}
	out := make([]adminView, 0, len(us))
	for _, u := range us {
		out = append(out, adminView{u.Username, u.Disabled, u.CreatedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"admins": out})
}

func (h *handler) apiAdminCreate(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		Username string `json:"username"`
	}
	if !decode(w, r, &req) {
		return
	}
	pw, err := h.as.CreateAdmin(r.Context(), h.actor(r, id), req.Username)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"username": req.Username, "password": pw})
}

func (h *handler) apiTokens(w http.ResponseWriter, r *http.Request, _ *admin.Identity) {
	ts, err := h.as.Tokens(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	type tokenView struct {
		ID        int64     `json:"id"`
		Name      string    `json:"name"`
		Owner     string    `json:"owner"`
		CreatedAt time.Time `json:"created_at"`
	}
	out := make([]tokenView, 0, len(ts))
	for _, t := range ts {
		out = append(out, tokenView{t.ID, t.Name, t.Username, t.CreatedAt})
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
}

func (h *handler) apiTokenCreate(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		Name string `json:"name"`
	}
	if !decode(w, r, &req) {
		return
	}
	tok, t, err := h.as.CreateToken(r.Context(), id, h.guard.ClientIP(r).String(), req.Name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": t.ID, "name": t.Name, "token": tok})
}

func (h *handler) apiTokenRevoke(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	tid, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusNotFound, "no such token", "")
		return
	}
	if err := h.as.RevokeToken(r.Context(), h.actor(r, id), tid); err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
