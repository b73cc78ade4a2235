package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/kios-h2h/kios/internal/member"
)

func runResellerSetPassword(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("reseller set-password")
	asJSON := fs.Bool("json", false, "print one JSON object")
	pos, svc, err := e.start(ctx, fs, args, "USERNAME")
	if err != nil {
		return err
	}
	pw, err := member.SetPassword(ctx, svc, pos[0], 0)
	if err != nil {
		return named(err, pos[0])
	}
	if *asJSON {
		return json.NewEncoder(e.Stdout).Encode(struct {
			Username string `json:"username"`
			Password string `json:"password"`
		}{pos[0], pw})
	}
	fmt.Fprintf(e.Stdout, "New member-area password for %s (its sessions were signed out), shown only now:\n  password: %s\n"+
		"It signs in at /member/login on the public listener.\n", pos[0], pw)
	return nil
}
