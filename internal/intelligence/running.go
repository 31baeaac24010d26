package intelligence

import (
	"fmt"
	"math"
)

// Standard race distances in metres.
const (
	Distance400m         = 400.0
	Distance1km          = 1000.0
	DistanceMile         = 1609.344
	Distance5K           = 5000.0
	Distance10K          = 10000.0
	DistanceHalfMarathon = 21097.5
	DistanceMarathon     = 42195.0
	// RiegelExponent is Riegel's fatigue exponent for running.
	RiegelExponent = 1.06
)

// Daniels–Gilbert oxygen cost of running at v metres per minute
// (ml/kg/min).
func danielsVO2(v float64) float64 { return -4.60 + 0.182258*v + 0.000104*v*v }

// Daniels–Gilbert fraction of VO2max sustainable for t minutes.
func danielsFraction(tMin float64) float64 {
	return 0.8 + 0.1894393*math.Exp(-0.012778*tMin) + 0.2989558*math.Exp(-0.1932605*tMin)
}

// danielsVelocity inverts danielsVO2: the speed (m/min) whose oxygen cost
// is vo2.
func danielsVelocity(vo2 float64) float64 {
	const a, b = 0.000104, 0.182258
	c := -(vo2 + 4.60)
	return (-b + math.Sqrt(b*b-4*a*c)) / (2 * a)
}

// VDOTResult is the Daniels–Gilbert VDOT of one race.
type VDOTResult struct {
	VDOT               float64 `json:"vdot"`
	DistanceMeters     float64 `json:"distance_meters"`
	TimeSeconds        float64 `json:"time_seconds"`
	VelocityMPerMin    float64 `json:"velocity_meters_per_minute"`
	OxygenCostMlKgMin  float64 `json:"oxygen_cost_ml_kg_min"`
	FractionOfVO2max   float64 `json:"fraction_of_vo2max"`
	Method             string  `json:"method"`
	Level              string  `json:"level"`
	Interpretation     string  `json:"interpretation"`
	Note               string  `json:"note,omitempty"`
	PacePerKmSeconds   float64 `json:"pace_seconds_per_km"`
	WithinTableRange   bool    `json:"within_published_table_range"`
	EquivalentVO2max   float64 `json:"equivalent_vo2max_ml_kg_min"`
	EquivalentVO2Level string  `json:"equivalent_vo2max_level"`
}

// VDOTFromRace computes VDOT from a race (distance in metres, time in
// seconds) with the Daniels–Gilbert equations:
//
//	v   = d / t (m/min)
//	VO2 = −4.60 + 0.182258·v + 0.000104·v²
//	%   = 0.8 + 0.1894393·e^(−0.012778·t) + 0.2989558·e^(−0.1932605·t)  (t in minutes)
//	VDOT = VO2 / %
//
// These are the equations behind Daniels' published VDOT tables; the result
// matches the tables to about ±0.1.
func VDOTFromRace(distanceMeters, timeSeconds float64) (VDOTResult, error) {
	if err := checkRange("distance_meters", distanceMeters, 800, 250000, "m"); err != nil {
		return VDOTResult{}, err
	}
	if err := checkPositive("time_seconds", timeSeconds); err != nil {
		return VDOTResult{}, err
	}
	tMin := timeSeconds / 60
	v := distanceMeters / tMin
	if v < 50 || v > 500 {
		return VDOTResult{}, inputErr("time_seconds", "gives %.1f m/min, outside the 50–500 m/min range of the Daniels–Gilbert equations", v)
	}
	if tMin < 2 {
		return VDOTResult{}, inputErr("time_seconds", "must be at least 120 s: the Daniels–Gilbert equations describe efforts of about 3.5 minutes to 4 hours")
	}
	vo2 := danielsVO2(v)
	frac := danielsFraction(tMin)
	vdot := vo2 / frac
	r := VDOTResult{
		VDOT: vdot, DistanceMeters: distanceMeters, TimeSeconds: timeSeconds,
		VelocityMPerMin: v, OxygenCostMlKgMin: vo2, FractionOfVO2max: frac,
		Method: "daniels_gilbert", Level: vdotLevel(vdot),
		PacePerKmSeconds: timeSeconds / distanceMeters * 1000,
		WithinTableRange: vdot >= 30 && vdot <= 85,
		EquivalentVO2max: vdot, EquivalentVO2Level: vo2maxLevel(vdot),
	}
	r.Interpretation = fmt.Sprintf("VDOT %.1f (%s): %s in %s", vdot, r.Level, formatDistance(distanceMeters), FormatDuration(timeSeconds))
	switch {
	case !r.WithinTableRange:
		r.Note = "outside Daniels' published table range (VDOT 30–85): the equations are extrapolated"
	case tMin > 240:
		r.Note = "races longer than about 4 hours are beyond the data the %VO2max curve was fitted to"
	}
	return r, nil
}

