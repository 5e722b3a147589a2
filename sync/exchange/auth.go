package exchange

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"lantu/sync/wire"
)

// ErrRole is wrapped by errors about a role or district given to a token.
var ErrRole = errors.New("exchange: invalid role")

// NewToken makes a random bearer token and returns it with the hash the
// store keeps (the token itself is never stored).
func NewToken() (token, hash string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", fmt.Errorf("exchange: token: %w", err)
	}
	token = "lantu_" + base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token), nil
}

// HashToken is the stored form of a token: hex SHA-256. A token is 256
// random bits, so its hash needs no salt or slow KDF, and the store finds
// a principal by the hash's unique index: what a request's timing can
// tell is about the hash of what it sent, never about a stored token's
// bytes, so no byte-wise comparison of secrets happens anywhere.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// AddToken checks a principal, makes a token for it and stores its hash.
func AddToken(ctx context.Context, s Store, p Principal) (string, error) {
	if err := checkPrincipal(p); err != nil {
		return "", err
	}
	token, hash, err := NewToken()
	if err != nil {
		return "", err
	}
	if _, err := s.AddToken(ctx, p, hash); err != nil {
		return "", err
	}
	return token, nil
}

func checkPrincipal(p Principal) error {
	switch {
	case strings.TrimSpace(p.Name) == "":
		return fmt.Errorf("%w: a token needs a name", ErrRole)
	case p.Role != RoleAdmin && p.Role != RoleBureau && p.Role != RoleDistrict && p.Role != RoleReader:
		return fmt.Errorf("%w: %q (want admin, bureau, district or reader)", ErrRole, p.Role)
	case p.Role == RoleDistrict && p.District == "":
		return fmt.Errorf("%w: a district token needs --district CODE", ErrRole)
	case p.Role != RoleDistrict && p.District != "":
		return fmt.Errorf("%w: --district is only for the district role", ErrRole)
	}
	return nil
}

type principalKey struct{}

// anonymous is the principal of a request without a token (--public-read).
var anonymous = Principal{Name: "anonymous", Role: RoleReader}

func principalOf(ctx context.Context) Principal {
	p, ok := ctx.Value(principalKey{}).(Principal)
	if !ok {
		return anonymous
	}
	return p
}

// authenticate resolves the bearer token, then applies the rate limit.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, prob := s.principal(r)
		if prob != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="lantu-exchange"`)
			writeProblem(w, r, prob)
			return
		}
		key := fmt.Sprintf("token:%d", p.ID)
		if p.ID == 0 {
			key = "ip:" + remoteHost(r)
		}
		lim, kind := s.writes, "writes"
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			lim, kind = s.reads, "reads"
		}
		if wait := lim.take(key); wait > 0 {
			w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds()+0.999)))
			writeProblem(w, r, problemf(http.StatusTooManyRequests, wire.ProblemRateLimited,
				"more than %g %s a second for %s: retry in %v", lim.rate, kind, p.Name, wait.Round(time.Millisecond)))
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

func (s *Server) principal(r *http.Request) (Principal, *wire.Problem) {
	h := r.Header.Get("Authorization")
	if h == "" {
		if s.opt.PublicRead {
			return anonymous, nil
		}
		return Principal{}, problemf(http.StatusUnauthorized, wire.ProblemUnauthorized, "no bearer token (Authorization: Bearer TOKEN)")
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return Principal{}, problemf(http.StatusUnauthorized, wire.ProblemUnauthorized, "Authorization is not \"Bearer TOKEN\"")
	}
	p, err := s.store.Principal(r.Context(), HashToken(strings.TrimSpace(token)))
	if errors.Is(err, ErrNotFound) {
		return Principal{}, problemf(http.StatusUnauthorized, wire.ProblemUnauthorized, "unknown bearer token")
	}
	if err != nil {
		return Principal{}, problemf(http.StatusServiceUnavailable, wire.ProblemUnavailable, "token lookup failed: %v", err)
	}
	return p, nil
}

func remoteHost(r *http.Request) string {
	h, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return h
}

// writeDenial says why a principal may not write a collection, "" if it
// may (district geometry is checked separately).
func writeDenial(p Principal, c Collection) string {
	switch p.Role {
	case RoleAdmin:
		return ""
	case RoleBureau:
		if c.Role == RoleReview {
			return ""
		}
		return fmt.Sprintf("role bureau writes only review collections (role %q), not %s (role %q)", RoleReview, c.ID, c.Role)
	case RoleDistrict:
		if c.Source == "local" {
			return ""
		}
		return fmt.Sprintf("district %s writes only local layers (proposals, annotations), not %s (source %q)", p.District, c.ID, c.Source)
	}
	if p.ID == 0 {
		return "anonymous requests only read"
	}
	return fmt.Sprintf("role %s only reads", p.Role)
}

// limiter is a token bucket per key. Safe for concurrent use.
type limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second; <= 0: no limit
	burst   float64
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(rate float64, burst int) *limiter {
	if burst <= 0 {
		burst = max(1, int(2*rate))
	}
	return &limiter{rate: rate, burst: float64(burst), buckets: map[string]*bucket{}, now: time.Now}
}

// take spends one token of key; it returns 0, or how long until one is there.
func (l *limiter) take(key string) time.Duration {
	if l.rate <= 0 {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) > 100000 {
			clear(l.buckets)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}
