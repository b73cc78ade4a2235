package storefront

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // decoders for the operator's pictures
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Product images (issue 19: "images resized and cached"). A product's image is a URL the
// operator set (catalog CSV, admin API, dashboard). The store never sends buyers there: its pages
// show /shop/img/{code}, which it answers itself, fetching the picture once, scaling it down to
// at most imageSide pixels a side and caching the result in memory. Buyers on a phone download
// a few kilobytes instead of the operator's original, the store's Content-Security-Policy keeps
// img-src 'self', and a slow or missing image host costs one fetch per imageRetry, not one per
// page view.

const (
	imageSide   = 256              // the longest side of a served picture, in pixels
	imageMax    = 8 << 20          // bytes of an original read at most
	imagePixels = 40_000_000       // an original larger than this is refused before decoding
	imageRetry  = time.Minute      // a failed fetch is answered 404 until then
	imageTTL    = 24 * time.Hour   // a fetched picture is fetched again after this
	imageMaxN   = 1024             // pictures cached at most
	imageFetch  = 10 * time.Second // one fetch at most
)

// servedImage is a picture ready to serve, or a failure remembered until retry.
type servedImage struct {
	body        []byte
	contentType string
	etag        string
	err         error
	at          time.Time
}

// imageCache holds the pictures by product code and URL (a changed URL is a new key).
type imageCache struct {
	client *http.Client
	mu     sync.Mutex
	m      map[string]*servedImage
	fill   singleflight.Group
}

func newImageCache(client *http.Client) *imageCache {
	if client == nil {
		client = &http.Client{Timeout: imageFetch}
	}
	return &imageCache{client: client, m: map[string]*servedImage{}}
}

// get returns the picture of url, fetching and scaling it when it is not cached (or is stale).
func (c *imageCache) get(ctx context.Context, url string, now time.Time) *servedImage {
	c.mu.Lock()
	e := c.m[url]
	c.mu.Unlock()
	if e != nil && ((e.err == nil && now.Sub(e.at) < imageTTL) || (e.err != nil && now.Sub(e.at) < imageRetry)) {
		return e
	}
	v, _, _ := c.fill.Do(url, func() (any, error) {
		// Others wait on this fetch: it must not end with the first caller.
		s := c.fetch(context.WithoutCancel(ctx), url)
		s.at = now
		c.mu.Lock()
		if len(c.m) >= imageMaxN {
			clear(c.m)
		}
		c.m[url] = s
		c.mu.Unlock()
		return s, nil
	})
	return v.(*servedImage)
}

// fetch reads the original and scales it.
func (c *imageCache) fetch(ctx context.Context, url string) *servedImage {
	ctx, cancel := context.WithTimeout(ctx, imageFetch)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return &servedImage{err: err}
	}
	req.Header.Set("Accept", "image/*")
	resp, err := c.client.Do(req)
	if err != nil {
		return &servedImage{err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &servedImage{err: fmt.Errorf("image host answered %d", resp.StatusCode)}
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, imageMax+1))
	if err != nil {
		return &servedImage{err: err}
	}
	if len(raw) > imageMax {
		return &servedImage{err: fmt.Errorf("image larger than %d bytes", imageMax)}
	}
	body, ctype, err := scaleImage(raw)
	if err != nil {
		return &servedImage{err: err}
	}
	sum := sha256.Sum256(body)
	return &servedImage{body: body, contentType: ctype, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
}

// scaleImage decodes a PNG, JPEG or GIF and scales it to fit imageSide × imageSide (never up),
// averaging the source pixels each target pixel covers (a box filter: sharp enough for a logo at
// this size, and no dependency). An opaque picture is written as JPEG, one with transparency as
// PNG.
func scaleImage(raw []byte) ([]byte, string, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return nil, "", fmt.Errorf("not a PNG, JPEG or GIF picture: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > imagePixels {
		return nil, "", errors.New("picture too large to decode")
	}
	src, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, "", fmt.Errorf("decode picture: %w", err)
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > imageSide || h > imageSide {
		if w >= h {
			w, h = imageSide, max(1, h*imageSide/b.Dx())
		} else {
			w, h = max(1, w*imageSide/b.Dy()), imageSide
		}
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	opaque := true
	for y := 0; y < h; y++ {
		y0, y1 := b.Min.Y+y*b.Dy()/h, b.Min.Y+max((y+1)*b.Dy()/h, y*b.Dy()/h+1)
		for x := 0; x < w; x++ {
			x0, x1 := b.Min.X+x*b.Dx()/w, b.Min.X+max((x+1)*b.Dx()/w, x*b.Dx()/w+1)
			var r, g, bl, a, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					c := color.NRGBA64Model.Convert(src.At(sx, sy)).(color.NRGBA64)
					// Weighted by alpha, so transparent pixels lend no colour.
					r += uint64(c.R) * uint64(c.A)
					g += uint64(c.G) * uint64(c.A)
					bl += uint64(c.B) * uint64(c.A)
					a += uint64(c.A)
					n++
				}
			}
			px := color.NRGBA{A: uint8(a / n >> 8)}
			if a > 0 {
				px.R, px.G, px.B = uint8(r/a>>8), uint8(g/a>>8), uint8(bl/a>>8)
			}
			if px.A != 0xff {
				opaque = false
			}
			dst.SetNRGBA(x, y, px)
		}
	}
	var buf bytes.Buffer
	if opaque {
		if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 85}); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), "image/jpeg", nil
	}
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, dst); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), "image/png", nil
}

// imageURL is where the store's pages show a product's picture ("" for none).
func imageURL(code, image string) string {
	if image == "" {
		return ""
	}
	return "/shop/img/" + code
}

// productImage is GET /shop/img/{code}: the product's picture, scaled and cached; 404 when it has
// none or its host could not give it (the page shows the product's initial instead).
func (h *handler) productImage(w http.ResponseWriter, r *http.Request) {
	p, err := h.svc.Product(r.Context(), r.PathValue("code"))
	if err != nil || p.Image == "" {
		http.NotFound(w, r)
		return
	}
	img := h.images.get(r.Context(), p.Image, h.svc.Now())
	if img.err != nil {
		h.log.Warn("storefront: product image", "product", p.Code, "url", p.Image, "err", img.err)
		w.Header().Set("Cache-Control", "no-store")
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", img.contentType)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("ETag", img.etag)
	if r.Header.Get("If-None-Match") == img.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(img.body)
}
