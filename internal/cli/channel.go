package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/kios-h2h/kios/internal/channel"
	"github.com/kios-h2h/kios/internal/core"
)

// runChannelAdd configures a text transport (one per kind; adding a kind again replaces it).
// The server starts it at its next start.
func runChannelAdd(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("channel add")
	var c channel.Config
	fs.StringVar(&c.Kind, "kind", "", "telegram, jabber or whatsapp")
	fs.StringVar(&c.Token, "token", "", "telegram: the bot token from @BotFather; whatsapp: the gateway's device token")
	fs.StringVar(&c.APIBase, "api-base", "", "the provider's API base URL (default: Telegram's or Fonnte's public one)")
	fs.StringVar(&c.PublicURL, "public-url", "", "Kios's public base URL: Telegram then uses a webhook instead of long polling")
	fs.StringVar(&c.JID, "jid", "", "jabber: the account Kios logs in as (user@server)")
	fs.StringVar(&c.Password, "password", "", "jabber: its password")
	fs.StringVar(&c.Server, "server", "", "jabber: host:port of the server (default: from the JID's domain)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := c.Check(); err != nil {
		return usagef("%v", err)
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	if err := channel.Save(ctx, svc, c); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s channel saved (secrets are not shown again); `kios serve` starts it at its next start\n", c.Kind)
	if c.Kind == channel.WhatsApp || (c.Kind == channel.Telegram && c.PublicURL != "") {
		base := c.PublicURL
		if base == "" {
			base = "https://<kios-host>"
		}
		fmt.Fprintf(e.Stdout, "webhook: %s%s?secret=%s\n", strings.TrimRight(base, "/"), channel.WebhookPath(c.Kind), c.WebhookSecret)
	}
	return nil
}

func runChannelList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("channel list")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	cs, err := channel.Load(ctx, svc)
	if err != nil {
		return err
	}
	shown := make([]map[string]string, 0, len(cs))
	for _, c := range cs {
		shown = append(shown, c.Shown())
	}
	if *asJSON {
		return json.NewEncoder(e.Stdout).Encode(shown)
	}
	tw := e.table()
	fmt.Fprintln(tw, "KIND\tSETTINGS")
	for _, s := range shown {
		var kv []string
		for k, v := range s {
			if k != "kind" {
				kv = append(kv, k+"="+v)
			}
		}
		sort.Strings(kv)
		fmt.Fprintf(tw, "%s\t%s\n", s["kind"], strings.Join(kv, " "))
	}
	return tw.Flush()
}

func runChannelRemove(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("channel remove")
	pos, svc, err := e.start(ctx, fs, args, "KIND")
	if err != nil {
		return err
	}
	if err := svc.RemoveTextChannel(ctx, pos[0]); errors.Is(err, core.ErrNotFound) {
		return fmt.Errorf("no %s channel", pos[0])
	} else if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "%s channel removed; it stops at the server's next start\n", pos[0])
	return nil
}
