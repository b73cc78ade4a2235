// Package connect builds the connector for a registered supplier from its kind: the one place
// that knows every dialect Kios can buy in.
package connect

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	bsclient "github.com/kios-h2h/kios/client/basstore"
	dsclient "github.com/kios-h2h/kios/client/digiswitch"
	omclient "github.com/kios-h2h/kios/client/otomax"
	"github.com/kios-h2h/kios/internal/store"
	"github.com/kios-h2h/kios/internal/supplier"
	"github.com/kios-h2h/kios/internal/supplier/basstore"
	"github.com/kios-h2h/kios/internal/supplier/digiflazz"
	"github.com/kios-h2h/kios/internal/supplier/digiswitch"
	"github.com/kios-h2h/kios/internal/supplier/otomax"
	"github.com/kios-h2h/kios/internal/supplier/simulator"
	"github.com/kios-h2h/kios/internal/upstream/route"
)

// Options configure the connectors.
type Options struct {
	// Simulator serves suppliers of kind simulator.
	Simulator *simulator.Simulator
	// Timeout bounds each upstream call made by a connector; 0 means 30 s. The fulfilment
	// workers' UpstreamTimeout bounds purchases further.
	Timeout time.Duration
	// Logger is where connectors report answers that are not about the purchase asked after
	// (another reference echoed, a contradictory answer); nil logs nothing.
	Logger *slog.Logger
}

// Connectors returns the route.Connect that knows every kind.
func Connectors(opts Options) route.Connect {
	if opts.Simulator == nil {
		opts.Simulator = simulator.New(0)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	return func(s store.Supplier) (supplier.Supplier, error) {
		switch s.Kind {
		case store.KindSimulator:
			return opts.Simulator, nil
		case store.KindBasstore:
			hc := &http.Client{Transport: Transport(s),
				// A redirected POST becomes a GET: never follow one (the client's own default).
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			return basstore.New(s.Name, s.BaseURL, s.Token, s.CallbackSecret, bsclient.Options{HTTPClient: hc, Timeout: opts.Timeout}).WithLogger(opts.Logger), nil
		case store.KindDigiflazz:
			return digiflazz.New(digiflazz.Config{Name: s.Name, BaseURL: s.BaseURL, Username: s.Username, APIKey: s.APIKey,
				CallbackSecret: s.CallbackSecret, Timeout: opts.Timeout, Logger: opts.Logger, HTTPClient: &http.Client{Transport: Transport(s)}})
		case store.KindDigiswitch:
			return digiswitch.New(s.Name, s.BaseURL, s.Username, s.APIKey, s.CallbackSecret,
				dsclient.WithHTTPClient(&http.Client{Transport: Transport(s)}), dsclient.WithTimeout(opts.Timeout)).WithLogger(opts.Logger), nil
		case store.KindOtomax:
			return otomax.New(otomax.Config{Name: s.Name, BaseURL: s.BaseURL, MemberID: s.Username, PIN: s.Token, Password: s.APIKey,
				Patterns: s.ReplyPatterns, CallbackSecret: s.CallbackSecret, Logger: opts.Logger,
				Options: []omclient.Option{omclient.WithHTTPClient(&http.Client{Transport: Transport(s), Timeout: opts.Timeout})}})
		}
		return nil, fmt.Errorf("supplier %s: no connector for kind %q yet", s.Name, s.Kind)
	}
}
