// Package telegram is the Telegram transport of the text channels, over the Bot API
// (github.com/go-telegram/bot): long polling by default, a webhook when a public URL is
// configured. A private chat's text message goes to the engine as from its sender's user id; the
// answers, and the final answer of an order, are sent as replies to the message.
package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
	"github.com/kios-h2h/kios/internal/channel"
	"github.com/kios-h2h/kios/internal/textcmd"
)

// Options tune a Transport.
type Options struct {
	// Client makes the Bot API calls; nil means a client with a timeout above PollTimeout.
	Client *http.Client
	// PollTimeout is how long one getUpdates waits for news; 0 means 50 s.
	PollTimeout time.Duration
	// Logger; nil means slog.Default().
	Logger *slog.Logger
}

// Transport is a running Telegram bot.
type Transport struct {
	cfg  channel.Config
	eng  *textcmd.Engine
	log  *slog.Logger
	bot  *bot.Bot
	poll time.Duration
}

// New makes the bot of cfg (kind telegram); nothing is called until Run.
func New(cfg channel.Config, eng *textcmd.Engine, opts Options) (*Transport, error) {
	if opts.PollTimeout <= 0 {
		opts.PollTimeout = 50 * time.Second
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: opts.PollTimeout + 10*time.Second}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	t := &Transport{cfg: cfg, eng: eng, log: opts.Logger.With("transport", channel.Telegram), poll: opts.PollTimeout}
	b, err := bot.New(cfg.Token,
		bot.WithServerURL(cfg.APIBase),
		bot.WithSkipGetMe(),
		bot.WithHTTPClient(opts.PollTimeout, opts.Client),
		bot.WithAllowedUpdates(bot.AllowedUpdates{"message"}),
		// One update at a time, handled before the next is taken: getUpdates confirms what it
		// fetched at its next call, so little is ever confirmed unhandled.
		bot.WithWorkers(1),
		bot.WithNotAsyncHandlers(),
		bot.WithUpdatesChannelCap(0),
		bot.WithDefaultHandler(func(ctx context.Context, _ *bot.Bot, u *models.Update) {
			if err := t.update(ctx, u); err != nil {
				t.log.Error("telegram message not handled", "err", err)
			}
		}),
		bot.WithErrorsHandler(func(err error) { t.log.Warn("telegram api", "err", err) }),
	)
	if err != nil {
		return nil, fmt.Errorf("telegram: %w", err)
	}
	t.bot = b
	return t, nil
}

// Webhook reports whether the bot takes its updates by webhook (a public URL is set).
func (t *Transport) Webhook() bool { return t.cfg.PublicURL != "" }

// Run takes updates until ctx ends: by long polling (after removing any webhook, which would
// make getUpdates fail), or by registering the webhook (the updates then come to Handler).
func (t *Transport) Run(ctx context.Context) error {
	if t.Webhook() {
		url := strings.TrimRight(t.cfg.PublicURL, "/") + channel.WebhookPath(channel.Telegram)
		for {
			_, err := t.bot.SetWebhook(ctx, &bot.SetWebhookParams{URL: url, SecretToken: t.cfg.WebhookSecret, AllowedUpdates: []string{"message"}})
			if err == nil {
				t.log.Info("telegram webhook set", "url", url)
				break
			}
			t.log.Warn("telegram setWebhook failed; will retry", "err", err)
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(10 * time.Second):
			}
		}
		<-ctx.Done()
		return nil
	}
	if _, err := t.bot.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil && ctx.Err() == nil {
		t.log.Warn("telegram deleteWebhook failed", "err", err)
	}
	t.log.Info("telegram long polling")
	t.bot.Start(ctx)
	return nil
}

// Handler serves the webhook: the secret token Telegram echoes must match. An update is
// answered 200 once the engine has recorded it; a failure answers 500, and Telegram sends it
// again (the inbox drops it if it had been recorded after all).
func (t *Transport) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if t.cfg.WebhookSecret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(t.cfg.WebhookSecret)) != 1 {
			t.log.Warn("telegram webhook with a wrong secret token", "remote", r.RemoteAddr)
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		var u models.Update
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&u); err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		if err := t.update(r.Context(), &u); err != nil {
			t.log.Error("telegram message not handled", "err", err)
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// update hands a private chat's text message to the engine. Messages in groups (where an answer
// would show a balance to others), forwarded messages (someone else's order, run again) and
// anything without text are ignored.
func (t *Transport) update(ctx context.Context, u *models.Update) error {
	m := u.Message
	if m == nil || m.From == nil || m.Text == "" || m.Chat.Type != models.ChatTypePrivate || m.ForwardOrigin != nil || m.From.IsBot {
		return nil
	}
	chat := strconv.FormatInt(m.Chat.ID, 10)
	return t.eng.Handle(ctx, textcmd.Message{
		Channel: textcmd.Telegram,
		Sender:  strconv.FormatInt(m.From.ID, 10),
		Chat:    chat,
		ID:      chat + ":" + strconv.Itoa(m.ID),
		Text:    m.Text,
		Time:    time.Unix(int64(m.Date), 0),
	})
}

// maxText is Telegram's limit on a message's length, in characters.
const maxText = 4096

// Send sends body to chat, as a reply to replyTo ("chat:message" as update recorded it) when
// given; the reply is sent even if that message was deleted meanwhile.
func (t *Transport) Send(ctx context.Context, chat, replyTo, body string) error {
	id, err := strconv.ParseInt(chat, 10, 64)
	if err != nil {
		return fmt.Errorf("telegram chat %q: %w", chat, err)
	}
	if utf8.RuneCountInString(body) > maxText {
		r := []rune(body)
		body = string(r[:maxText-1]) + "…"
	}
	p := &bot.SendMessageParams{ChatID: id, Text: body}
	if _, msg, ok := strings.Cut(replyTo, ":"); ok {
		if n, err := strconv.Atoi(msg); err == nil {
			p.ReplyParameters = &models.ReplyParameters{MessageID: n, AllowSendingWithoutReply: true}
		}
	}
	if _, err := t.bot.SendMessage(ctx, p); err != nil {
		return fmt.Errorf("telegram sendMessage: %w", err)
	}
	return nil
}
