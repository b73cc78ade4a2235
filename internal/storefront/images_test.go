package storefront_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/storefront"
)

// TestProductImages (issue 19): a product's image URL shows on the home and product pages and in
// the JSON API as /shop/img/{code}, which the store answers with the picture scaled to 256 pixels
// a side, fetched once and cached (a second view and a 304 fetch nothing), with transparency kept
// as PNG and an opaque picture as JPEG; a changed URL is fetched anew; a product without an
// image, or whose host fails, answers 404 and the pages show its initial.
func TestProductImages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		var hits atomic.Int32
		picture := func(w, h int, alpha uint8) []byte {
			m := image.NewNRGBA(image.Rect(0, 0, w, h))
			for y := 0; y < h; y++ {
				for x := 0; x < w; x++ {
					m.SetNRGBA(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 200, A: alpha})
				}
			}
			var buf bytes.Buffer
			if err := png.Encode(&buf, m); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}
		opaque, clear := picture(1000, 800, 255), picture(300, 600, 128)
		host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			switch r.URL.Path {
			case "/ml.png":
				_, _ = w.Write(opaque)
			case "/tsel.png":
				_, _ = w.Write(clear)
			case "/text":
				_, _ = io.WriteString(w, "not a picture")
			default:
				http.NotFound(w, r)
			}
		}))
		defer host.Close()
		e := setup(t, be, storefront.Options{})
		ctx := context.Background()
		if err := e.svc.SetProductImage(ctx, "mobile-legends", host.URL+"/ml.png"); err != nil {
			t.Fatal(err)
		}

		get := func(path, etag string) (int, string, []byte, string) {
			t.Helper()
			req, _ := http.NewRequest(http.MethodGet, e.URL+path, nil)
			if etag != "" {
				req.Header.Set("If-None-Match", etag)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, resp.Header.Get("Content-Type"), b, resp.Header.Get("ETag")
		}
		decode := func(b []byte) image.Config {
			t.Helper()
			cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("served picture: %v", err)
			}
			return cfg
		}

		st, ct, body, etag := get("/shop/img/mobile-legends", "")
		if st != 200 || ct != "image/jpeg" || etag == "" {
			t.Fatalf("image: %d %s %q", st, ct, etag)
		}
		if cfg := decode(body); cfg.Width != 256 || cfg.Height != 204 {
			t.Fatalf("scaled to %dx%d, want 256x204", cfg.Width, cfg.Height)
		}
		if st, _, _, _ := get("/shop/img/mobile-legends", etag); st != http.StatusNotModified {
			t.Fatalf("If-None-Match: %d", st)
		}
		if st, _, again, _ := get("/shop/img/mobile-legends", ""); st != 200 || !bytes.Equal(again, body) || hits.Load() != 1 {
			t.Fatalf("cached: %d, host asked %d times", st, hits.Load())
		}

		// The pages and the API show the store's own path.
		_, _, home, _ := get("/", "")
		if !strings.Contains(string(home), `<img class="logo" src="/shop/img/mobile-legends"`) || strings.Contains(string(home), host.URL) {
			t.Fatalf("home page: %.1500s", home)
		}
		_, _, page, _ := get("/p/mobile-legends", "")
		if !strings.Contains(string(page), `src="/shop/img/mobile-legends"`) {
			t.Fatalf("product page: %.1500s", page)
		}
		var list struct {
			Products []struct {
				Code, Image string
			} `json:"products"`
		}
		if st := e.call(t, "GET", "/shop/api/products", "", &list); st != 200 {
			t.Fatal(st)
		}
		for _, p := range list.Products {
			if want := map[string]string{"mobile-legends": "/shop/img/mobile-legends"}[p.Code]; p.Image != want {
				t.Fatalf("API image of %s: %q, want %q", p.Code, p.Image, want)
			}
		}

		// A product without a picture, and an unknown one: 404, the initial shown.
		if st, _, _, _ := get("/shop/img/telkomsel", ""); st != 404 {
			t.Fatalf("no image: %d", st)
		}
		if st, _, _, _ := get("/shop/img/nope", ""); st != 404 {
			t.Fatalf("unknown product: %d", st)
		}
		// Transparency is kept: PNG, scaled to fit 256 high.
		if err := e.svc.SetProductImage(ctx, "telkomsel", host.URL+"/tsel.png"); err != nil {
			t.Fatal(err)
		}
		st, ct, body, _ = get("/shop/img/telkomsel", "")
		if st != 200 || ct != "image/png" {
			t.Fatalf("transparent: %d %s", st, ct)
		}
		if cfg := decode(body); cfg.Width != 128 || cfg.Height != 256 {
			t.Fatalf("scaled to %dx%d, want 128x256", cfg.Width, cfg.Height)
		}
		// A URL that gives no picture: 404, not asked again within the retry time.
		for _, bad := range []string{"/text", "/missing.png"} {
			if err := e.svc.SetProductImage(ctx, "telkomsel", host.URL+bad); err != nil {
				t.Fatal(err)
			}
			before := hits.Load()
			for i := 0; i < 2; i++ {
				if st, _, _, _ := get("/shop/img/telkomsel", ""); st != 404 {
					t.Fatalf("%s: %d", bad, st)
				}
			}
			if hits.Load() != before+1 {
				t.Fatalf("%s: host asked %d times, want once", bad, hits.Load()-before)
			}
		}
		// A bad URL is refused and changes nothing.
		if err := e.svc.SetProductImage(ctx, "mobile-legends", "javascript:alert(1)"); err == nil {
			t.Fatal("a javascript: URL accepted")
		}
		if p, _ := e.svc.Product(ctx, "mobile-legends"); p.Image != host.URL+"/ml.png" {
			t.Fatalf("image after a refused change: %q", p.Image)
		}
	})
}
