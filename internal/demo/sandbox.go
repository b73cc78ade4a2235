package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/payment"
	"github.com/kios-h2h/kios/internal/store"
)

// Gateway is the name of the demo's sandbox payment gateway.
const Gateway = "sandbox"

// SandboxGateway registers and enables the sandbox payment gateway, so that a demo reseller can
// top up by "QRIS" without an operator: its pay link (under the server's public URL) sends the
// callback Tripay would. It has no base URL of its own, so the link follows the server's
// address from one start to the next.
func SandboxGateway(ctx context.Context, svc *core.Service) error {
	_, err := svc.AddGateway(ctx, core.NewGateway{Name: Gateway, Kind: payment.Sandbox, Methods: []string{"QRIS", "BRIVA"}})
	if errors.Is(err, store.ErrGatewayExists) {
		err = svc.SetGatewayEnabled(ctx, Gateway, true)
	}
	if err != nil {
		return fmt.Errorf("demo sandbox gateway: %w", err)
	}
	return nil
}
