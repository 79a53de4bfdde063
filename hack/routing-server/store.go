package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"sync"
	"time"

	"github.com/ipfs/boxo/ipns"
	"github.com/ipfs/boxo/routing/http/server"
	"github.com/ipfs/boxo/routing/http/types"
	"github.com/ipfs/boxo/routing/http/types/iter"
	"github.com/ipfs/go-cid"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/routing"
)

// ipnsStore is an in-memory DelegatedRouter that only serves IPNS: it keeps the best valid
// record per name. Provider and peer lookups are answered empty, provides are not supported.
type ipnsStore struct {
	mu      sync.Mutex
	records map[string][]byte // name (base36 CID) -> marshaled record as received
	history []putEvent        // every valid PUT in arrival order (tests check invariants on it)
}

// putEvent is one valid PUT as /_test/history shows it; accepted is false when the store refused
// it (lower sequence).
type putEvent struct {
	Name         string `json:"name"`
	Sequence     string `json:"sequence"`
	RecordBase64 string `json:"recordBase64"`
	Accepted     bool   `json:"accepted"`
}

var _ server.DelegatedRouter = (*ipnsStore)(nil)

func newIPNSStore() *ipnsStore { return &ipnsStore{records: map[string][]byte{}} }

func (s *ipnsStore) GetIPNS(_ context.Context, name ipns.Name) (*ipns.Record, error) {
	s.mu.Lock()
	raw, ok := s.records[name.String()]
	s.mu.Unlock()
	if !ok {
		return nil, routing.ErrNotFound
	}
	return ipns.UnmarshalRecord(raw)
}

// PutIPNS validates the record against the name (boxo's server has done so too; the store does
// not rely on it) and keeps the better of the stored and the new record by boxo's own IPNS
// selection rule (V2 signature, then higher sequence, then later validity). A record with a
// lower sequence than the stored one is refused with an error, which boxo's server answers with
// 500 "delegate error: ...". A record that is not lower but still loses the selection (same
// sequence, earlier validity) is accepted without replacing the stored one, as a DHT node would.
func (s *ipnsStore) PutIPNS(_ context.Context, name ipns.Name, rec *ipns.Record) error {
	if err := ipns.ValidateWithName(rec, name); err != nil {
		return fmt.Errorf("invalid record: %w", err)
	}
	raw, err := ipns.MarshalRecord(rec)
	if err != nil {
		return err
	}
	newSeq, err := rec.Sequence()
	if err != nil {
		return err
	}
	key := name.String()
	s.mu.Lock()
	defer s.mu.Unlock()
	event := putEvent{Name: key, Sequence: fmt.Sprint(newSeq), RecordBase64: base64.StdEncoding.EncodeToString(raw)}
	defer func() { s.history = append(s.history, event) }()
	old, ok := s.records[key]
	if !ok {
		s.records[key] = raw
		event.Accepted = true
		return nil
	}
	oldRec, err := ipns.UnmarshalRecord(old)
	if err != nil {
		return err
	}
	oldSeq, err := oldRec.Sequence()
	if err != nil {
		return err
	}
	if newSeq < oldSeq {
		return fmt.Errorf("sequence %d is lower than the stored record's %d", newSeq, oldSeq)
	}
	best, err := ipns.Validator{}.Select(string(name.RoutingKey()), [][]byte{old, raw})
	if err != nil {
		return err
	}
	if best == 1 {
		s.records[key] = raw
	}
	event.Accepted = true
	return nil
}

func (s *ipnsStore) putHistory() []putEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]putEvent(nil), s.history...)
}

// storedRecord is how /_test/records shows a record.
type storedRecord struct {
	RecordBase64 string `json:"recordBase64"`
	Sequence     string `json:"sequence"`
	Value        string `json:"value"`
	Validity     string `json:"validity"`
}

func (s *ipnsStore) dump() map[string]storedRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]storedRecord, len(s.records))
	for name, raw := range s.records {
		entry := storedRecord{RecordBase64: base64.StdEncoding.EncodeToString(raw)}
		if rec, err := ipns.UnmarshalRecord(raw); err == nil {
			if seq, err := rec.Sequence(); err == nil {
				entry.Sequence = fmt.Sprint(seq)
			}
			if v, err := rec.Value(); err == nil {
				entry.Value = v.String()
			}
			if t, err := rec.Validity(); err == nil {
				entry.Validity = t.UTC().Format(time.RFC3339Nano)
			}
		}
		out[name] = entry
	}
	return out
}

func (s *ipnsStore) clear() {
	s.mu.Lock()
	s.records = map[string][]byte{}
	s.history = nil
	s.mu.Unlock()
}

func (s *ipnsStore) FindProviders(context.Context, cid.Cid, int) (iter.ResultIter[types.Record], error) {
	return iter.FromSlice([]iter.Result[types.Record]{}), nil
}

func (s *ipnsStore) ProvideBitswap(context.Context, *server.BitswapWriteProvideRequest) (time.Duration, error) {
	return 0, routing.ErrNotSupported
}

func (s *ipnsStore) FindPeers(context.Context, peer.ID, int) (iter.ResultIter[*types.PeerRecord], error) {
	return iter.FromSlice([]iter.Result[*types.PeerRecord]{}), nil
}

func (s *ipnsStore) GetClosestPeers(context.Context, cid.Cid) (iter.ResultIter[*types.PeerRecord], error) {
	return iter.FromSlice([]iter.Result[*types.PeerRecord]{}), nil
}
