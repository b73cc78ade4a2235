package registry_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/registry"
)

// The registry's error tables: every refusal of an order the core can give has an answer of its
// own in every registered dialect, wrapped or not. A new dialect that misses one fails here.
func TestEveryDialectMapsEveryOrderRefusal(t *testing.T) {
	for _, d := range registry.Default().All() {
		if d.Refusal == nil {
			t.Errorf("%s: no error table", d.Name)
			continue
		}
		// The table tells a refusal from a fault: an error nobody mapped has no answer.
		if answer, ok := d.Refusal(errors.New("disk on fire")); ok {
			t.Errorf("%s: a fault answered as a refusal: %q", d.Name, answer)
		}
		for _, err := range core.OrderRefusals() {
			for _, e := range []error{err, fmt.Errorf("place order: %w", err)} {
				if answer, ok := d.Refusal(e); !ok || answer == "" {
					t.Errorf("%s: %v has no answer of its own (%q)", d.Name, e, answer)
				}
			}
		}
	}
}

// Every dialect is served somewhere and can tell its resellers of a final order.
func TestEveryDialectIsComplete(t *testing.T) {
	for _, d := range registry.Default().All() {
		if len(d.Routes) == 0 || d.Handler == nil {
			t.Errorf("%s: not served", d.Name)
		}
		if d.Callback.Post == nil && d.Callback.Get == nil {
			t.Errorf("%s: no callback form", d.Name)
		}
	}
}
