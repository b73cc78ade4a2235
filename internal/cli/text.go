package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kios-h2h/kios/internal/ledger"
	"github.com/kios-h2h/kios/internal/textcmd"
	"github.com/kios-h2h/kios/internal/textmsg"
)

// runText runs one message through the text engine as if the reseller's bound identity had sent
// it, and prints the answer. The PIN is still needed inside the message. Orders it places are
// text orders of that identity: their final answers go to its chat when its channel runs.
func runText(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("text")
	as := fs.String("as", "", "the reseller (its first bound identity, or the one --channel names)")
	channel := fs.String("channel", "", "use the reseller's identity on this channel")
	pos, err := parse(fs, args, "MESSAGE")
	if err != nil {
		return err
	}
	if *as == "" {
		return usagef("--as is required")
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	r, err := svc.Reseller(ctx, *as)
	if err != nil {
		return named(err, *as)
	}
	eng := textEngine(svc)
	ids, err := eng.Identities(ctx, r.ID)
	if err != nil {
		return err
	}
	var id *textmsg.Identity
	for i := range ids {
		if *channel == "" || ids[i].Channel == *channel {
			id = &ids[i]
			break
		}
	}
	if id == nil {
		return errors.New(*as + " has no bound identity" + onChannel(*channel) + "; bind one with `kios reseller bind " + *as + " --channel … --id …`")
	}
	answer, err := eng.Answer(ctx, textcmd.Message{Channel: id.Channel, Sender: id.ExtID, Text: pos[0], Time: svc.Now(), Via: cliActor()})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, strings.TrimRight(answer, "\n"))
	return nil
}

func onChannel(c string) string {
	if c == "" {
		return ""
	}
	return " on " + c
}

// runTextLimits shows or sets the daily limits of text orders: everyone's default, or one
// reseller's.
func runTextLimits(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("text limits")
	user := fs.String("reseller", "", "one reseller's limits (default: everyone's)")
	idSpend := fs.Int64("identity-spend", -1, "rupiah one identity may spend a day")
	idCount := fs.Int64("identity-count", -1, "orders one identity may place a day")
	rSpend := fs.Int64("reseller-spend", -1, "rupiah all of a reseller's identities may spend a day")
	rCount := fs.Int64("reseller-count", -1, "orders all of a reseller's identities may place a day")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	rid, err := resellerID(ctx, svc, *user)
	if err != nil {
		return err
	}
	cur, err := textcmd.Limits(ctx, svc, rid)
	if err != nil {
		return err
	}
	changed := false
	for _, f := range []struct {
		v   int64
		dst *int64
	}{{*idSpend, &cur.IdentitySpend}, {*idCount, &cur.IdentityCount}, {*rSpend, &cur.ResellerSpend}, {*rCount, &cur.ResellerCount}} {
		if f.v >= 0 {
			*f.dst, changed = f.v, true
		}
	}
	if changed {
		if err := svc.SetTextLimits(ctx, rid, cur); err != nil {
			return err
		}
	}
	who := "everyone (default)"
	if *user != "" {
		who = *user
	}
	fmt.Fprintf(e.Stdout, "text limits of %s per Jakarta day: identity %s in %d orders, reseller %s in %d orders\n",
		who, ledger.FormatRupiah(cur.IdentitySpend), cur.IdentityCount, ledger.FormatRupiah(cur.ResellerSpend), cur.ResellerCount)
	return nil
}
