package main

import (
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// faultKnobs are test-only failure knobs for the routing API (not for the /_test/ API). Rates are
// probabilities in [0,1]; failNext* fail that many upcoming requests deterministically first.
type faultKnobs struct {
	PutFailRate       float64 `json:"putFailRate"`
	GetFailRate       float64 `json:"getFailRate"`
	FailNextPuts      int     `json:"failNextPuts"`
	FailNextGets      int     `json:"failNextGets"`
	LatencyMs         int     `json:"latencyMs"`
	Status            int     `json:"status"`
	RetryAfterSeconds int     `json:"retryAfterSeconds"`
	// RetryAfterForm: "seconds" (default, "Retry-After: 120") or "http-date" (the instant now +
	// retryAfterSeconds as an IMF-fixdate, "Retry-After: Mon, 30 Nov 2026 12:02:00 GMT").
	RetryAfterForm string `json:"retryAfterForm"`
	// DropPuts: PUT /routing/v1/ipns/ answers 200 as if stored and keeps nothing, so GETs find
	// no record (an endpoint that accepts and loses records; the operator's read-back must see it).
	DropPuts bool `json:"dropPuts"`
}

const (
	retryAfterSecondsForm = "seconds"
	retryAfterDateForm    = "http-date"
)

// retryAfterValue is the Retry-After header value for the knobs' delay and form.
func retryAfterValue(k faultKnobs, now time.Time) string {
	if k.RetryAfterForm == retryAfterDateForm {
		return now.Add(time.Duration(k.RetryAfterSeconds) * time.Second).UTC().Format(http.TimeFormat)
	}
	return strconv.Itoa(k.RetryAfterSeconds)
}

func defaultKnobs() faultKnobs {
	return faultKnobs{Status: http.StatusServiceUnavailable, RetryAfterForm: retryAfterSecondsForm}
}

// requestStats counts routing API requests by method and final status code.
type requestStats struct {
	Requests map[string]map[string]int `json:"requests"`
	Injected map[string]int            `json:"injected"`
	Dropped  int                       `json:"dropped"` // PUTs answered 200 and not stored (dropPuts)
}

func newRequestStats() requestStats {
	return requestStats{Requests: map[string]map[string]int{}, Injected: map[string]int{}}
}

type faultInjector struct {
	mu    sync.Mutex
	knobs faultKnobs
	stats requestStats
	rng   *rand.Rand
	next  http.Handler
}

func newFaultInjector(knobs faultKnobs, seed uint64, next http.Handler) *faultInjector {
	return &faultInjector{knobs: knobs, stats: newRequestStats(), rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), next: next}
}

// decide returns the latency to add and whether to inject a failure for this request.
func (f *faultInjector) decide(method string) (time.Duration, bool, faultKnobs) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := f.knobs
	fail := false
	switch method {
	case http.MethodPut:
		if f.knobs.FailNextPuts > 0 {
			f.knobs.FailNextPuts--
			fail = true
		} else {
			fail = f.rng.Float64() < k.PutFailRate
		}
	case http.MethodGet:
		if f.knobs.FailNextGets > 0 {
			f.knobs.FailNextGets--
			fail = true
		} else {
			fail = f.rng.Float64() < k.GetFailRate
		}
	}
	if fail {
		f.stats.Injected[method]++
	}
	return time.Duration(k.LatencyMs) * time.Millisecond, fail, k
}

func (f *faultInjector) count(method string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	byStatus := f.stats.Requests[method]
	if byStatus == nil {
		byStatus = map[string]int{}
		f.stats.Requests[method] = byStatus
	}
	byStatus[strconv.Itoa(status)]++
}

func (f *faultInjector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	defer func() { f.count(r.Method, rec.status) }()
	latency, fail, k := f.decide(r.Method)
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return
		}
	}
	if !fail && k.DropPuts && r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/routing/v1/ipns/") {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		f.countDropped()
		rec.WriteHeader(http.StatusOK)
		return
	}
	if !fail {
		f.next.ServeHTTP(rec, r)
		return
	}
	if k.RetryAfterSeconds > 0 {
		rec.Header().Set("Retry-After", retryAfterValue(k, time.Now()))
	}
	http.Error(rec, "injected fault", k.Status)
}

func (f *faultInjector) countDropped() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stats.Dropped++
}

func (f *faultInjector) snapshot() (faultKnobs, requestStats) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := newRequestStats()
	for m, byStatus := range f.stats.Requests {
		s.Requests[m] = map[string]int{}
		for code, n := range byStatus {
			s.Requests[m][code] = n
		}
	}
	for m, n := range f.stats.Injected {
		s.Injected[m] = n
	}
	s.Dropped = f.stats.Dropped
	return f.knobs, s
}

func (f *faultInjector) setKnobs(k faultKnobs) {
	f.mu.Lock()
	f.knobs = k
	f.mu.Unlock()
}

func (f *faultInjector) reset() {
	f.mu.Lock()
	f.knobs = defaultKnobs()
	f.stats = newRequestStats()
	f.mu.Unlock()
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
