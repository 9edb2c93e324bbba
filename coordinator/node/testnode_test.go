package node

// The test helper process: TestMain re-executes the test binary with
// SIGNET_TESTNODE set to a JSON childSpec; the child runs one node and
// serves a small control API over a unix socket in its data directory.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/signet-dev/signet/coordinator/internal/command"
	"github.com/signet-dev/signet/coordinator/internal/devca"
	"github.com/signet-dev/signet/coordinator/internal/state"
)

const childEnv = "SIGNET_TESTNODE"

type childSpec struct {
	ID        string `json:"id"`
	Dir       string `json:"dir"`
	CADir     string `json:"ca_dir"`
	RaftAddr  string `json:"raft_addr"`
	Bootstrap bool   `json:"bootstrap"`
	// Advertise and Source route raft traffic through the partition
	// tests' proxies (partition_test.go).
	Advertise string `json:"advertise,omitempty"`
	Source    string `json:"source,omitempty"`
}

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		os.Exit(childMain(spec))
	}
	os.Exit(m.Run())
}

func childMain(specJSON string) int {
	var spec childSpec
	if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
		fmt.Fprintln(os.Stderr, "testnode: bad spec:", err)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ca, err := devca.Open(spec.CADir, devca.Options{})
	if err != nil {
		logger.Error("testnode: CA", "error", err)
		return 2
	}
	pair, err := ca.EnsureNode(spec.ID)
	if err != nil {
		logger.Error("testnode: node certificate", "error", err)
		return 2
	}
	n, err := Open(context.Background(), Config{
		NodeID: spec.ID, DataDir: spec.Dir, RaftAddr: spec.RaftAddr, TLS: ca.NodeTLS(pair),
		Bootstrap: spec.Bootstrap, Logger: logger, ExpireInterval: 300 * time.Millisecond,
		AdvertiseAddr: spec.Advertise, DialSource: spec.Source,
		SnapshotThreshold: 64, TrailingLogs: 32, SnapshotInterval: 500 * time.Millisecond,
		HeartbeatTimeout: 500 * time.Millisecond, ElectionTimeout: 500 * time.Millisecond,
		LeaderLeaseTimeout: 250 * time.Millisecond,
	})
	if err != nil {
		logger.Error("testnode: open", "error", err)
		return 2
	}
	sock := filepath.Join(spec.Dir, "ctl.sock")
	_ = os.Remove(sock)
	ln, err := net.Listen("unix", sock)
	if err != nil {
		logger.Error("testnode: control socket", "error", err)
		return 2
	}
	srv := &http.Server{Handler: controlMux(n), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
	if err := n.Close(ctx); err != nil {
		logger.Error("testnode: close", "error", err)
		return 1
	}
	return 0
}

// applyResult is the control API's answer to /apply.
type applyResult struct {
	OK        bool   `json:"ok"` // applied, and the state accepted it
	Refused   string `json:"refused,omitempty"`
	Err       string `json:"err,omitempty"`
	NotLeader bool   `json:"not_leader,omitempty"`
	LeaderID  string `json:"leader_id,omitempty"`
	Unknown   bool   `json:"unknown,omitempty"`
}

type nodeStatus struct {
	ID         string            `json:"id"`
	Addr       string            `json:"addr"`
	IsLeader   bool              `json:"is_leader"`
	LeaderID   string            `json:"leader_id"`
	LeaderAddr string            `json:"leader_addr"`
	Index      uint64            `json:"index"`
	Hash       string            `json:"hash"`
	Requests   map[string]string `json:"requests"`
}

func controlMux(n *Node) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /apply", func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(io.LimitReader(r.Body, command.MaxCommandSize))
		op, _, err := command.Decode(data)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		writeJSON(w, applyOnce(r.Context(), n, op))
	})
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, statusOf(n))
	})
	// /read is a linearizable read: a barrier on the leader (which a
	// deposed leader cannot pass), then the state.
	mux.HandleFunc("GET /read", func(w http.ResponseWriter, r *http.Request) {
		if err := n.Barrier(r.Context()); err != nil {
			answer(w, err)
			return
		}
		writeJSON(w, statusOf(n))
	})
	mux.HandleFunc("POST /barrier", func(w http.ResponseWriter, r *http.Request) {
		answer(w, n.Barrier(r.Context()))
	})
	mux.HandleFunc("POST /addvoter", func(w http.ResponseWriter, r *http.Request) {
		answer(w, n.AddVoter(r.Context(), r.FormValue("id"), r.FormValue("addr")))
	})
	mux.HandleFunc("POST /remove", func(w http.ResponseWriter, r *http.Request) {
		answer(w, n.RemoveServer(r.Context(), r.FormValue("id")))
	})
	mux.HandleFunc("GET /peers", func(w http.ResponseWriter, r *http.Request) {
		peers, err := n.Peers(r.Context())
		if err != nil {
			answer(w, err)
			return
		}
		writeJSON(w, peers)
	})
	mux.HandleFunc("POST /snapshot", func(w http.ResponseWriter, r *http.Request) {
		answer(w, snapshotTo(r.Context(), n, r.FormValue("path")))
	})
	mux.HandleFunc("POST /restore", func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(r.FormValue("path"))
		if err == nil {
			defer f.Close()
			err = n.Restore(r.Context(), f)
		}
		answer(w, err)
	})
	mux.HandleFunc("POST /load", func(w http.ResponseWriter, r *http.Request) {
		total, _ := strconv.Atoi(r.FormValue("n"))
		conc, _ := strconv.Atoi(r.FormValue("concurrency"))
		rate, err := load(r.Context(), n, r.FormValue("prefix"), total, conc, r.FormValue("op") == "refused")
		if err != nil {
			answer(w, err)
			return
		}
		writeJSON(w, rate)
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, n.Stats())
	})
	return mux
}

