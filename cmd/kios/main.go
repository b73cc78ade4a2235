// Command kios is the Kios server and its admin CLI; see internal/cli.
package main

import (
	"context"
	"os"
	"runtime/debug"

	"github.com/kios-h2h/kios/internal/cli"
)

func main() {
	// Kios's live heap is small (tens of MB) while a busy server allocates fast, so the default
	// GOGC=100 spends about a tenth of the CPU on collections. Trading memory for it measured
	// about 6% more orders/s (docs/PERFORMANCE.md). An operator's own GOGC still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(300)
	}
	os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}
