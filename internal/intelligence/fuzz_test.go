package intelligence

import (
	"errors"
	"math"
	"testing"
)

// The lane-split NP always equals the textbook loop.
func FuzzNormalizedPower(f *testing.F) {
	f.Add([]byte{50, 75, 100})
	f.Add(make([]byte, 97))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		p := make([]float64, len(b))
		for i, x := range b {
			p[i] = float64(x) * 4
		}
		r, err := NormalizedPower(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(p) >= NPWindowSeconds {
			if want := naiveNP(p); math.Abs(r.NormalizedPowerWatts-want) > 1e-9*math.Max(1, want) {
				t.Fatalf("NP %v, naive %v", r.NormalizedPowerWatts, want)
			}
		} else if r.Method != MethodAveragePowerNP {
			t.Fatal(r.Method)
		}
	})
}

// Any environment value yields defaults, a valid selection or an
// *AlgorithmError naming the variable.
func FuzzAlgorithmsFromEnv(f *testing.F) {
	f.Add("hybrid")
	f.Add("NEURAL")
	f.Fuzz(func(t *testing.T, v string) {
		a, err := AlgorithmsFromEnv(func(k string) (string, bool) {
			if k == "PIERRE_TSS_ALGORITHM" || k == "PIERRE_RECOVERY_ALGORITHM" {
				return v, true
			}
			return "", false
		})
		if err != nil {
			var ae *AlgorithmError
			if !errors.As(err, &ae) || ae.Variable == "" || len(ae.Allowed) == 0 {
				t.Fatalf("%v", err)
			}
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatal(err)
		}
	})
}

// Longer distances never take less time, and nothing is faster than the
// fastest sample-to-sample speed.
func FuzzFastestDistanceEfforts(f *testing.F) {
	f.Add([]byte{4, 5, 3, 4, 4, 6, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 2 {
			return
		}
		tm := make([]float64, len(b)+1)
		d := make([]float64, len(b)+1)
		vmax := 0.0
		for i, x := range b {
			step := float64(x%8) * 100 // metres per second-long sample
			tm[i+1], d[i+1] = float64(i+1), d[i]+step
			vmax = math.Max(vmax, step)
		}
		r, err := FastestDistanceEfforts(tm, d, []float64{100, 400, 1000, 5000})
		if err != nil {
			t.Fatal(err)
		}
		for i, x := range r {
			if x.TimeSeconds < x.DistanceMeters/vmax-1e-9 {
				t.Fatalf("%v m in %v s faster than %v m/s", x.DistanceMeters, x.TimeSeconds, vmax)
			}
			if i > 0 && x.TimeSeconds < r[i-1].TimeSeconds-1e-9 {
				t.Fatalf("%+v faster than %+v", x, r[i-1])
			}
		}
	})
}
