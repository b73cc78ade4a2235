package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/member"
)

// createdJSON is what `reseller create --json` prints: one object, for scripts.
type createdJSON struct {
	ID         int64    `json:"id"`
	Username   string   `json:"username"`
	Name       string   `json:"name"`
	Membership string   `json:"membership"`
	Token      string   `json:"token"`
	APIKey     string   `json:"api_key"`
	Password   string   `json:"password"` // member-area password, shown once
	AllowIPs   []string `json:"allow_ips"`
}

func runResellerCreate(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("reseller create")
	var n core.NewReseller
	var ips prefixes
	var asJSON bool
	fs.StringVar(&n.Name, "name", "", "display name (required)")
	fs.StringVar(&n.Username, "username", "", "login name; derived from --name when empty")
	fs.StringVar(&n.Email, "email", "", "contact e-mail")
	fs.StringVar(&n.Phone, "phone", "", "contact phone")
	fs.StringVar(&n.Membership, "membership", "", "price tier (default \"default\")")
	fs.Var(&ips, "allow-ip", "address or CIDR the reseller may call from (repeatable; none means loopback only)")
	fs.StringVar(&n.Upline, "upline", "", "username of the upline: the new reseller is its downline (issue 21)")
	fs.Int64Var(&n.Markup, "markup", 0, "rupiah the upline earns on each of the downline's orders by default (needs --upline)")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(n.Name) == "" {
		return usagef("--name is required")
	}
	n.AllowIPs = ips
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	cr, err := svc.CreateReseller(ctx, n)
	if fe, ok := core.IsFieldError(err); ok {
		return usagef("--%s %s", fe.Field, fe.Reason)
	}
	if err != nil {
		return err
	}
	r := cr.Reseller
	pw, err := member.SetPassword(ctx, svc, r.Username, 0)
	if err != nil {
		return err
	}
	if asJSON {
		out := createdJSON{ID: r.ID, Username: r.Username, Name: r.Name, Membership: r.Membership,
			Token: cr.Token, APIKey: cr.APIKey, Password: pw, AllowIPs: []string{}}
		for _, p := range r.AllowIPs {
			out.AllowIPs = append(out.AllowIPs, p.String())
		}
		return json.NewEncoder(e.Stdout).Encode(out)
	}
	fmt.Fprintf(e.Stdout, "Reseller %s created (id %d, tier %s).\n", r.Username, r.ID, r.Membership)
	if n.Upline != "" {
		fmt.Fprintf(e.Stdout, "Downline of %s, markup Rp %d per order by default.\n", n.Upline, n.Markup)
	}
	fmt.Fprintln(e.Stdout)
	fmt.Fprintf(e.Stdout, "  token:   %s\n  api key: %s\n  member-area password: %s (signs in at /member/login)\n\n", cr.Token, cr.APIKey, pw)
	fmt.Fprintln(e.Stdout, "All three are shown only now: hand them to the reseller.")
	if len(r.AllowIPs) == 0 {
		fmt.Fprintf(e.Stdout, "No --allow-ip was given: %s may call from loopback (this machine) only until an IP is allowed:\n  kios reseller allow-ip %s CIDR\n", r.Username, r.Username)
	} else {
		fmt.Fprintf(e.Stdout, "Allowed from: %s\n", prefixes(r.AllowIPs).String())
	}
	return nil
}
