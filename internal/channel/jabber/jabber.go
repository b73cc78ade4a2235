// Package jabber is the Jabber (XMPP) transport of the text channels: Kios logs in as a client
// (github.com/xmppo/go-xmpp, STARTTLS), takes chat messages from bound JIDs and answers in the
// same chat. It reconnects when the connection drops; a reply made while it is down waits in the
// outbox.
package jabber

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/kios-h2h/kios/internal/channel"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/textcmd"
	"github.com/xmppo/go-xmpp"
)

// Options tune a Transport.
type Options struct {
	// TLSConfig verifies the server's certificate (nil: the system's roots, for the JID's
	// domain). Tests against a server with a self-signed certificate set their own.
	TLSConfig *tls.Config
	// Retry is the first wait before reconnecting, doubled up to a minute; 0 means 1 s.
	Retry time.Duration
	// CloseWait bounds how long a cancelled Run waits for the server to end the stream; 0 means
	// 5 s.
	CloseWait time.Duration
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// Transport is a Jabber account Kios is logged in as.
type Transport struct {
	cfg  channel.Config
	eng  *textcmd.Engine
	opts Options
	log  *slog.Logger

	mu sync.Mutex
	c  *xmpp.Client // nil while disconnected
	up chan struct{}
}

// New returns the transport of cfg (kind jabber); it connects in Run.
func New(cfg channel.Config, eng *textcmd.Engine, opts Options) *Transport {
	if opts.Retry <= 0 {
		opts.Retry = time.Second
	}
	if opts.CloseWait <= 0 {
		opts.CloseWait = 5 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Transport{cfg: cfg, eng: eng, opts: opts, log: opts.Logger.With("transport", channel.Jabber, "jid", cfg.JID), up: make(chan struct{})}
}

// Connected is closed once the first login succeeded (tests wait on it).
func (t *Transport) Connected() <-chan struct{} { return t.up }

// connect logs in. SCRAM (with channel binding where offered) is tried first. A server that
// refuses what go-xmpp sends there (Prosody 0.12 under TLS 1.3 refuses its gs2 header:
// "Invalid channel binding value") is logged in to with PLAIN, inside the same verified TLS.
func (t *Transport) connect() (*xmpp.Client, error) {
	c, err := t.login("")
	if err == nil || !strings.Contains(err.Error(), "channel binding") {
		return c, err
	}
	t.log.Info("jabber server refused the SCRAM channel binding; logging in with PLAIN over TLS", "err", err)
	return t.login("PLAIN")
}

func (t *Transport) login(mechanism string) (*xmpp.Client, error) {
	host := t.cfg.Server
	if host == "" {
		_, domain, _ := strings.Cut(t.cfg.JID, "@")
		host = net.JoinHostPort(domain, "5222")
	}
	tc := t.opts.TLSConfig
	if tc == nil {
		h, _, _ := net.SplitHostPort(host)
		_, domain, _ := strings.Cut(t.cfg.JID, "@")
		if t.cfg.Server == "" || net.ParseIP(h) != nil {
			h = domain
		}
		tc = &tls.Config{ServerName: h, MinVersion: tls.VersionTLS12}
	}
	o := xmpp.Options{
		// A resource of its own per login: a connection the server has not yet noticed is dead
		// must not make it refuse (or kick) the new one.
		Host: host, User: t.cfg.JID, Password: t.cfg.Password, Resource: "kios-" + reseller.NewSecret(3),
		NoTLS: true, StartTLS: true, TLSConfig: tc,
		Session: true, Status: "chat", StatusMessage: "Kios", Mechanism: mechanism,
		DialTimeout:         15 * time.Second,
		PeriodicServerPings: true,
	}
	return o.NewClient()
}

// Run stays logged in until ctx ends, handling chat messages.
func (t *Transport) Run(ctx context.Context) error {
	wait := t.opts.Retry
	first := true
	for ctx.Err() == nil {
		c, err := t.connect()
		if err != nil {
			t.log.Warn("jabber login failed; will retry", "err", err, "in", wait)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(wait):
			}
			wait = min(wait*2, time.Minute)
			continue
		}
		wait = t.opts.Retry
		t.log.Info("jabber logged in")
		t.mu.Lock()
		t.c = c
		t.mu.Unlock()
		if first {
			close(t.up)
			first = false
		}
		// go-xmpp's Close reads the stream's end itself, which races with a Recv in flight, so a
		// cancelled Run only asks the server to end the stream (a write) and lets the reader see
		// it; Close then runs after the reader has stopped.
		done := make(chan error, 1)
		go func() { done <- t.receive(ctx, c) }()
		select {
		case err = <-done:
		case <-ctx.Done():
			t.mu.Lock()
			_, _ = c.SendOrg("</stream:stream>")
			t.mu.Unlock()
			select {
			case err = <-done:
			case <-time.After(t.opts.CloseWait):
				// The server did not end the stream: leave the reader to the connection's own
				// timeouts rather than race it.
				t.mu.Lock()
				t.c = nil
				t.mu.Unlock()
				return nil
			}
		}
		t.mu.Lock()
		t.c = nil
		t.mu.Unlock()
		_ = c.Close()
		if ctx.Err() == nil {
			t.log.Warn("jabber connection lost; reconnecting", "err", err)
		}
	}
	return nil
}

// receive reads stanzas until the connection fails.
func (t *Transport) receive(ctx context.Context, c *xmpp.Client) error {
	for {
		st, err := c.Recv()
		if err != nil {
			return err
		}
		switch v := st.(type) {
		case xmpp.Chat:
			if v.Text == "" || (v.Type != "chat" && v.Type != "normal" && v.Type != "") {
				continue // groupchat, errors, typing notifications
			}
			if err := t.handle(ctx, v); err != nil {
				t.log.Error("jabber message not handled", "err", err)
			}
		case xmpp.Presence:
			// A bound reseller adding Kios to its roster is let in; anyone else is not.
			if v.Type == "subscribe" && t.eng.Bound(ctx, textcmd.Jabber, bare(v.From)) {
				t.mu.Lock()
				c.ApproveSubscription(bare(v.From))
				t.mu.Unlock()
			}
		}
	}
}

func bare(jid string) string {
	b, _, _ := strings.Cut(jid, "/")
	return strings.ToLower(b)
}

func (t *Transport) handle(ctx context.Context, v xmpp.Chat) error {
	from := bare(v.Remote)
	if from == "" || from == strings.ToLower(t.cfg.JID) {
		return nil
	}
	at := v.Stamp // a message stored offline carries when it was sent (XEP-0203)
	if at.IsZero() {
		at = time.Now()
	}
	id := v.ID
	if v.OriginID != "" {
		id = v.OriginID
	}
	if id != "" {
		id = from + ":" + id
	}
	return t.eng.Handle(ctx, textcmd.Message{Channel: textcmd.Jabber, Sender: from, Chat: from, ID: id, Text: v.Text, Time: at})
}

// ErrDisconnected is a send while the account is not logged in; the outbox retries it.
var ErrDisconnected = errors.New("jabber: not connected")

// Send sends body to a JID as a chat message.
func (t *Transport) Send(_ context.Context, chat, _ string, body string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.c == nil {
		return ErrDisconnected
	}
	if _, _, err := t.c.Send(xmpp.Chat{Remote: chat, Type: "chat", Text: body}); err != nil {
		return fmt.Errorf("jabber send: %w", err)
	}
	return nil
}
