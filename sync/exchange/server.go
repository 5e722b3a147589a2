// Package exchange is the city exchange platform's server: OGC API -
// Features Part 1 (read), Part 2 (CRS) and Part 4 (create, replace, update,
// delete with ETag and If-Match) over the published layers, a compacted
// change feed per collection, a snapshot per collection for first syncs
// (a GeoJSON text sequence at one feed cursor, served with Range and a
// SHA-256; see package wire), a batch push with idempotency keys, bearer
// tokens with roles, and an audit log of every write. Storage is behind the
// Store interface: SQLite (one file) or PostgreSQL with PostGIS.
//
// Roles: admin writes everything and publishes; bureau reads everything
// and writes the review collections (catalog role "review", such as the
// built-in lantu_reviews); district:<code> reads everything and writes the
// catalog's source = "local" layers (proposals, annotations), only features
// whose geometry lies inside its district's XZ_QXXZQ polygon; reader only
// reads. Without a token a request is refused (401) unless the server was
// started with PublicRead.
//
// Axis order: the OGC API endpoints follow Part 2 (EPSG:4490 latitude
// first, EPSG:4550 northing first; CRS84 longitude first); /changes and
// /sync/push always send and take x=east, y=north (see package wire).
//
// Server, Store (SQLite, Postgres) and the district and rate-limit state
// are safe for concurrent use; Tx is not. The other exported types
// (Collection, Record, the queries, pages and entries, Options, Config)
// are plain values: safe to share for reading, not for concurrent writes.
package exchange

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"lantu/sync/wire"
)

// Options configure a Server. The zero value is usable.
type Options struct {
	PublicRead bool  // serve reads without a token
	MaxBody    int64 // request body limit in bytes; 0: 32 MiB
	// Rate limits writes (POST, PUT, PATCH, DELETE) per token, or per
	// address without one, in requests a second: 0 means 100, < 0 none.
	// ReadRate limits reads (GET, HEAD) the same way: 0 means 2000, enough
	// for GDAL 3.6, which pages 10 features a request. The bursts are the
	// bucket sizes: 0 means twice the rate.
	Rate, ReadRate   float64
	Burst, ReadBurst int
	Log              *log.Logger
	// SnapshotDir keeps the snapshot files (GET /collections/{id}/snapshot);
	// "": a new folder in the system's temporary folder. A snapshot is
	// served again while younger than SnapshotMaxAge (0: 10 minutes) or
	// while its collection has not changed since.
	SnapshotDir    string
	SnapshotMaxAge time.Duration
}

// Server serves the exchange over a Store. It is safe for concurrent use.
type Server struct {
	store     Store
	opt       Options
	crs       *crsSet
	writes    *limiter
	reads     *limiter
	districts *districtCache
	snaps     *snapshots
	mux       *http.ServeMux
}

// NewServer makes a server over s.
func NewServer(s Store, opt Options) *Server {
	if opt.MaxBody <= 0 {
		opt.MaxBody = 32 << 20
	}
	if opt.Rate == 0 {
		opt.Rate = 100
	}
	if opt.ReadRate == 0 {
		opt.ReadRate = 2000
	}
	if opt.Log == nil {
		opt.Log = log.New(discard{}, "", 0)
	}
	srv := &Server{store: s, opt: opt, crs: newCRSSet(), writes: newLimiter(opt.Rate, opt.Burst), reads: newLimiter(opt.ReadRate, opt.ReadBurst)}
	if opt.SnapshotMaxAge == 0 {
		opt.SnapshotMaxAge = 10 * time.Minute
	}
	srv.districts = newDistrictCache(s)
	srv.snaps = newSnapshots(opt.SnapshotDir, opt.SnapshotMaxAge)
	srv.routes()
	return srv
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// methods dispatches by method and answers others with 405 and a problem.
type methods map[string]http.HandlerFunc

func (m methods) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := m[r.Method]
	if h == nil && r.Method == http.MethodHead {
		h = m[http.MethodGet]
	}
	if h == nil {
		var allow []string
		for k := range m {
			allow = append(allow, k)
		}
		slices.Sort(allow)
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeProblem(w, r, problemf(http.StatusMethodNotAllowed, wire.ProblemMethod, "%s is not allowed on %s", r.Method, r.URL.Path))
		return
	}
	h(w, r)
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.Handle("/{$}", methods{"GET": s.landing})
	m.Handle("/conformance", methods{"GET": s.conformance})
	m.Handle("/api", methods{"GET": s.openAPI})
	m.Handle("/collections", methods{"GET": s.collections})
	m.Handle("/collections/{id}", methods{"GET": s.collection})
	m.Handle("/collections/{id}/items", methods{"GET": s.items, "POST": s.createItem})
	m.Handle("/collections/{id}/items/{fid}", methods{"GET": s.item, "PUT": s.replaceItem, "PATCH": s.patchItem, "DELETE": s.deleteItem})
	m.Handle("/collections/{id}/changes", methods{"GET": s.changes})
	m.Handle("/collections/{id}/snapshot", methods{"GET": s.snapshot})
	m.Handle("/sync/push", methods{"POST": s.push})
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, problemf(http.StatusNotFound, wire.ProblemNotFound, "no resource at %s", r.URL.Path))
	})
	s.mux = m
}

// ServeHTTP serves one request: panics become 500 problems, bodies are
// limited, the token is checked and the rate limit applied.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.opt.Log.Printf("panic serving %s %s: %v\n%s", r.Method, r.URL, v, debug.Stack())
			writeProblem(w, r, problemf(http.StatusInternalServerError, wire.ProblemInternal, "internal error serving %s", r.URL.Path))
		}
	}()
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, s.opt.MaxBody)
	}
	s.authenticate(s.mux).ServeHTTP(w, r)
}

// Config is what Run needs to serve.
type Config struct {
	Listen            string // host:port
	TLSCert, TLSKey   string // both or neither
	ShutdownTimeout   time.Duration
	Ready             func(addr net.Addr) // called once listening
	ReadHeaderTimeout time.Duration
}

// Run serves h until ctx is done, then shuts down gracefully: it stops
// accepting, lets in-flight requests finish (up to ShutdownTimeout,
// default 30 s) and returns.
func Run(ctx context.Context, h http.Handler, cfg Config) error {
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return errors.New("exchange: --tls-cert and --tls-key go together")
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("exchange: listen %s: %w", cfg.Listen, err)
	}
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			ln.Close()
			return fmt.Errorf("exchange: TLS: %w", err)
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	}
	if cfg.ReadHeaderTimeout == 0 {
		cfg.ReadHeaderTimeout = 10 * time.Second
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: cfg.ReadHeaderTimeout}
	if cfg.Ready != nil {
		cfg.Ready(ln.Addr())
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 30 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	err = hs.Shutdown(sctx)
	<-done
	return err
}
