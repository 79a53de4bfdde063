package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// adminHandler serves the test-only API under /_test/:
//
//	GET  /_test/faults    current fault knobs
//	POST /_test/faults    merge the given JSON fields into the knobs (e.g. {"putFailRate":0.5};
//	                      {"dropPuts":true}: PUTs answered 200 and not stored)
//	GET  /_test/records   stored records by name: recordBase64, sequence, value, validity
//	DELETE /_test/records forget all records
//	GET  /_test/stats     {"requests":{"PUT":{"200":n,...},...},"injected":{"PUT":n},"dropped":n,"records":n}
//	POST /_test/reset     default knobs, zero stats, no records
func adminHandler(store *ipnsStore, faults *faultInjector) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_test/faults", func(w http.ResponseWriter, _ *http.Request) {
		k, _ := faults.snapshot()
		writeJSON(w, k)
	})
	mux.HandleFunc("POST /_test/faults", func(w http.ResponseWriter, r *http.Request) {
		k, _ := faults.snapshot()
		body, err := io.ReadAll(io.LimitReader(r.Body, 4096))
		if err == nil {
			err = json.Unmarshal(body, &k)
		}
		if err == nil {
			err = checkKnobs(k)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		faults.setKnobs(k)
		writeJSON(w, k)
	})
	mux.HandleFunc("GET /_test/records", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, store.dump())
	})
	mux.HandleFunc("DELETE /_test/records", func(w http.ResponseWriter, _ *http.Request) {
		store.clear()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_test/history", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, store.putHistory())
	})
	mux.HandleFunc("GET /_test/stats", func(w http.ResponseWriter, _ *http.Request) {
		_, s := faults.snapshot()
		writeJSON(w, struct {
			requestStats
			Records int `json:"records"`
		}{s, len(store.dump())})
	})
	mux.HandleFunc("POST /_test/reset", func(w http.ResponseWriter, _ *http.Request) {
		faults.reset()
		store.clear()
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

func checkKnobs(k faultKnobs) error {
	if k.PutFailRate < 0 || k.PutFailRate > 1 || k.GetFailRate < 0 || k.GetFailRate > 1 {
		return fmt.Errorf("fail rates must be within [0,1]")
	}
	if k.Status < 400 || k.Status > 599 {
		return fmt.Errorf("status must be a 4xx or 5xx code")
	}
	if k.LatencyMs < 0 || k.RetryAfterSeconds < 0 || k.FailNextPuts < 0 || k.FailNextGets < 0 {
		return fmt.Errorf("latencyMs, retryAfterSeconds and failNext* must not be negative")
	}
	if k.RetryAfterForm != retryAfterSecondsForm && k.RetryAfterForm != retryAfterDateForm {
		return fmt.Errorf("retryAfterForm must be %q or %q", retryAfterSecondsForm, retryAfterDateForm)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
