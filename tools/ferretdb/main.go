// Command ferretdb-embedded runs the project's embedded MongoDB-compatible database:
// FerretDB v1.24.2 (SQLite handler, telemetry off) behind a small wire protocol relay.
//
// Usage:
//
//	ferretdb-embedded --data-dir <dir> [--port <n>] [--parent-pid <pid>]
//
// FerretDB listens only on a Unix socket (<dir>/ferretdb.sock, or a unique file in the
// temp dir when that path is too long for a socket). The relay listens on 127.0.0.1:<port>
// (0 picks a free port) and serializes write commands per collection, because FerretDB 1.24
// applies update/findAndModify as read-modify-write without a transaction.
//
// Once ready, it prints exactly one line to stdout, "listening 127.0.0.1:<port>"; all logs
// go to stderr. It exits 0 on SIGINT/SIGTERM, or when the --parent-pid process is gone.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// maxSocketPath keeps socket paths within sun_path on every Unix (104 bytes on macOS,
// 108 on Linux, both counting the trailing NUL).
const maxSocketPath = 103

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-embedded:", err)
		os.Exit(1)
	}
}

func run() error {
	dataDir := flag.String("data-dir", "", "data folder (created if missing)")
	port := flag.Int("port", 0, "TCP port on 127.0.0.1 (0 picks a free port)")
	parentPID := flag.Int("parent-pid", 0, "exit when this process is gone (0 disables)")
	postgresqlURL := flag.String("postgresql-url", "", "store data in this PostgreSQL database instead of SQLite files (benchmarks; empty: SQLite)")
	flag.Parse()

	if *dataDir == "" {
		return errors.New("--data-dir is required")
	}
	if *port < 0 || *port > 65535 {
		return fmt.Errorf("invalid --port %d", *port)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	if *parentPID > 0 {
		go watchParent(ctx, *parentPID, func() {
			logger.Info("parent process is gone, shutting down", "pid", *parentPID)
			cancel()
		})
	}

	dir, err := filepath.Abs(*dataDir)
	if err != nil {
		return err
	}
	if err = os.MkdirAll(dir, 0o700); err != nil {
		return err
	}

	sock, stopFDB, err := startFerretDB(ctx, dir, *postgresqlURL, logger)
	if err != nil {
		if ctx.Err() != nil {
			return nil // asked to stop while starting
		}
		return err
	}
	// Runs after the relay has stopped, so no request is cut off mid-way by FerretDB.
	defer stopFDB()

	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(*port)))
	if err != nil {
		return err
	}

	relay := &Relay{
		Dial:   func() (net.Conn, error) { return net.Dial("unix", sock) },
		Logger: logger,
	}

	// The Node side parses this line to learn the port: keep it the only stdout output.
	fmt.Printf("listening %s\n", ln.Addr())
	logger.Info("relay ready", "addr", ln.Addr().String(), "socket", sock, "dataDir", dir)

	err = relay.Serve(ctx, ln)
	logger.Info("shutting down")

	return err
}

// startFerretDB starts FerretDB on a Unix socket for the data folder dir and waits until
// it accepts connections. stop shuts it down and waits (bounded) for it to finish.
func startFerretDB(ctx context.Context, dir, postgresqlURL string, logger *slog.Logger) (sock string, stop func(), err error) {
	if sock, err = socketPath(dir); err != nil {
		return "", nil, err
	}

	// Telemetry: the embeddable package never runs the telemetry reporter and marks it
	// disabled and locked in its in-memory state, so there is nothing to configure here.
	config := &ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: sock},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: (&url.URL{Scheme: "file", Path: dir + "/"}).String(),
	}
	// PostgreSQL filters equalities in the database instead of decoding every row in Go.
	if postgresqlURL != "" {
		config.Handler = "postgresql"
		config.SQLiteURL = ""
		config.PostgreSQLURL = postgresqlURL
	}
	fdb, err := ferretdb.New(config)
	if err != nil {
		return "", nil, fmt.Errorf("starting FerretDB: %w", err)
	}

	// FerretDB gets its own context so that callers can stop their relay first.
	fdbCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = fdb.Run(fdbCtx)
	}()

	stop = func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			logger.Warn("FerretDB did not stop in time")
		}
		os.Remove(sock) // normally already removed by its listener
	}

	if err = waitForSocket(ctx, sock, 30*time.Second); err != nil {
		stop()
		return "", nil, err
	}

	return sock, stop, nil
}

// socketPath picks where FerretDB's Unix socket goes: inside the data folder when the path
// fits in sun_path, otherwise a unique name in the temp dir.
func socketPath(dir string) (string, error) {
	p := filepath.Join(dir, "ferretdb.sock")
	if len(p) > maxSocketPath {
		var b [8]byte
		_, _ = rand.Read(b[:])
		return filepath.Join(os.TempDir(), fmt.Sprintf("ferretdb-%d-%s.sock", os.Getpid(), hex.EncodeToString(b[:]))), nil
	}

	// A leftover socket file from a killed run would make FerretDB's listen fail;
	// a live one means another instance owns this data folder.
	if c, err := net.Dial("unix", p); err == nil {
		c.Close()
		return "", fmt.Errorf("data folder %s is already served by another process (%s accepts connections)", dir, p)
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}

	return p, nil
}

// waitForSocket waits until FerretDB accepts connections on its Unix socket.
func waitForSocket(ctx context.Context, sock string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.Dial("unix", sock)
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("FerretDB did not accept connections on %s within %s: %w", sock, timeout, err)
		}

		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// watchParent calls gone once the process pid no longer exists, so an embedded database
// never outlives a killed parent.
func watchParent(ctx context.Context, pid int, gone func()) {
	// If pid is our parent now, being re-parented means it died, even if it is left as an
	// unreaped zombie (which still answers signal 0).
	wasParent := os.Getppid() == pid

	t := time.NewTicker(time.Second)
	defer t.Stop()

	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}

		if (wasParent && os.Getppid() != pid) || !processExists(pid) {
			gone()
			return
		}
	}
}

// processExists reports whether pid is alive (EPERM means it exists but is not ours).
func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
