package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestNewResellerCommands: deny-ip, rotate-api-key and set-membership (issue 14).
func TestNewResellerCommands(t *testing.T) {
	t.Parallel()
	k := setup(t)
	var c struct {
		Username string `json:"username"`
		APIKey   string `json:"api_key"`
	}
	if err := json.Unmarshal([]byte(k.ok("reseller", "create", "--name", "Toko", "--allow-ip", "203.0.113.7", "--allow-ip", "198.51.100.0/24", "--json")), &c); err != nil {
		t.Fatal(err)
	}
	if out := k.ok("reseller", "deny-ip", c.Username, "203.0.113.7"); !strings.Contains(out, "no longer call from 203.0.113.7/32") || strings.Contains(out, "allowed: 203.0.113.7") {
		t.Errorf("deny-ip: %s", out)
	}
	var rot struct {
		APIKey string `json:"api_key"`
	}
	if err := json.Unmarshal([]byte(k.ok("reseller", "rotate-api-key", c.Username, "--json")), &rot); err != nil || rot.APIKey == "" || rot.APIKey == c.APIKey {
		t.Errorf("rotate-api-key: %v %q", err, rot.APIKey)
	}
	if out := k.ok("reseller", "set-membership", c.Username, "Gold"); !strings.Contains(out, "Gold") {
		t.Errorf("set-membership: %s", out)
	}
	if out := k.ok("reseller", "list"); !strings.Contains(out, "Gold") {
		t.Errorf("list after set-membership:\n%s", out)
	}
	if r := k.run("reseller", "deny-ip", c.Username, "not-an-ip"); r.code != 2 || strings.Contains(r.stderr, "ParseAddr") || !strings.Contains(r.stderr, "not an IP address") {
		t.Errorf("bad CIDR: exit %d %q", r.code, r.stderr)
	}
	if r := k.run("reseller", "allow-ip", c.Username, "10.0.0.0/99"); r.code != 2 || strings.Contains(r.stderr, "ParsePrefix") {
		t.Errorf("bad prefix: exit %d %q", r.code, r.stderr)
	}
	if r := k.run("reseller", "set-membership", "nobody", "Gold"); r.code != 1 || !strings.Contains(r.stderr, "nobody") {
		t.Errorf("unknown reseller: exit %d %q", r.code, r.stderr)
	}
}

// TestCommandHelp: `kios <cmd> --help` prints that command's usage on stdout and exits 0.
func TestCommandHelp(t *testing.T) {
	t.Parallel()
	k := setup(t)
	for _, args := range [][]string{{"reseller", "list"}, {"reseller", "deny-ip"}, {"order", "list"}, {"bench"}, {"markup", "set"}, {"ledger", "check"}, {"version"}} {
		r := k.run(append(args, "--help")...)
		if r.code != 0 || !strings.Contains(r.stdout, "usage: kios "+strings.Join(args, " ")) {
			t.Errorf("%v --help: exit %d\nstdout %q\nstderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
}

// TestBadValuesExit2: zero durations and markup rules for targets that do not exist.
func TestBadValuesExit2(t *testing.T) {
	t.Parallel()
	k := setup(t)
	if r := k.run("bench", "--duration", "0s"); r.code != 2 || !strings.Contains(r.stderr, "--duration") {
		t.Errorf("bench --duration 0s: exit %d %q", r.code, r.stderr)
	}
	k.ok("migrate", "up")
	for _, args := range [][]string{{"--scope", "product", "--target", "nope", "--percent", "5"}, {"--scope", "variant", "--target", "NOPE_1", "--fixed", "100"}} {
		if r := k.run(append([]string{"markup", "set"}, args...)...); r.code != 2 || !strings.Contains(r.stderr, "nope") && !strings.Contains(r.stderr, "NOPE_1") {
			t.Errorf("markup set %v: exit %d %q", args, r.code, r.stderr)
		}
	}
	if out := k.ok("markup", "list"); strings.Contains(out, "nope") || strings.Contains(out, "NOPE_1") {
		t.Errorf("rule saved for a missing target:\n%s", out)
	}
}

// TestUsageListsEveryFlag: each command's usage line names every flag it takes (--db and
// --secret-key-file, which every command takes, are said once in `kios help`).
func TestUsageListsEveryFlag(t *testing.T) {
	t.Parallel()
	k := setup(t)
	r := k.run("help")
	for _, line := range strings.Split(r.stdout, "\n") {
		if !strings.HasPrefix(line, "  ") {
			continue
		}
		fields := strings.Fields(line)
		name := fields[0]
		args := []string{name}
		if len(fields) > 1 && !strings.Contains(line, "  "+name+"  ") && len(fields[1]) > 0 && fields[1][0] >= 'a' && fields[1][0] <= 'z' && strings.Contains(r.stdout, "  "+name+" "+fields[1]+" ") {
			args = append(args, fields[1])
		}
		h := k.run(append(args, "--help")...)
		if h.code != 0 {
			continue
		}
		usage, _, _ := strings.Cut(h.stdout, "\n")
		for _, l := range strings.Split(h.stdout, "\n") {
			l = strings.TrimSpace(l)
			if !strings.HasPrefix(l, "-") {
				continue
			}
			flag := strings.Fields(l)[0][1:]
			if flag == "db" || flag == "secret-key-file" {
				continue
			}
			if !strings.Contains(usage, "--"+flag) {
				t.Errorf("kios %s: usage %q lacks --%s", strings.Join(args, " "), usage, flag)
			}
		}
	}
}
