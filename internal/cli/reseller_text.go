package cli

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/reseller"
	"github.com/kios-h2h/kios/internal/textcmd"
)

// textEngine is the text channels' engine over the command's service.
func textEngine(svc *core.Service) *textcmd.Engine {
	return textcmd.New(svc, textcmd.Options{Banks: svc})
}

func runResellerSetPin(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("reseller set-pin")
	pin := fs.String("pin", "", "the PIN, 4 to 8 digits (default: a random 6-digit PIN, printed once)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	pos, err := parse(fs, args, "USERNAME")
	if err != nil {
		return err
	}
	made := *pin == ""
	if made {
		n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
		if err != nil {
			return err
		}
		*pin = fmt.Sprintf("%06d", n.Int64())
	} else if !textcmd.ValidPIN(*pin) {
		return usagef("--pin: %v", textcmd.ErrPIN)
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	if err := textEngine(svc).SetPIN(ctx, pos[0], *pin); err != nil {
		return named(err, pos[0])
	}
	shown := ""
	if made {
		shown = *pin
	}
	if *asJSON {
		return json.NewEncoder(e.Stdout).Encode(struct {
			Username string `json:"username"`
			PIN      string `json:"pin,omitempty"`
		}{pos[0], shown})
	}
	if made {
		fmt.Fprintf(e.Stdout, "New text-channel PIN for %s, shown only now:\n  pin: %s\n", pos[0], shown)
		return nil
	}
	fmt.Fprintf(e.Stdout, "%s has a new text-channel PIN\n", pos[0])
	return nil
}

func runResellerBind(ctx context.Context, e *Env, args []string) error {
	return bindOrUnbind(ctx, e, "reseller bind", args, true)
}

func runResellerUnbind(ctx context.Context, e *Env, args []string) error {
	return bindOrUnbind(ctx, e, "reseller unbind", args, false)
}

func bindOrUnbind(ctx context.Context, e *Env, name string, args []string, bind bool) error {
	fs := e.flags(name)
	channel := fs.String("channel", "", "telegram, jabber or whatsapp")
	ident := fs.String("id", "", "the identity on that channel: a Telegram user id, a JID (user@server), a WhatsApp number")
	pos, err := parse(fs, args, "USERNAME")
	if err != nil {
		return err
	}
	f := struct{ channel, id string }{*channel, *ident}
	if f.channel == "" || f.id == "" {
		return usagef("--channel and --id are required")
	}
	if _, err := textcmd.NormalizeID(f.channel, f.id); err != nil {
		return usagef("%v", err)
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	eng := textEngine(svc)
	if !bind {
		id, err := eng.Unbind(ctx, pos[0], f.channel, f.id)
		if err != nil {
			return named(err, pos[0])
		}
		fmt.Fprintf(e.Stdout, "%s %s is no longer bound to %s\n", f.channel, id, pos[0])
		return nil
	}
	id, created, err := eng.Bind(ctx, pos[0], f.channel, f.id)
	if errors.Is(err, reseller.ErrIdentityTaken) {
		return fmt.Errorf("%s %s: %w; unbind it there first", f.channel, id, err)
	}
	if err != nil {
		return named(err, pos[0])
	}
	if !created {
		fmt.Fprintf(e.Stdout, "%s %s was already bound to %s\n", f.channel, id, pos[0])
		return nil
	}
	fmt.Fprintf(e.Stdout, "%s %s is now bound to %s; its messages need %s's PIN\n", f.channel, id, pos[0], pos[0])
	return nil
}
