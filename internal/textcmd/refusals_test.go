package textcmd_test

import (
	"fmt"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/textcmd"
)

// Every refusal of an order the core can give has its Indonesian reason in the text channels and
// the Otomax dialect (which answers with the same lines), wrapped or not.
func TestEveryOrderRefusalIsMapped(t *testing.T) {
	for _, err := range core.OrderRefusals() {
		for _, e := range []error{err, fmt.Errorf("place order: %w", err)} {
			if why := textcmd.RefusalReason(e, "S5", "081234567890"); why == "" {
				t.Errorf("%v: no reason", e)
			}
		}
	}
}
