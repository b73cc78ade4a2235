// Command kios is the Kios server and its admin CLI; see internal/cli.
package main

import (
	"context"
	"os"

	"github.com/kios-h2h/kios/internal/cli"
)

func main() {
	os.Exit(cli.Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}
