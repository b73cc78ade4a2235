package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/user"
	"strings"

	"github.com/kios-h2h/kios/internal/audit"
)

// audited are the commands that change state, with the audit action each is recorded under
// (the admin API's names where it has the same action).
var audited = map[string]string{
	"deposit credit": "deposit.credit", "deposit debit": "deposit.debit", "deposit approve": "deposit.ticket-approve",
	"deposit reject": "deposit.ticket-reject", "deposit match": "deposit.match",
	"supplier add": "supplier.add", "supplier enable": "supplier.enable", "supplier disable": "supplier.disable",
	"supplier map": "supplier.map", "supplier deposit": "supplier.deposit", "supplier set": "supplier.set",
	"reseller create": "reseller.create", "reseller suspend": "reseller.suspend", "reseller resume": "reseller.resume",
	"reseller rotate-token": "reseller.rotate-token", "reseller rotate-api-key": "reseller.rotate-api-key",
	"reseller allow-ip": "reseller.allow-ip", "reseller deny-ip": "reseller.deny-ip",
	"reseller set-callback": "reseller.callback", "reseller set-membership": "reseller.membership",
	"reseller set-slots": "reseller.slots",
	"reseller set-pin":   "reseller.set-pin", "reseller otomax": "reseller.otomax", "reseller bind": "reseller.bind", "reseller unbind": "reseller.unbind",
	"text limits": "text.limits", "channel add": "channel.add", "channel remove": "channel.remove",
	"catalog import": "catalog.import", "catalog sync": "catalog.sync", "markup set": "markup.set",
	"secrets rotate": "secrets.rotate",
	"catalog limits": "catalog.limits",
	"settings set":   "settings.set", "bank add": "bank.add", "bank remove": "bank.remove",
	"gateway add": "gateway.add", "gateway enable": "gateway.enable", "gateway disable": "gateway.disable",
	"deposit pay":              "deposit.pay",
	"shop refund":              "shop.refund",
	"catalog require-valid-id": "catalog.require-valid-id",
	"catalog destination":      "catalog.destination",
	// admin create and admin reset-2fa write their own rows, in their transactions, with cliActor.
}

// auditedWhen tells, for a command that both reads and changes, whether its flags ask for a
// change (only then is it audited).
var auditedWhen = map[string]func(flags map[string]string) bool{
	"catalog destination": func(f map[string]string) bool {
		_, format := f["format"]
		_, pattern := f["pattern"]
		return format || pattern
	},
	"catalog limits": func(f map[string]string) bool {
		_, loss := f["max-loss"]
		_, sn := f["sn-required"]
		return loss || sn
	},
}

// secretFlags are never written to the audit log, only that they were given.
var secretFlags = map[string]bool{"token": true, "api-key": true, "callback-secret": true, "password": true, "pin": true,
	"private-key": true, "server-key": true, "callback-token": true, "secret": true}

// cliActor is who runs the command: "cli:<os user>@<host>".
func cliActor() string {
	name := "unknown"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	return "cli:" + name + "@" + host
}

// auditContext puts the audit row of a state-changing command on ctx: the change it makes
// commits with the row (audit.With). The target is the first argument, or the flag that
// names one; the command line, secrets redacted, is the row's "after".
func auditContext(ctx context.Context, name string, args []string) context.Context {
	action, ok := audited[name]
	if !ok {
		return ctx
	}
	var target string
	var line []string
	named := map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		flagName, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") {
			line = append(line, a)
			if target == "" {
				target = a
			}
			continue
		}
		if flagName == "db" || flagName == "secret-key-file" {
			if !hasVal {
				i++
			}
			continue
		}
		if !hasVal && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") && !isBoolFlag(flagName) {
			i++
			val, hasVal = args[i], true
		}
		switch {
		case secretFlags[flagName]:
			val = "(redacted)"
		default:
			named[flagName] = val
		}
		if hasVal {
			line = append(line, "--"+flagName+"="+val)
		} else {
			line = append(line, "--"+flagName)
		}
	}
	order := []string{"username", "reseller", "supplier", "name", "target", "bank"}
	if strings.HasPrefix(action, "supplier.") {
		order = []string{"name"} // a supplier's --username is its login upstream
	}
	for _, f := range order {
		if target == "" {
			target = named[f]
		}
	}
	if changes, ok := auditedWhen[name]; ok && !changes(named) {
		return ctx // this use of the command only reads
	}
	switch group, _, _ := strings.Cut(action, "."); {
	case action == "deposit.ticket-approve" || action == "deposit.ticket-reject":
		target = "ticket:" + target
	case group == "reseller" || group == "deposit" && action != "deposit.match":
		target = "reseller:" + target
	case group == "supplier":
		target = "supplier:" + target
	case group == "gateway":
		target = "gateway:" + target
	case action == "catalog.limits":
		target = "variant:" + target
	case group == "settings":
		target = "setting:" + target
	case group == "bank":
		target = "bank:" + strings.ToUpper(target)
	}
	after, _ := json.Marshal(map[string]string{"command": "kios " + name + " " + strings.Join(line, " ")})
	return audit.With(ctx, audit.Entry{Actor: cliActor(), Action: action, Target: target, After: string(after)})
}

func isBoolFlag(name string) bool {
	return name == "json" || name == "refresh" || name == "debit" || name == "h" || name == "help" || name == "plain" || name == "off" || name == "default-patterns"
}
