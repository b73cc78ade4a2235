package registry_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/registry"
)

var update = flag.Bool("update", false, "rewrite docs/REFUSALS.md from the dialects' error tables")

// The one error table: every refusal core.Refusals lists has an answer of its own, wrapped or not,
// in every registered dialect that makes its kind of call. A refusal added to the core's list
// without a mapping in some dialect fails here, and so does a dialect that declares no calls.
func TestEveryDialectMapsEveryRefusal(t *testing.T) {
	for _, d := range registry.Default().All() {
		if d.Refusal == nil || len(d.Serves) == 0 {
			t.Errorf("%s: no error table or no kinds of call declared", d.Name)
			continue
		}
		if !slices.Contains(d.Serves, core.OpOrder) {
			t.Errorf("%s: takes no orders", d.Name)
		}
		for _, r := range core.Refusals() {
			if !slices.Contains(d.Serves, r.Op) {
				continue
			}
			for _, e := range []error{r.Err, fmt.Errorf("%s: %w", r.Op, r.Err)} {
				if answer, ok := d.Refusal(e); !ok || answer == "" {
					t.Errorf("%s: %s (%v) has no answer of its own (%q)", d.Name, r.Name, e, answer)
				}
			}
		}
	}
}

// The core's list names each error once, and every kind of call has refusals.
func TestRefusalsListed(t *testing.T) {
	seen := map[string]bool{}
	ops := map[core.Op]bool{}
	for _, r := range core.Refusals() {
		if r.Name == "" || r.Err == nil || r.Op == "" {
			t.Errorf("incomplete entry %+v", r)
		}
		if seen[r.Name] {
			t.Errorf("%s listed twice", r.Name)
		}
		seen[r.Name] = true
		ops[r.Op] = true
	}
	for _, op := range []core.Op{core.OpOrder, core.OpStatus, core.OpCatalog, core.OpBill, core.OpDeposit} {
		if !ops[op] {
			t.Errorf("no refusal of kind %s", op)
		}
	}
	// Each sentinel is its own error: no entry is answered as another by errors.Is.
	for _, a := range core.Refusals() {
		for _, b := range core.Refusals() {
			if a.Name != b.Name && errors.Is(a.Err, b.Err) {
				t.Errorf("%s is also %s", a.Name, b.Name)
			}
		}
	}
}

// docs/REFUSALS.md is the table of every dialect's answer to every refusal, as the dialects' own
// tables give it: a changed answer changes the document (go test -update rewrites it), so the
// docs cannot drift from the wire and a wire change shows in review.
func TestRefusalTable(t *testing.T) {
	const path = "../../../docs/REFUSALS.md"
	got := refusalTable()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the dialects' error tables (go test ./internal/dialect/registry -update rewrites it); the code gives:\n%s", path, got)
	}
}

func refusalTable() []byte {
	ds := registry.Default().All()
	var b bytes.Buffer
	b.WriteString(`# Refusals: every dialect's answer to every core refusal

Generated from the code by ` + "`go test ./internal/dialect/registry -update`" + ` and checked by
` + "`TestRefusalTable`" + `: each row is one error of ` + "`core.Refusals()`" + ` (the one list of what the core
refuses a reseller dialect's call with), each column a registered dialect's answer in one line, as
its ` + "`Refusal`" + ` gives it: BASSTORE's HTTP code and message, the Digiflazz family's rc and message,
the Otomax reason (placed in its ` + "`GAGAL`" + ` line). "—" is a kind of call the dialect does not make.
` + "`TestEveryDialectMapsEveryRefusal`" + ` fails when a dialect making a kind of call has no answer of its
own for one of its refusals. An error missing from the list is a fault: each dialect answers it
with its generic server failure (BASSTORE 500, Digiflazz family rc 99 pending).

`)
	b.WriteString("| error | call |")
	for _, d := range ds {
		b.WriteString(" " + d.Name + " |")
	}
	b.WriteString("\n| --- | --- |" + strings.Repeat(" --- |", len(ds)) + "\n")
	for _, r := range core.Refusals() {
		fmt.Fprintf(&b, "| `%s` | %s |", r.Name, r.Op)
		for _, d := range ds {
			answer := "—"
			if slices.Contains(d.Serves, r.Op) {
				answer, _ = d.Refusal(r.Err)
				answer = strings.ReplaceAll(answer, "|", `\|`)
			}
			b.WriteString(" " + answer + " |")
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}