// vdotLevel uses the seed's labels.
func vdotLevel(v float64) string {
	switch {
	case v < 30:
		return "novice"
	case v < 40:
		return "beginner"
	case v < 50:
		return "recreational"
	case v < 60:
		return "competitive amateur"
	case v < 70:
		return "sub-elite"
	default:
		return "elite"
	}
}

// RaceTimeFromVDOT solves the Daniels–Gilbert equations for the time (s)
// at which a runner of the given VDOT covers distanceMeters:
// VO2(d/t) = VDOT × %(t). The solution is unique; bisection to 1 ms.
func RaceTimeFromVDOT(vdot, distanceMeters float64) (float64, error) {
	if err := checkRange("vdot", vdot, 15, 95, ""); err != nil {
		return 0, err
	}
	if err := checkRange("distance_meters", distanceMeters, 800, 250000, "m"); err != nil {
		return 0, err
	}
	return raceTime(vdot, distanceMeters), nil
}

func raceTime(vdot, d float64) float64 {
	// f(t) = VO2(d/t) − VDOT·%(t) decreases in t.
	f := func(tSec float64) float64 {
		tMin := tSec / 60
		return danielsVO2(d/tMin) - vdot*danielsFraction(tMin)
	}
	lo, hi := d/500*60, d/30*60
	for range 100 {
		mid := (lo + hi) / 2
		if f(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo < 1e-3 {
			break
		}
	}
	return (lo + hi) / 2
}

// RiegelTime predicts T2 = T1 × (D2/D1)^exponent (Riegel 1981). exponent 0
// means RiegelExponent (1.06).
func RiegelTime(knownDistanceMeters, knownTimeSeconds, targetDistanceMeters, exponent float64) (float64, error) {
	if err := checkPositive("known_distance_meters", knownDistanceMeters); err != nil {
		return 0, err
	}
	if err := checkPositive("known_time_seconds", knownTimeSeconds); err != nil {
		return 0, err
	}
	if err := checkPositive("target_distance_meters", targetDistanceMeters); err != nil {
		return 0, err
	}
	if exponent == 0 {
		exponent = RiegelExponent
	}
	if err := checkRange("exponent", exponent, 1.0, 1.2, ""); err != nil {
		return 0, err
	}
	return knownTimeSeconds * math.Pow(targetDistanceMeters/knownDistanceMeters, exponent), nil
}

// RacePrediction is a predicted race time.
type RacePrediction struct {
	DistanceMeters   float64 `json:"distance_meters"`
	DistanceLabel    string  `json:"distance_label"`
	TimeSeconds      float64 `json:"predicted_time_seconds"`
	Time             string  `json:"predicted_time"`
	PacePerKmSeconds float64 `json:"pace_seconds_per_km"`
	Pace             string  `json:"pace_per_km"`
	// Method is "daniels" or "riegel" (the model used, also under hybrid).
	Method string  `json:"method"`
	VDOT   float64 `json:"vdot"`
	Note   string  `json:"note,omitempty"`
}

// PredictRace predicts the time for targetDistanceMeters from a known race
// with the selected algorithm: daniels (via VDOT), riegel (power law from
// the race) or hybrid (daniels up to the marathon, riegel beyond).
func PredictRace(algo VDOTAlgorithm, knownDistanceMeters, knownTimeSeconds, targetDistanceMeters float64) (RacePrediction, error) {
	v, err := VDOTFromRace(knownDistanceMeters, knownTimeSeconds)
	if err != nil {
		return RacePrediction{}, err
	}
	if err := checkRange("target_distance_meters", targetDistanceMeters, 800, 250000, "m"); err != nil {
		return RacePrediction{}, err
	}
	method := ""
	switch algo {
	case VDOTDaniels:
		method = "daniels"
	case VDOTRiegel:
		method = "riegel"
	case VDOTHybrid:
		method = "daniels"
		if targetDistanceMeters > DistanceMarathon {
			method = "riegel"
		}
	default:
		return RacePrediction{}, inputErr("algorithm", "%q is not a VDOT algorithm (daniels, riegel, hybrid)", string(algo))
	}
	var t float64
	if method == "daniels" {
		t = raceTime(v.VDOT, targetDistanceMeters)
	} else {
		t, _ = RiegelTime(knownDistanceMeters, knownTimeSeconds, targetDistanceMeters, RiegelExponent)
	}
	p := newPrediction(targetDistanceMeters, t, method, v.VDOT)
	ratio := targetDistanceMeters / knownDistanceMeters
	if ratio > 4.5 || ratio < 1/4.5 {
		p.Note = fmt.Sprintf("predicting %.0f× the known distance: accuracy falls with the gap; endurance-specific training matters more for longer races", math.Max(ratio, 1/ratio))
	}
	return p, nil
}

func newPrediction(d, t float64, method string, vdot float64) RacePrediction {
	pace := t / d * 1000
	return RacePrediction{
		DistanceMeters: d, DistanceLabel: formatDistance(d),
		TimeSeconds: t, Time: FormatDuration(t),
		PacePerKmSeconds: pace, Pace: FormatDuration(pace),
		Method: method, VDOT: vdot,
	}
}

// EquivalentRaces returns Daniels' equivalent performances for a VDOT at
// the standard distances (1500 m, mile, 3 km, 5 km, 10 km, 15 km, half
// marathon, marathon), like a row of his VDOT table.
func EquivalentRaces(vdot float64) ([]RacePrediction, error) {
	if err := checkRange("vdot", vdot, 15, 95, ""); err != nil {
		return nil, err
	}
	ds := []float64{1500, DistanceMile, 3000, Distance5K, Distance10K, 15000, DistanceHalfMarathon, DistanceMarathon}
	out := make([]RacePrediction, len(ds))
	for i, d := range ds {
		out[i] = newPrediction(d, raceTime(vdot, d), "daniels", vdot)
	}
	return out, nil
}

// TrainingPace is one of Daniels' training intensities.
type TrainingPace struct {
	// Zone is E, M, T, I or R.
	Zone string `json:"zone"`
	Name string `json:"name"`
	// FastSecondsPerKm ≤ SlowSecondsPerKm; they are equal for single-value
	// paces.
	FastSecondsPerKm float64 `json:"fast_pace_seconds_per_km"`
	SlowSecondsPerKm float64 `json:"slow_pace_seconds_per_km"`
	Pace             string  `json:"pace_per_km"`
	Per400mSeconds   float64 `json:"seconds_per_400m"`
	PercentVO2max    string  `json:"percent_vo2max"`
	Purpose          string  `json:"purpose"`
}

// TrainingPaces are Daniels' E/M/T/I/R paces for a VDOT.
type TrainingPaces struct {
	VDOT   float64        `json:"vdot"`
	Method string         `json:"method"`
	Paces  []TrainingPace `json:"paces"`
}

// DanielsTrainingPaces derives training paces from VDOT (Daniels' Running
// Formula): E = 59–74 % VO2max, M = predicted marathon pace, T = 88 %,
// I = 97.5 %, R = predicted mile race pace. Velocity at a fraction f of
// VO2max solves VO2(v) = f × VDOT.
func DanielsTrainingPaces(vdot float64) (TrainingPaces, error) {
	if err := checkRange("vdot", vdot, 15, 95, ""); err != nil {
		return TrainingPaces{}, err
	}
	paceAt := func(f float64) float64 { return 1000 / danielsVelocity(f*vdot) * 60 }
	single := func(zone, name string, pace float64, pct, purpose string) TrainingPace {
		return TrainingPace{Zone: zone, Name: name, FastSecondsPerKm: pace, SlowSecondsPerKm: pace,
			Pace: FormatDuration(pace), Per400mSeconds: pace * 0.4, PercentVO2max: pct, Purpose: purpose}
	}
	eFast, eSlow := paceAt(0.74), paceAt(0.59)
	e := TrainingPace{Zone: "E", Name: "Easy", FastSecondsPerKm: eFast, SlowSecondsPerKm: eSlow,
		Pace: FormatDuration(eFast) + "–" + FormatDuration(eSlow), Per400mSeconds: (eFast + eSlow) / 2 * 0.4,
		PercentVO2max: "59–74", Purpose: "aerobic base, recovery, long runs, warm-ups"}
	m := raceTime(vdot, DistanceMarathon) / DistanceMarathon * 1000
	r := raceTime(vdot, DistanceMile) / DistanceMile * 1000
	return TrainingPaces{VDOT: vdot, Method: "daniels_running_formula", Paces: []TrainingPace{
		e,
		single("M", "Marathon", m, "75–84", "marathon-specific endurance at predicted marathon pace"),
		single("T", "Threshold", paceAt(0.88), "83–88", "raise lactate threshold: tempo runs, cruise intervals"),
		single("I", "Interval", paceAt(0.975), "95–100", "raise VO2max: 3–5 min repeats"),
		single("R", "Repetition", r, "105–120", "speed and economy: 200–400 m repeats at mile race pace"),
	}}, nil
}

// FormatDuration formats seconds as h:mm:ss or m:ss (rounded to the
// second).
func FormatDuration(seconds float64) string {
	s := int64(math.Round(seconds))
	neg := s < 0
	if neg {
		s = -s
	}
	h, m, sec := s/3600, s%3600/60, s%60
	out := fmt.Sprintf("%d:%02d", m, sec)
	if h > 0 {
		out = fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	}
	if neg {
		out = "-" + out
	}
	return out
}

func formatDistance(d float64) string {
	switch d {
	case DistanceMarathon:
		return "marathon"
	case DistanceHalfMarathon:
		return "half marathon"
	case DistanceMile:
		return "mile"
	}
	if d >= 1000 && math.Mod(d, 1000) == 0 {
		return fmt.Sprintf("%.0f km", d/1000)
	}
	if d >= 1000 {
		return fmt.Sprintf("%.2f km", d/1000)
	}
	return fmt.Sprintf("%.0f m", d)
}
