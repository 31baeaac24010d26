package intelligence

import (
	"fmt"
	"math"
)

// PowerEffort is a maximal mean power over a duration.
type PowerEffort struct {
	DurationSeconds float64 `json:"duration_seconds"`
	PowerWatts      float64 `json:"power_watts"`
}

// FTPInput holds whatever is available to estimate FTP. Zero fields are
// absent. Best efforts usually come from BestPowerEfforts over recent rides.
type FTPInput struct {
	Best20MinWatts float64 `json:"best_20min_watts,omitempty"`
	Best8MinWatts  float64 `json:"best_8min_watts,omitempty"`
	Best60MinWatts float64 `json:"best_60min_watts,omitempty"`
	// RampBest1MinWatts is the best 1-minute power of a ramp test to
	// exhaustion (not of an ordinary ride).
	RampBest1MinWatts float64 `json:"ramp_best_1min_watts,omitempty"`
	// Efforts are maximal efforts for the critical-power model (two or
	// more between 2 and 20 minutes).
	Efforts       []PowerEffort `json:"efforts,omitempty"`
	VO2maxMlKgMin float64       `json:"vo2max_ml_kg_min,omitempty"`
	WeightKg      float64       `json:"weight_kg,omitempty"`
}

// FTPEstimate is an estimated functional threshold power.
type FTPEstimate struct {
	FTPWatts float64 `json:"ftp_watts"`
	// Method is the estimator used (under hybrid, the one picked).
	Method          FTPAlgorithm       `json:"method"`
	WattsPerKg      float64            `json:"watts_per_kg,omitempty"`
	WPrimeJoules    float64            `json:"w_prime_joules,omitempty"` // critical_power only
	Interpretation  string             `json:"interpretation"`
	Note            string             `json:"note,omitempty"`
	CandidatesWatts map[string]float64 `json:"candidates_watts,omitempty"` // hybrid only
}

// EstimateFTP estimates FTP with the selected method (see the catalog).
func EstimateFTP(algo FTPAlgorithm, in FTPInput) (FTPEstimate, error) {
	for _, f := range []struct {
		name string
		v    float64
	}{{"best_20min_watts", in.Best20MinWatts}, {"best_8min_watts", in.Best8MinWatts}, {"best_60min_watts", in.Best60MinWatts}, {"ramp_best_1min_watts", in.RampBest1MinWatts}, {"weight_kg", in.WeightKg}, {"vo2max_ml_kg_min", in.VO2maxMlKgMin}} {
		if err := checkNonNegative(f.name, f.v); err != nil {
			return FTPEstimate{}, err
		}
	}
	need := func(what string) error { return insufficient("FTP ("+string(algo)+")", what) }
	var e FTPEstimate
	switch algo {
	case FTP20MinTest:
		if in.Best20MinWatts == 0 {
			return e, need("a best 20-minute power")
		}
		e = FTPEstimate{FTPWatts: 0.95 * in.Best20MinWatts, Method: algo}
	case FTP8MinTest:
		if in.Best8MinWatts == 0 {
			return e, need("a best 8-minute power")
		}
		e = FTPEstimate{FTPWatts: 0.90 * in.Best8MinWatts, Method: algo}
	case FTPRampTest:
		if in.RampBest1MinWatts == 0 {
			return e, need("the best 1-minute power of a ramp test")
		}
		e = FTPEstimate{FTPWatts: 0.75 * in.RampBest1MinWatts, Method: algo}
	case FTP60MinPower:
		if in.Best60MinWatts == 0 {
			return e, need("a best 60-minute power")
		}
		e = FTPEstimate{FTPWatts: in.Best60MinWatts, Method: algo}
	case FTPCriticalPower:
		cp, wp, err := CriticalPower(in.Efforts)
		if err != nil {
			return e, err
		}
		e = FTPEstimate{FTPWatts: cp, Method: algo, WPrimeJoules: wp,
			Note: "FTP taken as critical power; CP usually sits a few percent above the one-hour power"}
	case FTPFromVO2max:
		if in.VO2maxMlKgMin == 0 || in.WeightKg == 0 {
			return e, need("VO2max and body mass")
		}
		if err := checkRange("vo2max_ml_kg_min", in.VO2maxMlKgMin, 15, 95, "ml/kg/min"); err != nil {
			return e, err
		}
		w := (0.80*in.VO2maxMlKgMin - 7) * in.WeightKg / 10.8
		if w <= 0 {
			return e, inputErr("vo2max_ml_kg_min", "is too low to estimate cycling power")
		}
		e = FTPEstimate{FTPWatts: w, Method: algo,
			Note: "population estimate from VO2max (±15 %); a 20-minute test is far more accurate"}
	case FTPHybrid:
		cands := map[string]float64{}
		if in.Best60MinWatts > 0 {
			cands[string(FTP60MinPower)] = in.Best60MinWatts
		}
		if in.Best20MinWatts > 0 {
			cands[string(FTP20MinTest)] = 0.95 * in.Best20MinWatts
		}
		if in.Best8MinWatts > 0 {
			cands[string(FTP8MinTest)] = 0.90 * in.Best8MinWatts
		}
		if len(cands) > 0 {
			best, bestName := 0.0, ""
			for _, n := range []string{string(FTP60MinPower), string(FTP20MinTest), string(FTP8MinTest)} {
				if v, ok := cands[n]; ok && v > best {
					best, bestName = v, n
				}
			}
			e = FTPEstimate{FTPWatts: best, Method: FTPAlgorithm(bestName), CandidatesWatts: cands,
				Note: "highest of the estimates from best efforts; efforts that were not all-out tests underestimate FTP"}
			break
		}
		if len(in.Efforts) >= 2 {
			r, err := EstimateFTP(FTPCriticalPower, in)
			if err == nil || !isInsufficient(err) {
				return r, err
			}
		}
		if in.RampBest1MinWatts > 0 {
			return EstimateFTP(FTPRampTest, in)
		}
		if in.VO2maxMlKgMin > 0 && in.WeightKg > 0 {
			return EstimateFTP(FTPFromVO2max, in)
		}
		return e, need("power data (best 8/20/60-minute efforts), a ramp test, or VO2max with body mass")
	default:
		return e, inputErr("algorithm", "%q is not an FTP algorithm", string(algo))
	}
	if in.WeightKg > 0 {
		e.WattsPerKg = e.FTPWatts / in.WeightKg
		e.Interpretation = fmt.Sprintf("FTP ≈ %.0f W (%.2f W/kg, %s)", e.FTPWatts, e.WattsPerKg, string(e.Method))
	} else {
		e.Interpretation = fmt.Sprintf("FTP ≈ %.0f W (%s)", e.FTPWatts, string(e.Method))
	}
	return e, nil
}

