package flazzserver_test

import (
	"fmt"
	"testing"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/dialect/flazzserver"
)

// Every refusal of an order the core can give has an rc and both dialects' words (Digiflazz and
// Digiswitch answer from this one table), wrapped or not.
func TestEveryOrderRefusalIsMapped(t *testing.T) {
	for _, err := range core.OrderRefusals() {
		for _, e := range []error{err, fmt.Errorf("place order: %w", err)} {
			ref, ok := flazzserver.RefusalOf(e)
			if !ok || ref.RC == "" || ref.Digiflazz == "" || ref.Digiswitch == "" {
				t.Errorf("%v: %+v %v", e, ref, ok)
			}
		}
	}
}
