package cli

import (
	"context"
	"encoding/json"
	"fmt"
)

func runResellerRotateAPIKey(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("reseller rotate-api-key")
	asJSON := fs.Bool("json", false, "print one JSON object")
	pos, svc, err := e.start(ctx, fs, args, "USERNAME")
	if err != nil {
		return err
	}
	cr, err := svc.RotateAPIKey(ctx, pos[0])
	if err != nil {
		return named(err, pos[0])
	}
	if *asJSON {
		return json.NewEncoder(e.Stdout).Encode(struct {
			ID       int64  `json:"id"`
			Username string `json:"username"`
			APIKey   string `json:"api_key"`
		}{cr.Reseller.ID, cr.Reseller.Username, cr.APIKey})
	}
	fmt.Fprintf(e.Stdout, "New api key for %s (signs and callbacks made with the old one no longer match):\n  api key: %s\n", cr.Reseller.Username, cr.APIKey)
	return nil
}
