// Package browsertest drives headless Chromium for the browser tests of Kios's web areas (the
// admin dashboard, the member area, the store): it finds the browser, opens it at a desktop or a
// phone size, runs steps that fail the test with the step's name, reads texts, and saves
// screenshots when KIOS_SCREENSHOTS names a directory. Only tests import it.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is the browser on PATH, or "".
func ChromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Size is a window: Phone emulates a touch phone (mobile viewport, device scale 2).
type Size struct {
	Width, Height int
	Phone         bool
}

var (
	// Desktop is a laptop's window.
	Desktop = Size{Width: 1366, Height: 900}
	// Phone is the smallest phone the pages are made for: 360 CSS pixels wide.
	Phone = Size{Width: 360, Height: 740, Phone: true}
)

// Browser is one headless Chromium tab for a test.
type Browser struct {
	t     testing.TB
	ctx   context.Context
	shots string
}

// Start opens a browser of the given size for the rest of the test. Without a browser it skips
// the test, except in CI (CI set), where .ci/run installs one, so a missing browser fails. It
// skips in -short mode too.
func Start(t testing.TB, size Size) *Browser {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chrome := ChromiumPath()
	if chrome == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("no chromium on PATH in CI (.ci/run should have installed it)")
		}
		t.Skip("no chromium on PATH (Debian: apt-get install chromium)")
	}
	shots := os.Getenv("KIOS_SCREENSHOTS")
	if shots != "" {
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(size.Width, size.Height),
	}
	if size.Phone {
		// An Indonesian phone: its date inputs read dd/mm/yyyy, as the pages' users see them.
		opts = append(opts, chromedp.Flag("lang", "id-ID"))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	// Generous: two cores are shared by many test processes.
	bctx, cancelTimeout := context.WithTimeout(bctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelBrowser(); cancelAlloc() })
	b := &Browser{t: t, ctx: bctx, shots: shots}
	if size.Phone {
		b.Run("phone viewport", chromedp.EmulateViewport(int64(size.Width), int64(size.Height), chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch,
			chromedp.EmulateScale(2)))
	}
	return b
}

// Ctx is the browser's context, for chromedp calls of a test's own.
func (b *Browser) Ctx() context.Context { return b.ctx }

// Run runs steps, failing the test with step's name on an error.
func (b *Browser) Run(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
}

// Text is the visible text of the first element matching a CSS selector, trimmed.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// Eval evaluates a JavaScript expression in the page.
func Eval[T any](b *Browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

// Shot saves a screenshot of the window as name.png in KIOS_SCREENSHOTS; without it, nothing.
func (b *Browser) Shot(name string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		if b.shots == "" {
			return chromedp.Void{}, nil
		}
		buf, err := chromedp.CaptureScreenshot()(ctx, tg)
		if err != nil {
			return chromedp.Void{}, err
		}
		return chromedp.Void{}, os.WriteFile(filepath.Join(b.shots, name+".png"), buf, 0o644)
	}
}

// CSS is a CSS selector.
func CSS(s string) chromedp.CSS { return chromedp.CSS(s) }

// Shooting reports whether screenshots are being saved.
func (b *Browser) Shooting() bool { return b.shots != "" }
