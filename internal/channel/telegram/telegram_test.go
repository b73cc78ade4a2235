package telegram_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kios-h2h/kios/internal/channel"
	"github.com/kios-h2h/kios/internal/channel/telegram"
	"github.com/kios-h2h/kios/internal/channel/telegram/telegramtest"
	"github.com/kios-h2h/kios/internal/store/storetest"
	"github.com/kios-h2h/kios/internal/textcmd"
	"github.com/kios-h2h/kios/internal/textcmd/texttest"
)

const token = "123456:TEST-token"

func transport(t *testing.T, k *texttest.Kit, api *telegramtest.Server, publicURL string) *telegram.Transport {
	t.Helper()
	cfg := channel.Config{Kind: channel.Telegram, Token: token, APIBase: api.URL, PublicURL: publicURL}
	if err := cfg.Check(); err != nil {
		t.Fatal(err)
	}
	tr, err := telegram.New(cfg, k.Eng, telegram.Options{PollTimeout: 2 * time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func run(t *testing.T, tr *telegram.Transport) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = tr.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func match(t *testing.T, got, pattern string) {
	t.Helper()
	if !regexp.MustCompile(pattern).MatchString(got) {
		t.Fatalf("%q does not match %q", got, pattern)
	}
}

// Long polling: a bound user buys in a private chat; the answer and then the final answer are
// replies to its message. A redelivered update buys nothing more; group chats, forwarded
// messages and unbound users get nothing but (for the unbound) one refusal. A send that fails is
// retried.
func TestLongPolling(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		k := texttest.New(t, be)
		k.Bind(t, textcmd.Telegram, "555")
		api := telegramtest.New(t, token)
		tr := transport(t, k, api, "")
		k.Run(t, map[string]textcmd.Sender{textcmd.Telegram: tr})
		run(t, tr)

		api.FailSends(1)
		u := api.Message(555, 555, 42, "X5.081234567890.1234 R#tg1", time.Now())
		sent := api.WaitSent(t, 2)
		if sent[0].ChatID != 555 || sent[0].ReplyTo != 42 || sent[1].ReplyTo != 42 {
			t.Fatalf("sent %+v", sent)
		}
		match(t, sent[0].Text, `^R#tg1 X5\.081234567890 sedang diproses\. Harga: 5\.100\. Saldo: 94\.900$`)
		match(t, sent[1].Text, `^R#tg1 X5\.081234567890 BERHASIL\. SN: \S+\. Harga: 5\.100\. Saldo: 94\.900$`)

		api.Redeliver(u)
		api.Message(-100, 555, 43, "X5.0811.1234", time.Now()) // a group
		api.Push(map[string]any{"message_id": 44, "from": map[string]any{"id": 555}, "chat": map[string]any{"id": 555, "type": "private"},
			"date": time.Now().Unix(), "text": "X5.0812.1234", "forward_origin": map[string]any{"type": "hidden_user", "date": 1, "sender_user_name": "x"}})
		api.Message(777, 777, 1, "SAL.1234", time.Now()) // unbound
		api.Message(777, 777, 2, "SAL.1234", time.Now())
		api.Message(555, 555, 45, "SAL.1234", time.Now())
		api.WaitFor(t, "the balance answer", func() bool {
			for _, m := range api.Sent() {
				if m.ReplyTo == 45 {
					return true
				}
			}
			return false
		})
		// Updates are handled one at a time, in order: by the time the last was answered, every
		// earlier one had queued whatever answer it was going to get.
		db := k.DB
		for chat, want := range map[string]int{"555": 3, "777": 1, "-100": 0} {
			if got, err := db.TextOutboxList(context.Background(), textcmd.Telegram, chat, 10); err != nil || len(got) != want {
				t.Fatalf("answers to %s: %+v %v, want %d", chat, got, err, want)
			}
		}
		sent = api.WaitSent(t, 4)
		if len(sent) != 4 {
			t.Fatalf("sent %+v", sent)
		}
		// Answers keep their order within a chat, not across chats: the unbound chat's answer and
		// the balance answer may go out in either order.
		unbound, balance := sent[2], sent[3]
		if unbound.ChatID != 777 {
			unbound, balance = balance, unbound
		}
		if unbound.ChatID != 777 || unbound.Text != "Akun ini belum terdaftar." {
			t.Fatalf("unbound answer %+v", unbound)
		}
		if balance.ChatID != 555 || balance.ReplyTo != 45 || balance.Text != "Saldo budi: 94.900" {
			t.Fatalf("balance answer %+v", balance)
		}
		if k.Balance(t) != texttest.Funds-5100 {
			t.Fatalf("balance %d", k.Balance(t))
		}
		k.CheckLedger(t)
	})
}

// Webhook mode: the bot registers its URL with a secret token; updates posted with the wrong
// token are refused and run nothing; the right one is answered through sendMessage.
func TestWebhook(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, be storetest.Backend) {
		k := texttest.New(t, be)
		k.Bind(t, textcmd.Telegram, "555")
		api := telegramtest.New(t, token)
		tr := transport(t, k, api, "https://kios.example.com/")
		k.Run(t, map[string]textcmd.Sender{textcmd.Telegram: tr})
		run(t, tr)
		api.WaitFor(t, "the webhook", func() bool { u, _ := api.Webhook(); return u != "" })
		url, secret := api.Webhook()
		if url != "https://kios.example.com/text/telegram/webhook" || len(secret) < 32 {
			t.Fatalf("webhook %q %q", url, secret)
		}
		srv := httptest.NewServer(tr.Handler())
		defer srv.Close()
		post := func(secret, body string) int {
			req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if secret != "" {
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		upd := `{"update_id":7,"message":{"message_id":9,"from":{"id":555,"is_bot":false,"first_name":"B"},"chat":{"id":555,"type":"private"},"date":` +
			itoa(time.Now().Unix()) + `,"text":"S5.0812.1234"}}`
		if code := post("", upd); code != http.StatusForbidden {
			t.Fatalf("no secret: %d", code)
		}
		if code := post("wrong", upd); code != http.StatusForbidden {
			t.Fatalf("wrong secret: %d", code)
		}
		if code := post(secret, "{"); code != http.StatusBadRequest {
			t.Fatalf("bad body: %d", code)
		}
		if k.Balance(t) != texttest.Funds {
			t.Fatal("charged on a refused webhook")
		}
		if code := post(secret, upd); code != http.StatusOK {
			t.Fatalf("right secret: %d", code)
		}
		if code := post(secret, upd); code != http.StatusOK { // Telegram retrying
			t.Fatalf("retry: %d", code)
		}
		sent := api.WaitSent(t, 2)
		match(t, sent[0].Text, `^R#T\S+ S5\.0812 sedang diproses\. Harga: 5\.005\. Saldo: 94\.995$`)
		match(t, sent[1].Text, ` BERHASIL\. SN: `)
		if sent[0].ReplyTo != 9 || k.Balance(t) != texttest.Funds-5005 {
			t.Fatalf("sent %+v balance %d", sent, k.Balance(t))
		}
		if api.Polls() != 0 {
			t.Fatal("polled while a webhook is set")
		}
		k.CheckLedger(t)
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
