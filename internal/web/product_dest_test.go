package web_test

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/catalog"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/web"
)

// TestProductDestination: require_valid_id and the destination's format and pattern through the
// admin API, the dashboard's catalog form (CSRF like the others) and the CSV export (issue 19).
func TestProductDestination(t *testing.T) {
	t.Parallel()
	e := setup(t, web.Options{})
	ctx := context.Background()
	const format, pattern = "{user_id:User ID}({zone_id:Zone ID})", `^\d{6,12}\(\d{1,6}\)$`

	var p map[string]any
	e.api("PUT", "/admin/api/catalog/products/mobile-legends/destination", map[string]any{"format": format, "pattern": pattern}, 200, &p)
	if p["dest_format"] != format || p["dest_pattern"] != pattern || p["require_valid_id"] != false {
		t.Fatalf("destination %+v", p)
	}
	e.api("PUT", "/admin/api/catalog/products/mobile-legends/destination", map[string]any{"format": "{user_id", "pattern": ""}, 400, nil)
	e.api("PUT", "/admin/api/catalog/products/mobile-legends/destination", map[string]any{"format": "", "pattern": `^\d(`}, 400, nil)
	e.api("PUT", "/admin/api/catalog/products/nope/destination", map[string]any{"format": "{id}"}, 404, nil)
	if got, _ := e.svc.Product(ctx, "mobile-legends"); got.DestFormat != format || got.DestPattern != pattern {
		t.Fatalf("bad edits changed the product: %+v", got)
	}
	if a := e.audit(t, "product:mobile-legends"); len(a) == 0 || a[0].Action != "catalog.destination" {
		t.Fatalf("audit %+v", a)
	}

	// The dashboard: the form shows the values; a post without the CSRF token changes nothing.
	b := e.login(t)
	st, page := b.do(t, "GET", "/admin/catalog", "", nil)
	if st != 200 || !bytes.Contains(page, []byte(`action="/admin/catalog/products/mobile-legends"`)) ||
		!strings.Contains(string(page), `value="{user_id:User ID}({zone_id:Zone ID})"`) {
		t.Fatalf("catalog page %d:\n%s", st, page)
	}
	form := url.Values{"require_valid_id": {"on"}, "dest_format": {"{uid}"}, "dest_pattern": {`^\d{9}$`}}
	if st, _ := b.do(t, "POST", "/admin/catalog/products/mobile-legends", "", form); st != 403 {
		t.Fatalf("post without csrf: %d", st)
	}
	if got, _ := e.svc.Product(ctx, "mobile-legends"); got.RequireValidID || got.DestFormat != format {
		t.Fatalf("refused post changed the product: %+v", got)
	}
	form.Set("csrf", b.csrf)
	if st, loc := b.do(t, "POST", "/admin/catalog/products/mobile-legends", "", form); st != 303 || !strings.Contains(string(loc), "ok=") {
		t.Fatalf("post: %d %s", st, loc)
	}
	got, _ := e.svc.Product(ctx, "mobile-legends")
	if !got.RequireValidID || got.DestFormat != "{uid}" || got.DestPattern != `^\d{9}$` {
		t.Fatalf("saved %+v", got)
	}
	// A bad pattern from the form is refused whole: require_valid_id stays as it was.
	form = url.Values{"csrf": {b.csrf}, "dest_pattern": {`(`}}
	if st, loc := b.do(t, "POST", "/admin/catalog/products/mobile-legends", "", form); st != 303 || !strings.Contains(string(loc), "err=") {
		t.Fatalf("bad post: %d %s", st, loc)
	}
	if got, _ := e.svc.Product(ctx, "mobile-legends"); !got.RequireValidID || got.DestPattern != `^\d{9}$` {
		t.Fatalf("bad post changed the product: %+v", got)
	}

	// The CSV export carries the columns, and an import of it sets them back.
	st, body := e.call("GET", "/admin/api/catalog/export", e.token, nil)
	if st != 200 {
		t.Fatalf("export %d", st)
	}
	ps, _, err := catalog.ReadCSV(bytes.NewReader(body))
	if err != nil || len(ps) != 1 || !ps[0].RequireValidID || ps[0].DestFormat != "{uid}" || ps[0].DestPattern != `^\d{9}$` {
		t.Fatalf("export %v %+v\n%s", err, ps, body)
	}
	var list struct {
		Products []map[string]any `json:"products"`
	}
	e.api("GET", "/admin/api/catalog/products", nil, 200, &list)
	if list.Products[0]["dest_format"] != "{uid}" || list.Products[0]["require_valid_id"] != true {
		t.Fatalf("products %+v", list)
	}
}