// load applies total CreateRequests from conc goroutines inside the
// leader's process and returns applies per second. With refused, it
// applies a RevokeKey of an unknown key instead, which raft replicates
// and syncs like any command but the state refuses at once: the cost of
// raft, fsync and TLS without the state's.
func load(ctx context.Context, n *Node, prefix string, total, conc int, refused bool) (float64, error) {
	var next atomic.Int64
	errs := make(chan error, conc)
	start := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1); i <= int64(total); i = next.Add(1) {
				var op state.Op = create(fmt.Sprintf("%s-%d", prefix, i), "slsa")
				if refused {
					op = &state.RevokeKey{Stamp: stamp("admin"), KeyID: "no-such-key", Reason: "load"}
				}
				resp, err := n.Apply(ctx, op)
				if err == nil && resp.Err != nil && !refused {
					err = resp.Err
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return 0, err
	}
	return float64(total) / time.Since(start).Seconds(), nil
}

func applyOnce(ctx context.Context, n *Node, op state.Op) applyResult {
	resp, err := n.Apply(ctx, op)
	var nl *NotLeaderError
	switch {
	case errors.As(err, &nl):
		return applyResult{NotLeader: true, LeaderID: nl.LeaderID, Unknown: errors.Is(err, ErrOutcomeUnknown), Err: err.Error()}
	case err != nil:
		return applyResult{Unknown: errors.Is(err, ErrOutcomeUnknown), Err: err.Error()}
	case resp.Err != nil:
		return applyResult{Refused: resp.Err.Error()}
	}
	return applyResult{OK: true}
}

func statusOf(n *Node) nodeStatus {
	id, addr := n.Leader()
	s := nodeStatus{ID: n.ID(), Addr: n.Addr(), IsLeader: n.IsLeader(), LeaderID: id, LeaderAddr: addr, Requests: map[string]string{}}
	n.FSM().Read(func(st *state.State, index uint64) {
		s.Index = index
		s.Hash, _ = st.Hash()
		for rid, r := range st.Requests {
			s.Requests[rid] = string(r.Phase)
		}
	})
	return s
}

func snapshotTo(ctx context.Context, n *Node, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = n.Snapshot(ctx, f)
	return errors.Join(err, f.Close())
}

func answer(w http.ResponseWriter, err error) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
