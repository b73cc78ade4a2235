package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/session"
)

// The acting admin's two-factor login (TOTP), on the API and on the Admins page:
//
//	GET  /admin/api/2fa          → {"enabled","pending","recovery_codes_left"}
//	POST /admin/api/2fa/enrol    {"password"}          → {"secret","otpauth_uri"} (pending)
//	POST /admin/api/2fa/confirm  {"code"}              → {"enabled":true,"recovery_codes":[…]} (shown once)
//	POST /admin/api/2fa/disable  {"password","code"}   → {"enabled":false}
//
// Once it is on, POST /admin/login asks for the code (form field "code").

func (h *handler) routeTwoFactor(mux *http.ServeMux) {
	mux.Handle("GET /admin/api/2fa", h.api(h.apiTwoFactor))
	mux.Handle("POST /admin/api/2fa/{action}", h.api(h.apiTwoFactorAction))
	mux.Handle("POST /admin/2fa/{action}", h.page(h.twoFactorPost))
}

// twoFactorStatus maps the errors of two-factor changes to a status, a message and a field.
func twoFactorStatus(err error) (int, string, string) {
	switch {
	case errors.Is(err, admin.ErrPasswordAgain):
		return http.StatusForbidden, err.Error(), "password"
	case errors.Is(err, admin.ErrThrottled):
		return http.StatusTooManyRequests, err.Error(), ""
	case errors.Is(err, session.ErrCodeNeeded), errors.Is(err, session.ErrBadCode):
		return http.StatusBadRequest, err.Error(), "code"
	case errors.Is(err, session.ErrTOTPEnabled):
		return http.StatusConflict, err.Error(), ""
	case errors.Is(err, admin.ErrNotFound):
		return http.StatusConflict, "two-factor login is not on", ""
	}
	return errorStatus(err)
}

func (h *handler) apiTwoFactor(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	st, err := h.as.TwoFactor(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (h *handler) apiTwoFactorAction(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	var req struct {
		Password string `json:"password"`
		Code     string `json:"code"`
	}
	if !decode(w, r, &req) {
		return
	}
	ctx, ip := r.Context(), h.guard.ClientIP(r).String()
	var out any
	var err error
	switch r.PathValue("action") {
	case "enrol", "enroll":
		var secret, uri string
		secret, uri, err = h.as.BeginTwoFactor(ctx, id, req.Password, ip)
		out = map[string]any{"enabled": false, "pending": true, "secret": secret, "otpauth_uri": uri}
	case "confirm":
		var codes []string
		codes, err = h.as.ConfirmTwoFactor(ctx, id, req.Code, ip)
		out = map[string]any{"enabled": true, "recovery_codes": codes}
	case "disable":
		err = h.as.DisableTwoFactor(ctx, id, req.Password, req.Code, ip)
		out = map[string]any{"enabled": false}
	default:
		writeError(w, http.StatusNotFound, "no such endpoint: use enrol, confirm or disable", "")
		return
	}
	if err != nil {
		status, msg, field := twoFactorStatus(err)
		if status == http.StatusInternalServerError {
			h.log.Error("admin api", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		writeError(w, status, msg, field)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// twoFactorPage is the Admins page's two-factor card: its state, and the pending secret.
func (h *handler) twoFactorData(r *http.Request, id *admin.Identity) (map[string]any, error) {
	st, err := h.as.TwoFactor(r.Context(), id)
	if err != nil {
		return nil, err
	}
	secret, uri, err := h.as.PendingTwoFactor(r.Context(), id)
	if err != nil {
		return nil, err
	}
	data := map[string]any{"On": st.Enabled, "Left": st.RecoveryCodesLeft, "Secret": secret, "URI": uri}
	if uri != "" {
		if data["QR"], err = session.TwoFactorQR(uri); err != nil {
			return nil, err
		}
	}
	return data, nil
}

func (h *handler) twoFactorPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	ctx, ip, to := r.Context(), h.guard.ClientIP(r).String(), "/admin/admins"
	var err error
	switch r.PathValue("action") {
	case "enrol":
		_, _, err = h.as.BeginTwoFactor(ctx, id, r.PostFormValue("password"), ip)
		if err == nil {
			http.Redirect(w, r, to+"#two-factor", http.StatusSeeOther)
			return
		}
	case "confirm":
		var codes []string
		if codes, err = h.as.ConfirmTwoFactor(ctx, id, r.PostFormValue("code"), ip); err == nil {
			secrets := make([][2]string, len(codes))
			for i, c := range codes {
				secrets[i] = [2]string{"Recovery code " + strconv.Itoa(i+1), c}
			}
			h.showSecrets(w, r, id, "Two-factor login is on: keep these recovery codes", to, secrets)
			return
		}
	case "disable":
		if err = h.as.DisableTwoFactor(ctx, id, r.PostFormValue("password"), r.PostFormValue("code"), ip); err == nil {
			h.done(w, r, to, "Two-factor login is off")
			return
		}
	default:
		http.NotFound(w, r)
		return
	}
	status, msg, _ := twoFactorStatus(err)
	if status == http.StatusInternalServerError {
		h.failed(w, r, to, err)
		return
	}
	h.failed(w, r, to, &core.FieldError{Field: "two-factor", Reason: msg})
}