// CriticalPower fits the two-parameter model W = CP·t + W′ by least squares
// to maximal efforts of 2–20 minutes (Monod & Scherrer 1965). It returns CP
// in watts and W′ in joules.
func CriticalPower(efforts []PowerEffort) (cpWatts, wPrimeJoules float64, err error) {
	var pts [][2]float64
	for i, e := range efforts {
		if err := checkPositive(fmt.Sprintf("efforts[%d].power_watts", i), e.PowerWatts); err != nil {
			return 0, 0, err
		}
		if err := checkRange(fmt.Sprintf("efforts[%d].duration_seconds", i), e.DurationSeconds, 120, 1200, "s"); err != nil {
			return 0, 0, err
		}
		pts = append(pts, [2]float64{e.DurationSeconds, e.PowerWatts * e.DurationSeconds})
	}
	if len(pts) < 2 {
		return 0, 0, insufficient("critical power", "at least two maximal efforts between 2 and 20 minutes")
	}
	var sx, sy, sxx, sxy float64
	n := float64(len(pts))
	for _, p := range pts {
		sx += p[0]
		sy += p[1]
		sxx += p[0] * p[0]
		sxy += p[0] * p[1]
	}
	den := n*sxx - sx*sx
	if math.Abs(den) < 1e-9 {
		return 0, 0, insufficient("critical power", "efforts of at least two different durations")
	}
	cp := (n*sxy - sx*sy) / den
	wp := (sy - cp*sx) / n
	if cp <= 0 || wp <= 0 {
		return 0, 0, inputErr("efforts", "do not fit the critical-power model (shorter efforts must have higher power)")
	}
	return cp, wp, nil
}

