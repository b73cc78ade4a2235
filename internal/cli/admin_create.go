package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/kios-h2h/kios/internal/admin"
)

func runAdminCreate(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("admin create")
	username := fs.String("username", "", "the admin's login name")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" {
		return usagef("--username is required")
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	pw, err := admin.NewService(svc, admin.Options{}).CreateAdmin(ctx, admin.Actor{Name: cliActor()}, *username)
	if err != nil {
		return err
	}
	return e.showAdminPassword(*asJSON, *username, pw, "Admin %s created. Password (shown once): %s\n")
}

// showAdminPassword prints a generated admin password, once: as {"username","password"} with
// --json, else by format (username, password).
func (e *Env) showAdminPassword(asJSON bool, username, pw, format string) error {
	if asJSON {
		return json.NewEncoder(e.Stdout).Encode(struct {
			Username string `json:"username"`
			Password string `json:"password"`
		}{username, pw})
	}
	fmt.Fprintf(e.Stdout, format, username, pw)
	return nil
}
