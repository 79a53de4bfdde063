// routing-server: a Delegated Routing V1 HTTP server for tests and the demo, built on boxo's
// routing/http/server (the code behind someguy and delegated-ipfs.dev) with an in-memory IPNS
// store, plus test-only fault knobs (flags and the /_test/ API, see admin.go).
//
// usage: routing-server [--listen 127.0.0.1:0] [--put-fail-rate R] [--get-fail-rate R]
//
//	[--latency-ms N] [--fail-status CODE] [--retry-after S] [--retry-after-form seconds|http-date]
//	[--seed N]
//
// Prints one JSON line {"listening":"http://127.0.0.1:PORT"} on stdout once it accepts
// connections; SIGINT/SIGTERM stop it.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ipfs/boxo/routing/http/server"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "routing-server:", err)
		os.Exit(1)
	}
}

func run() error {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on")
	knobs := defaultKnobs()
	flag.Float64Var(&knobs.PutFailRate, "put-fail-rate", 0, "probability [0,1] that a PUT gets --fail-status")
	flag.Float64Var(&knobs.GetFailRate, "get-fail-rate", 0, "probability [0,1] that a GET gets --fail-status")
	flag.IntVar(&knobs.LatencyMs, "latency-ms", 0, "delay added to every routing request")
	flag.IntVar(&knobs.Status, "fail-status", knobs.Status, "HTTP status of injected failures")
	flag.IntVar(&knobs.RetryAfterSeconds, "retry-after", 0, "Retry-After seconds sent with injected failures (0: none)")
	flag.StringVar(&knobs.RetryAfterForm, "retry-after-form", knobs.RetryAfterForm,
		"how Retry-After is written: seconds (\"120\") or http-date (now + the delay, IMF-fixdate)")
	seed := flag.Uint64("seed", uint64(time.Now().UnixNano()), "seed of the fault dice")
	flag.Parse()
	if err := checkKnobs(knobs); err != nil {
		return err
	}

	store := newIPNSStore()
	faults := newFaultInjector(knobs, *seed, server.Handler(store))
	mux := http.NewServeMux()
	mux.Handle("/_test/", adminHandler(store, faults))
	mux.Handle("/", faults)

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	line, _ := json.Marshal(map[string]string{"listening": "http://" + ln.Addr().String()})
	fmt.Println(string(line))

	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
