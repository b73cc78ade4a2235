package member

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestEveryTextInBothLanguages: every key the templates ask for, every error the area answers
// with and every status badge has an Indonesian and an English text, and they differ where the
// languages do (a copied English text would pass as Indonesian otherwise).
func TestEveryTextInBothLanguages(t *testing.T) {
	keys := map[string]bool{}
	re := regexp.MustCompile(`\.T "([^"]+)"`)
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(templateFS, path)
		for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
			keys[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d keys in the templates", len(keys))
	}
	for _, k := range known {
		keys["err."+k.Code] = true
	}
	for _, s := range []string{"st.Pending", "st.Success", "st.Failed", "st.open", "st.approved", "st.rejected", "st.expired", "err.internal", "err.field",
		"mk.hold", "mk.capture", "mk.release", "mk.ticket", "mk.deposit", "tl.accepted", "tl.hold", "tl.capture", "tl.release", "tl.success", "tl.failed"} {
		keys[s] = true
	}
	for k := range keys {
		w, ok := words[k]
		if !ok {
			t.Errorf("no text for %q", k)
			continue
		}
		if w[0] == "" || w[1] == "" {
			t.Errorf("%q lacks a language: %q", k, w)
		}
		if strings.HasPrefix(k, "err.") && w[0] == w[1] {
			t.Errorf("error %q reads the same in both languages: %q", k, w[0])
		}
	}
}

func TestErrorTexts(t *testing.T) {
	for _, c := range []struct {
		err      error
		status   int
		code, id string
		en       string
	}{
		{ErrAllowFull, 400, "allow_full", "Daftar IP maksimal 10 entri; hapus satu dulu.", "The allowlist holds at most 10 entries; remove one first."},
		{errCSRF, 403, "csrf", "Formulir kedaluwarsa", "The form was stale"},
		{errNoAuth, 401, "no_session", "Silakan masuk", "Sign in"},
		{errBadBody, 400, "bad_body", "Body harus", "The body must"},
		{errTest{}, 500, "internal", "Terjadi kesalahan", "Internal error"},
	} {
		p := describe(c.err)
		if p.status != c.status || p.code != c.code || !strings.HasPrefix(p.text("id"), c.id) || !strings.HasPrefix(p.text("en"), c.en) {
			t.Errorf("%v: %d %s %q %q", c.err, p.status, p.code, p.text("id"), p.text("en"))
		}
	}
}

type errTest struct{}

func (errTest) Error() string { return "database is on fire" }
