package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/kios-h2h/kios/internal/admin"
	"github.com/kios-h2h/kios/internal/session"
)

// safeNext keeps the post-login redirect on this site: a path under /admin/, never a URL.
func safeNext(next string) string { return session.SafeNext(next, "/admin/") }

func (h *handler) loginPage(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if _, err := h.as.Session(r.Context(), c.Value); err == nil {
			http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
			return
		}
	}
	h.renderTemplate(w, "login", "layout", http.StatusOK, pageData{Title: "Sign in", Nav: "login",
		Data: map[string]string{"Next": safeNext(r.URL.Query().Get("next"))}})
}

func (h *handler) loginPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	// Login forms carry no CSRF token (there is no session yet); a cross-site login attempt is
	// stopped by checking the browser's Origin or Sec-Fetch-Site instead.
	if session.CrossSite(r) {
		http.Error(w, "Forbidden: cross-site login", http.StatusForbidden)
		return
	}
	next := safeNext(r.PostFormValue("next"))
	sid, _, err := h.as.LoginWithCode(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"), r.PostFormValue("code"),
		h.guard.ClientIP(r).String())
	if err != nil {
		status := http.StatusUnauthorized
		msg := admin.ErrBadLogin.Error()
		if errors.Is(err, admin.ErrThrottled) {
			status, msg = http.StatusTooManyRequests, err.Error()
		} else if errors.Is(err, session.ErrCodeNeeded) || errors.Is(err, session.ErrBadCode) {
			msg = err.Error()
		} else if !errors.Is(err, admin.ErrBadLogin) {
			h.log.Error("admin login", "err", err)
			status, msg = http.StatusInternalServerError, "internal error"
		}
		h.renderTemplate(w, "login", "layout", status, pageData{Title: "Sign in", Nav: "login",
			Data: map[string]string{"Next": next, "Username": r.PostFormValue("username")}, Error: msg})
		return
	}
	session.SetCookie(w, sessionCookie, sid, h.sessionTTL(), h.secure(r))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *handler) sessionTTL() time.Duration {
	if h.opts.Admin.SessionTTL > 0 {
		return h.opts.Admin.SessionTTL
	}
	return 12 * time.Hour
}

func (h *handler) logoutPost(w http.ResponseWriter, r *http.Request, id *admin.Identity) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := h.as.Logout(r.Context(), c.Value); err != nil {
			h.log.Error("admin logout", "err", err)
		}
	}
	session.ClearCookie(w, sessionCookie, h.secure(r))
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}
