package cli

import (
	"context"
	"encoding/json"
	"fmt"
)

func runResellerRotateToken(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("reseller rotate-token")
	asJSON := fs.Bool("json", false, "print one JSON object")
	pos, svc, err := e.start(ctx, fs, args, "USERNAME")
	if err != nil {
		return err
	}
	cr, err := svc.RotateToken(ctx, pos[0])
	if err != nil {
		return named(err, pos[0])
	}
	if *asJSON {
		return json.NewEncoder(e.Stdout).Encode(struct {
			ID       int64  `json:"id"`
			Username string `json:"username"`
			Token    string `json:"token"`
		}{cr.Reseller.ID, cr.Reseller.Username, cr.Token})
	}
	fmt.Fprintf(e.Stdout, "New token for %s (the old one no longer works):\n  token: %s\n", cr.Reseller.Username, cr.Token)
	return nil
}
