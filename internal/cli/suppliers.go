package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kios-h2h/kios/internal/core"
	"github.com/kios-h2h/kios/internal/upstream/connect"
	"github.com/kios-h2h/kios/internal/upstream/route"
)

// router opens the service and the supplier registry's router, with every kind's connector, for
// the commands that talk to suppliers.
func (e *Env) router(ctx context.Context) (*core.Service, *route.Router, error) {
	svc, err := e.Service(ctx)
	if err != nil {
		return nil, nil, err
	}
	return svc, route.New(e.db, route.Options{Connect: connect.Connectors(connect.Options{}), Logger: svc.Logger()}), nil
}

// isTerminal reports whether w is a terminal, where progress bars are drawn.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar returns a core.SyncProgress drawing "label [#####.....] done/total" on w.
func progressBar(w io.Writer, label string) core.SyncProgress {
	const width = 30
	return func(done, total int) {
		n := width
		if total > 0 {
			n = done * width / total
		}
		fmt.Fprintf(w, "\r%s [%s%s] %d/%d", label, strings.Repeat("#", n), strings.Repeat(".", width-n), done, total)
		if done >= total {
			fmt.Fprintln(w)
		}
	}
}