// TestProductImageAdmin: a product's image URL through the admin API (audited; a URL that is not
// http or https, or an unknown product, refused changing nothing), the dashboard's catalog form
// (a bad URL refuses the whole form) and the CSV export (issue 19).
func TestProductImageAdmin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		e := setupOn(t, be, web.Options{})
		ctx := context.Background()
		const img = "https://cdn.example.com/ml.png"
		var p map[string]any
		e.api("PUT", "/admin/api/catalog/products/mobile-legends/image", map[string]any{"url": img}, 200, &p)
		if p["image"] != img || p["code"] != "mobile-legends" {
			t.Fatalf("image %+v", p)
		}
		for _, bad := range []string{"ftp://cdn.example.com/ml.png", "javascript:alert(1)", "https://cdn.example.com/a b.png", "/relative.png", "https://" + strings.Repeat("a", 600)} {
			e.api("PUT", "/admin/api/catalog/products/mobile-legends/image", map[string]any{"url": bad}, 400, nil)
		}
		e.api("PUT", "/admin/api/catalog/products/nope/image", map[string]any{"url": img}, 404, nil)
		if got, _ := e.svc.Product(ctx, "mobile-legends"); got.Image != img {
			t.Fatalf("bad edits changed the image: %q", got.Image)
		}
		if a := e.audit(t, "product:mobile-legends"); len(a) == 0 || a[0].Action != "catalog.image" {
			t.Fatalf("audit %+v", a)
		}
		var list struct {
			Products []map[string]any `json:"products"`
		}
		e.api("GET", "/admin/api/catalog/products", nil, 200, &list)
		if list.Products[0]["image"] != img {
			t.Fatalf("products %+v", list)
		}

		b := e.login(t)
		st, page := b.do(t, "GET", "/admin/catalog", "", nil)
		if st != 200 || !strings.Contains(string(page), `name="image" form="product-mobile-legends" value="`+img+`"`) {
			t.Fatalf("catalog page %d:\n%s", st, page)
		}
		form := url.Values{"csrf": {b.csrf}, "image": {"ftp://x/y.png"}, "dest_format": {"{uid}"}}
		if st, loc := b.do(t, "POST", "/admin/catalog/products/mobile-legends", "", form); st != 303 || !strings.Contains(string(loc), "err=") {
			t.Fatalf("bad post: %d %s", st, loc)
		}
		if got, _ := e.svc.Product(ctx, "mobile-legends"); got.Image != img || got.DestFormat != "" {
			t.Fatalf("a refused form changed the product: %+v", got)
		}
		form = url.Values{"csrf": {b.csrf}, "image": {"https://cdn.example.com/ml2.png"}}
		if st, loc := b.do(t, "POST", "/admin/catalog/products/mobile-legends", "", form); st != 303 || !strings.Contains(string(loc), "ok=") {
			t.Fatalf("post: %d %s", st, loc)
		}
		st, body := e.call("GET", "/admin/api/catalog/export", e.token, nil)
		ps, _, err := catalog.ReadCSV(bytes.NewReader(body))
		if st != 200 || err != nil || len(ps) != 1 || ps[0].Image != "https://cdn.example.com/ml2.png" {
			t.Fatalf("export %d %v %+v\n%s", st, err, ps, body)
		}
	})
}
