package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/web"
)

// TestFlashFromSession: the banner shows what the session's own form post said, once, and never
// text from the URL (issue 14, item 9).
func TestFlashFromSession(t *testing.T) {
	t.Parallel()
	e := setup(t, web.Options{})
	b := e.login(t)
	_, page := b.do(t, "GET", "/admin/?err=Your+account+is+locked.+Call+0812-EVIL&ok=Pay+here", "", nil)
	if strings.Contains(string(page), "EVIL") || strings.Contains(string(page), "Pay here") {
		t.Fatalf("text from the URL reached the page: %.400s", page)
	}
	st, _ := b.do(t, "POST", "/admin/resellers/testshop/suspend", "", url.Values{"csrf": {b.csrf}})
	if st != 303 {
		t.Fatalf("suspend: %d", st)
	}
	_, page = b.do(t, "GET", "/admin/resellers/testshop", "", nil)
	if !strings.Contains(string(page), `class="flash ok"`) {
		t.Fatalf("no flash after the post: %.400s", page)
	}
	_, page = b.do(t, "GET", "/admin/resellers/testshop", "", nil)
	if strings.Contains(string(page), `class="flash ok"`) {
		t.Fatal("the flash was shown twice")
	}
}
