package signeragent

import (
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/signet-dev/signet/keystore"
	"github.com/signet-dev/signet/keystore/vault"
)

// Metrics are the agent's Prometheus metrics, in their own registry.
type Metrics struct {
	reg          *prometheus.Registry
	seen         *prometheus.CounterVec
	signed       *prometheus.CounterVec
	rejected     *prometheus.CounterVec
	signErrors   *prometheus.CounterVec
	coordErrors  prometheus.Counter
	pending      prometheus.Gauge
	lastPoll     prometheus.Gauge
	keys         *prometheus.GaugeVec
	signDuration prometheus.Histogram
}

// NewMetrics returns the agent's metrics (names start with signet_agent_).
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		seen: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signet_agent_requests_seen_total",
			Help: "Requests the agent looked at, per key, by kind."}, []string{"kind"}),
		signed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signet_agent_signatures_total",
			Help: "Signatures made and submitted (not counting resubmissions from the journal), by kind."}, []string{"kind"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signet_agent_rejections_total",
			Help: "Requests rejected, by who decided: policy, person or invalid (a payload that does not decode)."}, []string{"by"}),
		signErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signet_agent_sign_errors_total",
			Help: "Failed attempts to sign or open a key, by class (wrong_pin, pin_locked, pin_required, key_not_found, unavailable, permission_denied, other)."}, []string{"class"}),
		coordErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "signet_agent_coordinator_errors_total",
			Help: "Failed calls to the coordinator (retried with backoff)."}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{Name: "signet_agent_pending_approvals",
			Help: "Requests waiting for a person (signet agent pending)."}),
		lastPoll: prometheus.NewGauge(prometheus.GaugeOpts{Name: "signet_agent_last_poll_timestamp_seconds",
			Help: "When the agent last heard from the coordinator (Unix time)."}),
		keys: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "signet_agent_keys",
			Help: "The agent's keys by state: ready, or unavailable (failed to open)."}, []string{"state"}),
		signDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "signet_agent_sign_seconds",
			Help:    "Time to sign one request with the key store (both signatures of a layout or link).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)}),
	}
	m.reg.MustRegister(m.seen, m.signed, m.rejected, m.signErrors, m.coordErrors, m.pending, m.lastPoll, m.keys, m.signDuration)
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// KeysState records how many keys are ready and how many failed to open.
func (m *Metrics) KeysState(ready, unavailable int) {
	m.keys.WithLabelValues("ready").Set(float64(ready))
	m.keys.WithLabelValues("unavailable").Set(float64(unavailable))
}

// KeyError counts a key that failed to open or sign.
func (m *Metrics) KeyError(err error) { m.signErrors.WithLabelValues(ErrorClass(err)).Inc() }

func (m *Metrics) observeSign(d time.Duration) { m.signDuration.Observe(d.Seconds()) }

// ErrorClass names the kind of a key store error, for metrics and logs.
func ErrorClass(err error) string {
	for _, c := range []struct {
		err   error
		class string
	}{
		{keystore.ErrPINLocked, "pin_locked"},
		{keystore.ErrWrongPIN, "wrong_pin"},
		{keystore.ErrPINRequired, "pin_required"},
		{keystore.ErrWrongPassphrase, "wrong_passphrase"},
		{keystore.ErrPassphraseRequired, "passphrase_required"},
		{keystore.ErrKeyNotFound, "key_not_found"},
		{keystore.ErrUnavailable, "unavailable"},
		{vault.ErrPermissionDenied, "permission_denied"},
	} {
		if errors.Is(err, c.err) {
			return c.class
		}
	}
	return "other"
}

// advice says what a person should do about a key error.
func advice(err error) string {
	switch ErrorClass(err) {
	case "wrong_pin":
		return "fix the PIN in the key's pin-source file; the agent does not try a PIN again by itself (each try counts against the token)"
	case "pin_locked":
		return "the token's PIN is locked: unblock it with the security officer PIN, then restart the agent"
	case "pin_required", "passphrase_required":
		return "give the secret with a pin-source or passphrase-source file in the key URI"
	case "key_not_found":
		return "check the token, object and id in the key URI (signet key public URI lists what is there)"
	case "permission_denied":
		return "Vault refused the agent's token: give it a policy with update on transit/sign/KEY; the agent retries with backoff"
	case "unavailable":
		return "the key store did not answer (device removed, Vault unreachable or denied): the agent retries with backoff"
	}
	return "see the error; the agent retries with backoff"
}
