package connect

import (
	"net"
	"net/http"
	"time"

	"github.com/kios-h2h/kios/internal/store"
)

// maxIdlePerHost caps a supplier's pool of idle connections: one per request in flight up to it.
// Beyond it a burst opens connections that close again once idle, which is cheaper than keeping
// thousands of sockets open to a supplier that never needs them all at once.
const maxIdlePerHost = 1024

// Transport is one supplier's connection pool. Every connector of a supplier gets its own, so a
// slow supplier's connections never queue behind another's, and the pool is sized by the
// supplier's max_inflight: Go's default keeps 2 idle connections per host, which at hundreds of
// requests in flight means a new TCP (and TLS) handshake for almost every request and sockets
// piling up in TIME_WAIT. HTTP/2 is used where the upstream offers it over TLS (requests then
// share a few connections).
func Transport(s store.Supplier) *http.Transport {
	idle := s.MaxInflight
	if idle <= 0 {
		idle = store.DefaultMaxInflight
	}
	idle = min(idle, maxIdlePerHost)
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          idle,
		MaxIdleConnsPerHost:   idle,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}
