package whatsapp_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/channel"
	"github.com/kios-h2h/kios/internal/channel/whatsapp"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/textcmd"
	"github.com/kios-h2h/kios/internal/textcmd/texttest"
)

// gateway is a fake of a Fonnte-style gateway's send API: POST /send, form target and message,
// header Authorization: the device token; {"status":true,…} or {"status":false,"reason":…}.
type gateway struct {
	mu   sync.Mutex
	sent []url.Values
	fail int
	news chan struct{}
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path != "/send" || r.Method != http.MethodPost {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if r.Header.Get("Authorization") != "dev-token" {
		_ = json.NewEncoder(w).Encode(map[string]any{"status": false, "reason": "invalid token"})
		return
	}
	if err := r.ParseForm(); err != nil || r.Form.Get("target") == "" || r.Form.Get("message") == "" {
		_ = json.NewEncoder(w).Encode(map[string]any{"status": false, "reason": "input invalid"})
		return
	}
	g.mu.Lock()
	if g.fail > 0 {
		g.fail--
		g.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"status": false, "reason": "device disconnected"})
		return
	}
	g.sent = append(g.sent, r.Form)
	g.mu.Unlock()
	select {
	case g.news <- struct{}{}:
	default:
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"status": true, "detail": "success! message in queue", "id": []string{"1"}, "target": []string{r.Form.Get("target")}})
}

func (g *gateway) wait(t *testing.T, n int) []url.Values {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		g.mu.Lock()
		got := append([]url.Values(nil), g.sent...)
		g.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-g.news:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("waited for %d sends, have %v", n, got)
		}
	}
}

// A bound WhatsApp number orders through the gateway's webhook: a wrong secret is refused and
// runs nothing; the answer and the final answer go out through /send (a refused send retried);
// a webhook sent twice buys once; group messages are ignored.
func TestWhatsAppGateway(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		k := texttest.New(t, be)
		k.Bind(t, textcmd.WhatsApp, "081234567890")
		g := &gateway{news: make(chan struct{}, 1), fail: 1}
		gw := httptest.NewServer(g)
		defer gw.Close()
		cfg := channel.Config{Kind: channel.WhatsApp, Token: "dev-token", APIBase: gw.URL}
		if err := cfg.Check(); err != nil {
			t.Fatal(err)
		}
		tr := whatsapp.New(cfg, k.Eng, whatsapp.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		k.Run(t, map[string]textcmd.Sender{textcmd.WhatsApp: tr})
		srv := httptest.NewServer(tr.Handler())
		defer srv.Close()
		post := func(secret, ctype, body string) int {
			resp, err := http.Post(srv.URL+"?secret="+secret, ctype, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		order := `{"device":"6281100000000","sender":"6281234567890","message":"X5.0899.1234 R#wa1","name":"Budi","timestamp":` + ts + `}`
		if code := post("wrong", "application/json", order); code != http.StatusForbidden {
			t.Fatalf("wrong secret: %d", code)
		}
		if k.Balance(t) != texttest.Funds {
			t.Fatal("charged on a refused webhook")
		}
		for range 2 { // the gateway retrying its webhook
			if code := post(cfg.WebhookSecret, "application/json", order); code != http.StatusOK {
				t.Fatalf("webhook: %d", code)
			}
		}
		group := url.Values{"sender": {"120363000000@g.us"}, "member": {"6281234567890"}, "message": {"SAL.1234"}}
		if code := post(cfg.WebhookSecret, "application/x-www-form-urlencoded", group.Encode()); code != http.StatusOK {
			t.Fatalf("group webhook: %d", code)
		}
		sent := g.wait(t, 2)
		if sent[0].Get("target") != "6281234567890" ||
			!regexp.MustCompile(`^R#wa1 X5\.0899 sedang diproses\. Harga: 5\.100\. Saldo: 94\.900$`).MatchString(sent[0].Get("message")) ||
			!regexp.MustCompile(`^R#wa1 X5\.0899 BERHASIL\. SN: `).MatchString(sent[1].Get("message")) {
			t.Fatalf("sent %v", sent)
		}
		bal := url.Values{"sender": {"6281234567890"}, "message": {"SAL.1234"}, "inboxid": {"77"}}
		if code := post(cfg.WebhookSecret, "application/x-www-form-urlencoded", bal.Encode()); code != http.StatusOK {
			t.Fatalf("balance webhook: %d", code)
		}
		sent = g.wait(t, 3)
		if len(sent) != 3 || sent[2].Get("message") != "Saldo budi: 94.900" {
			t.Fatalf("sent %v", sent)
		}
		if k.Balance(t) != texttest.Funds-5100 {
			t.Fatalf("balance %d", k.Balance(t))
		}
		k.CheckLedger(t)
	})
}
