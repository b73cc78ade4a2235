package cli

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"

	"github.com/kios-h2h/kios/internal/dialect/otomax"
)

func runResellerOtomax(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("reseller otomax")
	pin := fs.String("pin", "", "the Otomax PIN, 4 to 8 digits (default: a random 6-digit PIN, printed once)")
	plain := fs.Bool("plain", false, "also accept pin and password in the query instead of a sign (centers that allow plain credentials)")
	off := fs.Bool("off", false, "take the reseller's Otomax access away")
	asJSON := fs.Bool("json", false, "print one JSON object")
	pos, err := parse(fs, args, "USERNAME")
	if err != nil {
		return err
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	if *off {
		had, err := otomax.RemoveMember(ctx, svc, pos[0])
		if err != nil {
			return named(err, pos[0])
		}
		if *asJSON {
			return json.NewEncoder(e.Stdout).Encode(struct {
				Username string `json:"username"`
				Removed  bool   `json:"removed"`
			}{pos[0], had})
		}
		fmt.Fprintf(e.Stdout, "%s: Otomax access off\n", sanitize(pos[0]))
		return nil
	}
	made := *pin == ""
	if made {
		n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
		if err != nil {
			return err
		}
		*pin = fmt.Sprintf("%06d", n.Int64())
	}
	if err := otomax.SetMember(ctx, svc, pos[0], *pin, *plain); err != nil {
		if errors.Is(err, otomax.ErrPIN) {
			return usagef("--pin: %v", err)
		}
		return named(err, pos[0])
	}
	shown := ""
	if made {
		shown = *pin
	}
	if *asJSON {
		return json.NewEncoder(e.Stdout).Encode(struct {
			Username string `json:"username"`
			MemberID string `json:"member_id"`
			PIN      string `json:"pin,omitempty"`
			Plain    bool   `json:"plain"`
		}{pos[0], pos[0], shown, *plain})
	}
	fmt.Fprintf(e.Stdout, "%s can buy over Otomax \"via IP\" at %s/trx and %s/balance:\n  memberID: %s\n", sanitize(pos[0]), otomax.Prefix, otomax.Prefix, sanitize(pos[0]))
	if made {
		fmt.Fprintf(e.Stdout, "  pin:      %s (shown only now)\n", shown)
	} else {
		fmt.Fprintf(e.Stdout, "  pin:      the one given\n")
	}
	fmt.Fprintf(e.Stdout, "  password: the reseller's api key (kios reseller rotate-api-key issues a new one)\n")
	if *plain {
		fmt.Fprintf(e.Stdout, "  pin and password are also accepted in the query (plain credentials)\n")
	}
	return nil
}
