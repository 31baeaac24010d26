package vendorhttp

import (
	"context"
	"math"
	"sync"
	"time"
)

// Unit conversions used by the vendor mappings.
const (
	MetersPerKilometer = 1000.0
	MetersPerMile      = 1609.344
	MetersPerFoot      = 0.3048
	KgPerPound         = 0.45359237
	KcalPerKilojoule   = 1 / 4.184
)

// Finite reports whether v is neither NaN nor ±Inf.
func Finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Opt returns &v when v is finite and positive, else nil ("not recorded").
// Vendors send 0 for missing measurements far more often than a true zero.
func Opt(v float64) *float64 {
	if !Finite(v) || v <= 0 {
		return nil
	}
	return &v
}

// OptPtr returns a copy of *p through Opt, or nil.
func OptPtr(p *float64) *float64 {
	if p == nil {
		return nil
	}
	return Opt(*p)
}

// OptAny returns a copy of *p when it is finite (zero and negatives kept),
// or nil. For values whose zero is meaningful (temperature deviation).
func OptAny(p *float64) *float64 {
	if p == nil || !Finite(*p) {
		return nil
	}
	v := *p
	return &v
}

// OptInt returns &v when v > 0, else nil.
func OptInt(v int) *int {
	if v <= 0 {
		return nil
	}
	return &v
}

// OptIntAny returns a copy of *p (zero kept), or nil.
func OptIntAny(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// Seconds converts a float second count to int, clamping NaN/negatives to 0.
func Seconds(v float64) int {
	if !Finite(v) || v <= 0 {
		return 0
	}
	if v > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(math.Round(v))
}

// MillisToSeconds converts milliseconds to whole seconds (rounded).
func MillisToSeconds(ms int64) int {
	if ms <= 0 {
		return 0
	}
	return Seconds(float64(ms) / 1000)
}

// Clamp16 converts v to int16, clamping to [0, MaxInt16] and NaN to 0.
func Clamp16(v float64) int16 {
	if !Finite(v) || v <= 0 {
		return 0
	}
	if v >= math.MaxInt16 {
		return math.MaxInt16
	}
	return int16(math.Round(v))
}

// F32 converts v to float32, NaN/Inf to 0.
func F32(v float64) float32 {
	if !Finite(v) || v > math.MaxFloat32 || v < -math.MaxFloat32 {
		return 0
	}
	return float32(v)
}

// Epoch converts Unix seconds to a UTC time; 0 or negative gives zero time.
func Epoch(sec int64) time.Time {
	if sec <= 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

// ValidLatLng reports whether lat/lng are plausible degrees and not the
// (0,0) placeholder some vendors send for "no GPS".
func ValidLatLng(lat, lng float64) bool {
	return Finite(lat) && Finite(lng) && lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180 &&
		!(lat == 0 && lng == 0)
}

// Recorder is a Sleeper for tests: it records the requested waits and
// returns immediately (or with ctx.Err() when ctx is done).
type Recorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

// Sleep records d.
func (r *Recorder) Sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return ctx.Err()
}

// Waits returns the recorded waits.
func (r *Recorder) Waits() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}
