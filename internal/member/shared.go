package member

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"

	"github.com/kios-h2h/kios/internal/core"
)

// What the storefront (package storefront) shares with the member area rather than copying:
// the language choice (one cookie, so a buyer who is also a reseller reads both in one
// language), the template helpers, and the stylesheet at StyleSheet.

// LangCookie keeps the chosen language ("en"; anything else is Indonesian).
const LangCookie = langCookie

// StyleSheet is the member area's stylesheet, served on the public listener.
const StyleSheet = "/member/static/member.css"

// Lang is a request's language: "id" unless English was chosen.
func Lang(r *http.Request) string { return langOf(r) }

// TemplateFuncs are the member pages' template helpers: rupiah ("Rp 1.000.000"), wib (a time
// in WIB), lower, neg, list.
func TemplateFuncs() template.FuncMap { return templateFuncs() }

// Known pairs an error with the HTTP status it is answered with and a stable code, whose text is
// "err.<code>" in the area's words.
type Known struct {
	Err    error
	Status int
	Code   string
}

// Describe maps an error to its status and code by known: a *core.FieldError is a 400 "field"
// (with its field and reason), an error not in known a 500 "internal".
func Describe(err error, known []Known) (status int, code, field, reason string) {
	var fe *core.FieldError
	if errors.As(err, &fe) {
		return http.StatusBadRequest, "field", fe.Field, fe.Reason
	}
	for _, k := range known {
		if errors.Is(err, k.Err) {
			return k.Status, k.Code, "", ""
		}
	}
	return http.StatusInternalServerError, "internal", "", ""
}

// WriteJSON answers v as JSON, never cached: the member area's and the storefront's APIs alike.
func WriteJSON(w http.ResponseWriter, status int, v any) { writeJSON(w, status, v) }

// ExecutePage renders a page whole before answering it, never cached, so that a template error
// is a clean 500 (in both languages) rather than half a page; the error is returned for the log.
func ExecutePage(w http.ResponseWriter, t *template.Template, name string, status int, data any) error {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, tr("id", "err.internal")+" / "+tr("en", "err.internal"), http.StatusInternalServerError)
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}
