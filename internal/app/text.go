package app

import (
	"context"
	"fmt"
	"net/http"

	"github.com/kios-h2h/kios/internal/channel"
	"github.com/kios-h2h/kios/internal/channel/jabber"
	"github.com/kios-h2h/kios/internal/channel/telegram"
	"github.com/kios-h2h/kios/internal/channel/whatsapp"
	"github.com/kios-h2h/kios/internal/textcmd"
)

// textChannels is the text engine with the transports configured in the database (kios channel
// add): what receives (polls, logs in) and what sends the outbox.
type textChannels struct {
	eng     *textcmd.Engine
	senders map[string]textcmd.Sender
	runs    []func(context.Context) error
}

// openText builds the engine and the configured transports, mounting their webhooks on mux. A
// transport that cannot be built is logged and left out; the others run.
func (a *App) openText(ctx context.Context, mux *http.ServeMux) error {
	if a.cfg.NoTextChannels {
		return nil
	}
	cfgs, err := channel.Load(ctx, a.db)
	if err != nil {
		return fmt.Errorf("text channels: %w", err)
	}
	t := &textChannels{eng: textcmd.New(a.svc, textcmd.Options{Logger: a.log, Banks: a.svc}), senders: map[string]textcmd.Sender{}}
	for _, c := range cfgs {
		switch c.Kind {
		case channel.Telegram:
			tr, err := telegram.New(c, t.eng, telegram.Options{Logger: a.log})
			if err != nil {
				a.log.Error("text channel not started", "kind", c.Kind, "err", err)
				continue
			}
			t.senders[c.Kind] = tr
			t.runs = append(t.runs, tr.Run)
			if tr.Webhook() {
				mux.Handle("POST "+channel.WebhookPath(c.Kind), tr.Handler())
			}
		case channel.Jabber:
			tr := jabber.New(c, t.eng, jabber.Options{Logger: a.log})
			t.senders[c.Kind] = tr
			t.runs = append(t.runs, tr.Run)
		case channel.WhatsApp:
			tr := whatsapp.New(c, t.eng, whatsapp.Options{Logger: a.log})
			t.senders[c.Kind] = tr
			mux.Handle("POST "+channel.WebhookPath(c.Kind), tr.Handler())
		default:
			a.log.Warn("text channel kind not supported by this server", "kind", c.Kind)
		}
	}
	a.text = t
	return nil
}

// run runs the text worker and the transports until ctx ends; done receives once, when all of
// them have stopped.
func (t *textChannels) run(ctx context.Context, node string, done chan<- error) {
	n := len(t.runs) + 1
	errs := make(chan error, n)
	go func() { errs <- t.eng.Run(ctx, t.senders, textcmd.WorkerConfig{Node: node}) }()
	for _, r := range t.runs {
		go func() { errs <- r(ctx) }()
	}
	var first error
	for range n {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	done <- first
}
