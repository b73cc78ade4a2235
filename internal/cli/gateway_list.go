package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/kios-h2h/kios/internal/core"
)

func runGatewayList(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("gateway list")
	asJSON := jsonFlag(fs)
	_, svc, err := e.start(ctx, fs, args)
	if err != nil {
		return err
	}
	gws, err := svc.Gateways(ctx)
	if err != nil {
		return err
	}
	views := make([]core.GatewayView, 0, len(gws))
	for i := range gws {
		views = append(views, core.ViewGateway(&gws[i]))
	}
	if *asJSON {
		return e.writeJSON(views)
	}
	tw := e.table()
	// Secrets are never printed: only which are set.
	fmt.Fprintln(tw, "NAME\tKIND\tBASE URL\tMETHODS\tFEE POLICY\tENABLED\tSECRETS SET")
	for _, v := range views {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%v\t%s\n", v.Name, v.Kind, v.BaseURL, strings.Join(v.Methods, ","), v.FeePolicy, v.Enabled,
			strings.Join(v.Secrets, ","))
	}
	return tw.Flush()
}

func runGatewayEnable(ctx context.Context, e *Env, args []string) error {
	return setGatewayEnabled(ctx, e, "gateway enable", args, true)
}

func runGatewayDisable(ctx context.Context, e *Env, args []string) error {
	return setGatewayEnabled(ctx, e, "gateway disable", args, false)
}

func setGatewayEnabled(ctx context.Context, e *Env, name string, args []string, enabled bool) error {
	fs := e.flags(name)
	pos, svc, err := e.start(ctx, fs, args, "NAME")
	if err != nil {
		return err
	}
	if err := svc.SetGatewayEnabled(ctx, pos[0], enabled); err != nil {
		return err
	}
	if enabled {
		fmt.Fprintf(e.Stdout, "gateway %s enabled: deposits may be paid through it\n", pos[0])
	} else {
		fmt.Fprintf(e.Stdout, "gateway %s disabled: no new payments; callbacks of payments already opened are still taken\n", pos[0])
	}
	return nil
}