// LTHRInput holds whatever is available to estimate LTHR. Zero fields are
// absent.
type LTHRInput struct {
	MaxHeartRateBPM float64 `json:"max_heart_rate_bpm,omitempty"`
	// ThirtyMinTestHeartRate is the 1 Hz heart rate of a 30-minute solo
	// time trial (at least 25 minutes of samples).
	ThirtyMinTestHeartRate []float64 `json:"thirty_min_test_heart_rate_bpm,omitempty"`
	RaceAverageHeartRate   float64   `json:"race_average_heart_rate_bpm,omitempty"`
	RaceDurationSeconds    float64   `json:"race_duration_seconds,omitempty"`
	LabLTHRBPM             float64   `json:"lab_lthr_bpm,omitempty"`
}

// LTHREstimate is an estimated lactate-threshold heart rate.
type LTHREstimate struct {
	LTHRBPM        float64       `json:"lthr_bpm"`
	Method         LTHRAlgorithm `json:"method"`
	Interpretation string        `json:"interpretation"`
	Note           string        `json:"note,omitempty"`
}

// EstimateLTHR estimates LTHR with the selected method (see the catalog).
func EstimateLTHR(algo LTHRAlgorithm, in LTHRInput) (LTHREstimate, error) {
	need := func(what string) error { return insufficient("LTHR ("+string(algo)+")", what) }
	mk := func(v float64, m LTHRAlgorithm, note string) (LTHREstimate, error) {
		return LTHREstimate{LTHRBPM: v, Method: m, Note: note,
			Interpretation: fmt.Sprintf("LTHR ≈ %.0f bpm (%s)", v, string(m))}, nil
	}
	switch algo {
	case LTHRFromMaxHR:
		if in.MaxHeartRateBPM == 0 {
			return LTHREstimate{}, need("maximum heart rate")
		}
		if err := checkRange("max_heart_rate_bpm", in.MaxHeartRateBPM, 100, 230, "bpm"); err != nil {
			return LTHREstimate{}, err
		}
		return mk(0.88*in.MaxHeartRateBPM, algo, "rule of thumb (LT typically at 85–90 % of max HR); a 30-minute test is better")
	case LTHRFrom30Min:
		hr := in.ThirtyMinTestHeartRate
		if len(hr) == 0 {
			return LTHREstimate{}, need("the heart-rate stream of a 30-minute solo time trial")
		}
		if err := checkSeries("thirty_min_test_heart_rate_bpm", hr); err != nil {
			return LTHREstimate{}, err
		}
		if len(hr) < 25*60 {
			return LTHREstimate{}, inputErr("thirty_min_test_heart_rate_bpm", "must cover at least 25 minutes (1500 samples), got %d", len(hr))
		}
		// Friel: average of the last 20 minutes of the 30.
		last := hr[len(hr)-20*60:]
		var s float64
		var n int
		for _, h := range last {
			if h > 0 {
				s += h
				n++
			}
		}
		if n < 10*60 {
			return LTHREstimate{}, insufficient("LTHR (from_30min)", "heart-rate samples in the last 20 minutes of the test")
		}
		return mk(s/float64(n), algo, "")
	case LTHRFromRace:
		if in.RaceAverageHeartRate == 0 || in.RaceDurationSeconds == 0 {
			return LTHREstimate{}, need("a race's average heart rate and duration")
		}
		if err := checkRange("race_average_heart_rate_bpm", in.RaceAverageHeartRate, 80, 230, "bpm"); err != nil {
			return LTHREstimate{}, err
		}
		if err := checkRange("race_duration_seconds", in.RaceDurationSeconds, 40*60, 90*60, "s"); err != nil {
			return LTHREstimate{}, err
		}
		return mk(in.RaceAverageHeartRate, algo, "")
	case LTHRLabTest:
		if in.LabLTHRBPM == 0 {
			return LTHREstimate{}, need("a laboratory LTHR")
		}
		if err := checkRange("lab_lthr_bpm", in.LabLTHRBPM, 80, 230, "bpm"); err != nil {
			return LTHREstimate{}, err
		}
		return mk(in.LabLTHRBPM, algo, "")
	case LTHRHybrid:
		for _, a := range []LTHRAlgorithm{LTHRFrom30Min, LTHRFromRace, LTHRLabTest, LTHRFromMaxHR} {
			r, err := EstimateLTHR(a, in)
			if err == nil || !isInsufficient(err) {
				return r, err
			}
		}
		return LTHREstimate{}, need("a 30-minute test, a 40–90 minute race, a lab value, or maximum heart rate")
	}
	return LTHREstimate{}, inputErr("algorithm", "%q is not an LTHR algorithm", string(algo))
}
