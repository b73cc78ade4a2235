package cli

import (
	"context"
	"fmt"

	"github.com/pressly/goose/v3"

	"github.com/kios-h2h/kios/internal/store/backend"
)

func runMigrate(ctx context.Context, e *Env, args []string) error {
	fs := e.flags("migrate")
	asJSON := jsonFlag(fs)
	pos, err := parseAny(fs, args)
	if err != nil {
		return err
	}
	action := "up"
	switch len(pos) {
	case 0:
	case 1:
		action = pos[0]
	default:
		return usagef("unexpected argument %q", pos[1])
	}
	if action != "up" && action != "status" {
		return usagef("unknown action %q: want up or status", action)
	}
	if err := backend.CheckURL(e.DBURL()); err != nil {
		return usagef("--db: %v", err)
	}
	p, closeDB, err := backend.Migrations(ctx, e.DBURL())
	if err != nil {
		return err
	}
	defer closeDB()
	applied := []int64{}
	if action == "up" {
		results, err := p.Up(ctx)
		if err != nil {
			return fmt.Errorf("migrate up: %w", err)
		}
		for _, r := range results {
			applied = append(applied, r.Source.Version)
			if !*asJSON {
				fmt.Fprintf(e.Stdout, "applied %05d %s (%s)\n", r.Source.Version, r.Source.Path, r.Duration.Round(1e6))
			}
		}
	}
	statuses, err := p.Status(ctx)
	if err != nil {
		return fmt.Errorf("migration status: %w", err)
	}
	if *asJSON {
		return e.writeJSON(migrationsJSON(statuses, applied))
	}
	var current, pending int64
	tw := e.table()
	if action == "status" {
		fmt.Fprintln(tw, "VERSION\tMIGRATION\tSTATE\tAPPLIED AT")
	}
	for _, s := range statuses {
		at := ""
		if s.State == goose.StateApplied {
			current = s.Source.Version
			at = wib(s.AppliedAt)
		} else {
			pending++
		}
		if action == "status" {
			fmt.Fprintf(tw, "%05d\t%s\t%s\t%s\n", s.Source.Version, s.Source.Path, s.State, at)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "schema at version %d, %d pending\n", current, pending)
	return nil
}

// migrationsJSON is `migrate --json`'s document: the schema version, what is pending, what this
// run applied, and every migration's state.
func migrationsJSON(statuses []*goose.MigrationStatus, applied []int64) any {
	type migration struct {
		Version   int64  `json:"version"`
		Name      string `json:"name"`
		State     string `json:"state"` // applied or pending
		AppliedAt string `json:"applied_at"`
	}
	out := struct {
		Version    int64       `json:"version"`
		Pending    int         `json:"pending"`
		Applied    []int64     `json:"applied"`
		Migrations []migration `json:"migrations"`
	}{Applied: applied, Migrations: []migration{}}
	for _, s := range statuses {
		m := migration{Version: s.Source.Version, Name: s.Source.Path, State: string(s.State)}
		if s.State == goose.StateApplied {
			out.Version = s.Source.Version
			m.AppliedAt = jsonTime(s.AppliedAt)
		} else {
			out.Pending++
		}
		out.Migrations = append(out.Migrations, m)
	}
	return out
}
