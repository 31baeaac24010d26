package intelligence

import (
	"fmt"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// Channel names one channel of fitness.Streams.
type Channel string

// Stream channels that can be turned into 1 Hz series.
const (
	ChannelPower     Channel = "power_watts"
	ChannelHeartRate Channel = "heart_rate"
	ChannelSpeed     Channel = "speed_mps"
	ChannelCadence   Channel = "cadence"
	ChannelAltitude  Channel = "altitude_meters"
	ChannelDistance  Channel = "distance_meters"
)

// GapPolicy says what a 1 Hz series does with recording gaps longer than
// MaxInterpolatedGapSeconds (auto-pause, signal loss).
type GapPolicy int

const (
	// GapsSkip drops long gaps: the series covers moving time only. Used for
	// normalized power, TSS and averages, so a café stop does not count.
	GapsSkip GapPolicy = iota
	// GapsZeroFill fills long gaps with zeros: the series covers elapsed
	// time. Used for best efforts, so a 20-minute window cannot join two
	// efforts separated by a stop.
	GapsZeroFill
)

// MaxInterpolatedGapSeconds is the longest gap bridged by linear
// interpolation when resampling to 1 Hz.
const MaxInterpolatedGapSeconds = 10

// StreamSeries returns one channel of s as a 1 Hz series. Samples are placed
// by TimeSeconds (or taken as 1 Hz when the time channel is absent); gaps up
// to MaxInterpolatedGapSeconds are interpolated, longer ones follow policy.
// Heart-rate zeros are dropouts and are interpolated over like gaps.
func StreamSeries(s *fitness.Streams, ch Channel, policy GapPolicy) ([]float64, error) {
	if s == nil {
		return nil, inputErr("streams", "must not be nil")
	}
	n, value := channelAccessor(s, ch)
	if value == nil {
		return nil, inputErr("channel", "%q is not a stream channel", string(ch))
	}
	if n == 0 {
		return nil, insufficient(string(ch)+" stream", "the activity has no "+string(ch)+" samples")
	}
	var times []int32
	if len(s.TimeSeconds) == n {
		times = s.TimeSeconds
	}
	out := resample1Hz(times, n, value, MaxInterpolatedGapSeconds, policy)
	if len(out) == 0 {
		return nil, insufficient(string(ch)+" stream", "the "+string(ch)+" stream has no valid samples")
	}
	return out, nil
}

func channelAccessor(s *fitness.Streams, ch Channel) (int, func(int) (float64, bool)) {
	switch ch {
	case ChannelPower:
		p := s.PowerWatts
		return len(p), func(i int) (float64, bool) { return float64(p[i]), p[i] >= 0 }
	case ChannelHeartRate:
		h := s.HeartRate
		return len(h), func(i int) (float64, bool) { return float64(h[i]), h[i] > 0 }
	case ChannelSpeed:
		v := s.SpeedMPS
		return len(v), func(i int) (float64, bool) { return float64(v[i]), v[i] >= 0 }
	case ChannelCadence:
		c := s.Cadence
		return len(c), func(i int) (float64, bool) { return float64(c[i]), c[i] >= 0 }
	case ChannelAltitude:
		a := s.AltitudeMeters
		return len(a), func(i int) (float64, bool) { return float64(a[i]), true }
	case ChannelDistance:
		d := s.DistanceMeters
		return len(d), func(i int) (float64, bool) { return float64(d[i]), d[i] >= 0 }
	}
	return 0, nil
}

// resample1Hz places valid samples on a 1-second grid. times may be nil
// (samples are then 1 s apart).
func resample1Hz(times []int32, n int, value func(int) (float64, bool), maxGap int, policy GapPolicy) []float64 {
	out := make([]float64, 0, n)
	have := false
	var tPrev int64
	var vPrev float64
	for i := range n {
		v, ok := value(i)
		if !ok || !finite(v) {
			continue
		}
		t := int64(i)
		if times != nil {
			t = int64(times[i])
		}
		if !have {
			out = append(out, v)
			tPrev, vPrev, have = t, v, true
			continue
		}
		dt := t - tPrev
		switch {
		case dt <= 0:
			continue // duplicate or out-of-order timestamp
		case dt == 1:
			out = append(out, v)
		case dt <= int64(maxGap):
			for k := int64(1); k <= dt; k++ {
				out = append(out, vPrev+(v-vPrev)*float64(k)/float64(dt))
			}
		default:
			if policy == GapsZeroFill {
				for k := int64(1); k < dt; k++ {
					out = append(out, 0)
				}
			}
			out = append(out, v)
		}
		tPrev, vPrev = t, v
	}
	return out
}

// mean of a series.
func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// sumSeries validates a series like checkSeries and returns its sum, in one
// branch-light pass with four accumulators. A NaN or infinity makes the
// sum non-finite and a negative sample shows in the minimum; either sends
// the series to checkSeries for a message naming the first bad sample.
func sumSeries(field string, xs []float64) (float64, error) {
	if len(xs) == 0 {
		return 0, inputErr(field, "must not be empty")
	}
	var s0, s1, s2, s3 float64
	m0, m1, m2, m3 := xs[0], xs[0], xs[0], xs[0]
	i := 0
	for ; i+4 <= len(xs); i += 4 {
		a, b, c, d := xs[i], xs[i+1], xs[i+2], xs[i+3]
		s0 += a
		s1 += b
		s2 += c
		s3 += d
		if a < m0 {
			m0 = a
		}
		if b < m1 {
			m1 = b
		}
		if c < m2 {
			m2 = c
		}
		if d < m3 {
			m3 = d
		}
	}
	for ; i < len(xs); i++ {
		s0 += xs[i]
		if xs[i] < m0 {
			m0 = xs[i]
		}
	}
	sum := (s0 + s1) + (s2 + s3)
	if !finite(sum) || m0 < 0 || m1 < 0 || m2 < 0 || m3 < 0 {
		if err := checkSeries(field, xs); err != nil {
			return 0, err
		}
		return 0, inputErr(field, "values are too large to sum")
	}
	return sum, nil
}

// checkSeries validates a 1 Hz series: non-empty and every value finite and
// ≥ 0.
func checkSeries(field string, xs []float64) error {
	if len(xs) == 0 {
		return inputErr(field, "must not be empty")
	}
	for i, x := range xs {
		if !finite(x) || x < 0 {
			return inputErr(fmt.Sprintf("%s[%d]", field, i), "must be a finite, non-negative number, got %s", num(x))
		}
	}
	return nil
}
