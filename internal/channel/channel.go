// Package channel holds what the text transports (channel/telegram, channel/jabber,
// channel/whatsapp) share: their stored configuration, one row per kind in text_channels. Each
// transport is a small adapter that turns its messages into textcmd.Message for the engine and
// sends the engine's outbox back.
package channel

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/kios-h2h/kios/internal/store"
)

// Config is one transport's configuration. Secrets (Token, Password, WebhookSecret) are stored
// but never printed back.
type Config struct {
	Kind string `json:"kind"` // telegram, jabber, whatsapp
	// Telegram and WhatsApp: the bot token, or the gateway's device token.
	Token string `json:"token,omitempty"`
	// APIBase is the HTTP API's base URL; empty means the provider's public one.
	APIBase string `json:"api_base,omitempty"`
	// PublicURL, when set, is where the provider reaches Kios's webhook (Telegram: webhook mode
	// instead of long polling; WhatsApp: the URL to give the gateway).
	PublicURL string `json:"public_url,omitempty"`
	// WebhookSecret authenticates the provider's webhook calls (made at add time).
	WebhookSecret string `json:"webhook_secret,omitempty"`
	// Jabber: the account Kios logs in as, and the server (host:port) when not found from the JID.
	JID      string `json:"jid,omitempty"`
	Password string `json:"password,omitempty"`
	Server   string `json:"server,omitempty"`
}

// Kinds of transport.
const (
	Telegram = "telegram"
	Jabber   = "jabber"
	WhatsApp = "whatsapp"
)

// Default API bases.
const (
	TelegramAPI = "https://api.telegram.org"
	FonnteAPI   = "https://api.fonnte.com"
)

// ErrConfig is a configuration that cannot work.
var ErrConfig = errors.New("channel configuration")

// Check validates a configuration and fills its defaults.
func (c *Config) Check() error {
	fail := func(msg string) error { return fmt.Errorf("%w: %s", ErrConfig, msg) }
	for _, u := range []struct{ name, v string }{{"--api-base", c.APIBase}, {"--public-url", c.PublicURL}} {
		if u.v == "" {
			continue
		}
		p, err := url.Parse(u.v)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return fail(u.name + " must be an http(s) URL")
		}
	}
	switch c.Kind {
	case Telegram, WhatsApp:
		if c.Token == "" {
			return fail("--token is required")
		}
		if c.JID != "" || c.Password != "" || c.Server != "" {
			return fail("--jid, --password and --server are for jabber")
		}
		if c.APIBase == "" {
			c.APIBase = TelegramAPI
			if c.Kind == WhatsApp {
				c.APIBase = FonnteAPI
			}
		}
		c.APIBase = strings.TrimRight(c.APIBase, "/")
		if c.WebhookSecret == "" {
			b := make([]byte, 24)
			if _, err := rand.Read(b); err != nil {
				return err
			}
			c.WebhookSecret = hex.EncodeToString(b)
		}
	case Jabber:
		if c.JID == "" || c.Password == "" {
			return fail("--jid and --password are required")
		}
		if local, domain, ok := strings.Cut(c.JID, "@"); !ok || local == "" || domain == "" || strings.Contains(c.JID, "/") {
			return fail("--jid must be a bare user@server")
		}
		if c.Server != "" {
			if _, _, err := net.SplitHostPort(c.Server); err != nil {
				return fail("--server must be host:port")
			}
		}
		if c.Token != "" || c.APIBase != "" || c.PublicURL != "" {
			return fail("--token, --api-base and --public-url are not for jabber")
		}
	default:
		return fail("--kind must be telegram, jabber or whatsapp")
	}
	return nil
}

// Shown is what may be printed of a configuration: no secret.
func (c Config) Shown() map[string]string {
	out := map[string]string{"kind": c.Kind}
	for k, v := range map[string]string{"api_base": c.APIBase, "public_url": c.PublicURL, "jid": c.JID, "server": c.Server} {
		if v != "" {
			out[k] = v
		}
	}
	if c.Kind == Telegram || c.Kind == WhatsApp {
		out["webhook_path"] = WebhookPath(c.Kind)
	}
	return out
}

// WebhookPath is where a kind's webhook is served on the public listener.
func WebhookPath(kind string) string { return "/text/" + kind + "/webhook" }

// Saver keeps a configuration: the core service.
type Saver interface {
	PutTextChannel(ctx context.Context, kind, config string) error
}

// Loader reads the kept configurations: the core service, or the store as the server opens.
type Loader interface {
	TextChannels(ctx context.Context) ([]store.TextChannel, error)
}

// Save stores a configuration, replacing the kind's previous one.
func Save(ctx context.Context, db Saver, c Config) error {
	if err := c.Check(); err != nil {
		return err
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return db.PutTextChannel(ctx, c.Kind, string(b))
}

// Load reads every enabled configuration.
func Load(ctx context.Context, db Loader) ([]Config, error) {
	rows, err := db.TextChannels(ctx)
	if err != nil {
		return nil, err
	}
	var out []Config
	for _, r := range rows {
		if !r.Enabled {
			continue
		}
		var c Config
		if err := json.Unmarshal([]byte(r.Config), &c); err != nil {
			return nil, fmt.Errorf("channel %s: %w", r.Kind, err)
		}
		out = append(out, c)
	}
	return out, nil
}
