package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5"

	"github.com/citydata/catalogue/store"
	"github.com/citydata/catalogue/store/pgcluster"
)

// databaseName is the database the private cluster holds the catalogue in.
const databaseName = "catalogue"

// openDatabase connects to DATABASE_URL, or starts the private cluster in
// dataDir, and migrates. The returned func closes the pool and stops the
// cluster.
func openDatabase(ctx context.Context, log *slog.Logger, dataDir string) (*store.DB, func(), error) {
	return openDatabaseTraced(ctx, log, dataDir, nil)
}

// openDatabaseTraced is openDatabase with a tracer that sees every statement
// (nil: none).
func openDatabaseTraced(ctx context.Context, log *slog.Logger, dataDir string, tracer pgx.QueryTracer) (*store.DB, func(), error) {
	url := os.Getenv("DATABASE_URL")
	stop := func() {}
	if url == "" {
		dir, err := filepath.Abs(filepath.Join(dataDir, "postgres"))
		if err != nil {
			return nil, nil, err
		}
		log.Info("DATABASE_URL is not set; starting a private PostgreSQL cluster", "dir", dir)
		cluster, err := pgcluster.Start(ctx, pgcluster.Options{DataDir: dir, Log: logWriter{log}})
		if err != nil {
			return nil, nil, err
		}
		stop = func() {
			if err := cluster.Stop(); err != nil {
				log.Error("stop PostgreSQL", "err", err)
			} else {
				log.Info("stopped the private PostgreSQL cluster")
			}
		}
		if err := store.CreateDatabase(ctx, cluster.URL("postgres"), databaseName); err != nil {
			stop()
			return nil, nil, err
		}
		url = cluster.URL(databaseName)
		log.Info("private PostgreSQL cluster is up", "port", cluster.Port(), "dir", cluster.Dir())
	}
	db, err := store.Open(ctx, store.Config{URL: url, Tracer: tracer})
	if err != nil {
		stop()
		if os.Getenv("DATABASE_URL") != "" {
			return nil, nil, fmt.Errorf("cannot reach the database in DATABASE_URL (%v): start it or correct the URL, or unset DATABASE_URL to use a private cluster", err)
		}
		return nil, nil, err
	}
	if err := db.Migrate(ctx, log); err != nil {
		db.Close()
		stop()
		return nil, nil, err
	}
	return db, func() { db.Close(); stop() }, nil
}

// logWriter turns the cluster's progress lines into log records.
type logWriter struct{ log *slog.Logger }

func (w logWriter) Write(p []byte) (int, error) {
	w.log.Info(string(trimNewline(p)))
	return len(p), nil
}

func trimNewline(p []byte) []byte {
	for len(p) > 0 && (p[len(p)-1] == '\n' || p[len(p)-1] == '\r') {
		p = p[:len(p)-1]
	}
	return p
}
