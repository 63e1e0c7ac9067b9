package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/citydata/catalogue/domain"
)

// errBroken makes `catalogue audit verify` exit 1 on a broken chain.
var errBroken = fmt.Errorf("the audit chain is broken")

// runAudit runs `catalogue audit verify` or `catalogue audit purge`.
func runAudit(ctx context.Context, log *slog.Logger, args []string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("audit: say verify or purge --before YYYY-MM-DD")
	}
	fs := flag.NewFlagSet("audit "+args[0], flag.ExitOnError)
	dataDir := fs.String("data-dir", envOr("CATALOGUE_DATA_DIR", ".data"), "data directory for the private PostgreSQL cluster")
	before := fs.String("before", "", "purge: drop the months wholly before this day (at least six months ago, NY 33)")
	_ = fs.Parse(args[1:])
	switch args[0] {
	case "verify", "purge":
	default:
		return fmt.Errorf("audit: unknown command %q: say verify or purge --before YYYY-MM-DD", args[0])
	}
	var cutoff domain.Date
	if args[0] == "purge" {
		var err error
		if cutoff, err = domain.ParseDate(*before); err != nil {
			return fmt.Errorf("audit purge: --before: %s", domain.ErrorMessage(err))
		}
	}
	db, closeDB, err := openDatabase(ctx, log, *dataDir)
	if err != nil {
		return err
	}
	defer closeDB()
	if args[0] == "purge" {
		dropped, err := db.PurgeAudit(ctx, cutoff, time.Now())
		if err != nil {
			return fmt.Errorf("audit purge: %s", domain.ErrorMessage(err))
		}
		fmt.Fprintf(out, "dropped %d monthly partitions before %s: %v\n", len(dropped), cutoff, dropped)
		return nil
	}
	start := time.Now()
	r, err := db.VerifyAudit(ctx, start)
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	if r.OK {
		fmt.Fprintf(out, "ok: %d events verified (ids %d to %d, purged through %d) in %s\n", r.Checked, r.FirstID, r.LastID, r.PurgedThrough, time.Since(start).Round(time.Millisecond))
		return nil
	}
	fmt.Fprintf(out, "BROKEN at event %d (%s): %s\n%d events before it verified\n", r.FirstBroken.ID, r.FirstBroken.At.Format(time.RFC3339), r.FirstBroken.Reason, r.Checked)
	return errBroken
}
