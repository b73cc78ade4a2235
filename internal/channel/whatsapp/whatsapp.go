// Package whatsapp is the WhatsApp transport of the text channels, through an HTTP gateway in
// the shape Indonesian shops use (Fonnte-style): the gateway POSTs each incoming message to
// Kios's webhook, and Kios sends with POST {base}/send (form target, message; header
// Authorization: the device token), answered {"status":true} or {"status":false,"reason":…}.
// Such gateways sign nothing, so the webhook URL carries a secret (?secret=…) Kios made.
package whatsapp

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kios-h2h/kios/internal/channel"
	"github.com/kios-h2h/kios/internal/textcmd"
)

// Options tune a Transport.
type Options struct {
	// Client sends; nil means one with a 30 s timeout.
	Client *http.Client
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// Transport is a WhatsApp gateway device.
type Transport struct {
	cfg    channel.Config
	eng    *textcmd.Engine
	client *http.Client
	log    *slog.Logger
}

// New returns the transport of cfg (kind whatsapp).
func New(cfg channel.Config, eng *textcmd.Engine, opts Options) *Transport {
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Transport{cfg: cfg, eng: eng, client: opts.Client, log: opts.Logger.With("transport", channel.WhatsApp)}
}

// inbound is the gateway's webhook body (JSON or form).
type inbound struct {
	Device    string `json:"device"`
	Sender    string `json:"sender"`
	Message   string `json:"message"`
	Member    string `json:"member"`    // set in groups: who wrote
	InboxID   any    `json:"inboxid"`   // the gateway's message id, when it sends one
	Timestamp any    `json:"timestamp"` // unix seconds, when it sends one
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

// Handler serves the webhook at channel.WebhookPath("whatsapp")?secret=….
func (t *Transport) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.URL.Query().Get("secret")
		if subtle.ConstantTimeCompare([]byte(got), []byte(t.cfg.WebhookSecret)) != 1 || t.cfg.WebhookSecret == "" {
			t.log.Warn("whatsapp webhook with a wrong secret", "remote", r.RemoteAddr)
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		var in inbound
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err == nil {
			if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/json" || (len(body) > 0 && body[0] == '{') {
				err = json.Unmarshal(body, &in)
			} else {
				var f url.Values
				if f, err = url.ParseQuery(string(body)); err == nil {
					in = inbound{Device: f.Get("device"), Sender: f.Get("sender"), Message: f.Get("message"), Member: f.Get("member"),
						InboxID: f.Get("inboxid"), Timestamp: f.Get("timestamp")}
				}
			}
		}
		if err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		if err := t.handle(r.Context(), in); err != nil {
			t.log.Error("whatsapp message not handled", "err", err)
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":true}`)
	})
}

// handle gives a personal chat's message to the engine; group messages (an answer would show a
// balance to the group) and empty ones are ignored.
func (t *Transport) handle(ctx context.Context, in inbound) error {
	if in.Message == "" || in.Member != "" || strings.Contains(in.Sender, "@g.us") {
		return nil
	}
	sender, err := textcmd.NormalizeID(textcmd.WhatsApp, strings.TrimSuffix(in.Sender, "@s.whatsapp.net"))
	if err != nil {
		return nil // not a phone number: nobody to bind
	}
	at := time.Time{}
	ts := str(in.Timestamp)
	if n, err := strconv.ParseInt(ts, 10, 64); err == nil && n > 0 {
		at = time.Unix(n, 0)
	}
	// The gateway's id when it gives one; else, with a timestamp, one made from the message, so a
	// webhook the gateway sends again is still seen as the same message.
	id := str(in.InboxID)
	if id == "" && ts != "" {
		sum := sha256.Sum256([]byte(sender + "\x00" + ts + "\x00" + in.Message))
		id = "h" + hex.EncodeToString(sum[:12])
	}
	return t.eng.Handle(ctx, textcmd.Message{Channel: textcmd.WhatsApp, Sender: sender, ID: id, Text: in.Message, Time: at})
}

// Send sends body to a number through the gateway.
func (t *Transport) Send(ctx context.Context, chat, _ string, body string) error {
	form := url.Values{"target": {chat}, "message": {body}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.cfg.APIBase+"/send", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", t.cfg.Token)
	resp, err := t.client.Do(req)
	if err != nil {
		return fmt.Errorf("whatsapp send: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		Status bool   `json:"status"`
		Reason string `json:"reason"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&out); err != nil {
		return fmt.Errorf("whatsapp send: HTTP %d, %w", resp.StatusCode, err)
	}
	if !out.Status {
		return fmt.Errorf("whatsapp send refused: %s", out.Reason)
	}
	return nil
}
