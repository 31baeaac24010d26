package intelligence

import (
	"fmt"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// VO2maxEstimate is an estimated maximal oxygen uptake.
type VO2maxEstimate struct {
	VO2maxMlKgMin float64 `json:"vo2max_ml_kg_min"`
	// Method is the estimator used (under hybrid, the one picked).
	Method         VO2maxAlgorithm `json:"method"`
	Level          string          `json:"level"`
	Interpretation string          `json:"interpretation"`
	Note           string          `json:"note,omitempty"`
}

func newVO2(v float64, m VO2maxAlgorithm, note string) VO2maxEstimate {
	lvl := vo2maxLevel(v)
	return VO2maxEstimate{VO2maxMlKgMin: v, Method: m, Level: lvl, Note: note,
		Interpretation: fmt.Sprintf("VO2max ≈ %.1f ml/kg/min (%s)", v, lvl)}
}

// vo2maxLevel uses the tutorial's ranges.
func vo2maxLevel(v float64) string {
	switch {
	case v < 30:
		return "below untrained range"
	case v < 40:
		return "untrained"
	case v < 50:
		return "trained"
	case v < 60:
		return "well-trained"
	case v < 70:
		return "elite"
	default:
		return "world-class"
	}
}

// VDOTAsVO2max returns VDOT itself: VDOT is already expressed in
// ml/kg/min (Daniels). The seed multiplied by 3.5, which confuses it with
// METs.
func VDOTAsVO2max(vdot float64) (VO2maxEstimate, error) {
	if err := checkRange("vdot", vdot, 15, 95, ""); err != nil {
		return VO2maxEstimate{}, err
	}
	return newVO2(vdot, VO2maxFromVDOT, "VDOT is an effective VO2max: it folds running economy in, so it can differ from a lab value"), nil
}

// CooperTestVO2max is Cooper's 12-minute run test: (metres − 504.9) / 44.73.
func CooperTestVO2max(distanceMeters float64) (VO2maxEstimate, error) {
	if err := checkRange("cooper_distance_meters", distanceMeters, 1000, 5000, "m"); err != nil {
		return VO2maxEstimate{}, err
	}
	return newVO2((distanceMeters-504.9)/44.73, VO2maxCooper, ""), nil
}

// RockportTest is a one-mile walk test.
type RockportTest struct {
	WeightKg     float64     `json:"weight_kg"`
	AgeYears     int         `json:"age_years"`
	Sex          fitness.Sex `json:"sex"`
	TimeSeconds  float64     `json:"time_seconds"`
	HeartRateBPM float64     `json:"heart_rate_bpm"` // at the finish
}

// RockportWalkVO2max is Kline et al.'s one-mile walk equation, in the published
// units (body mass in pounds, time in minutes):
// 132.853 − 0.0769·lb − 0.3877·age + 6.315·male − 3.2649·min − 0.1565·HR.
func RockportWalkVO2max(t RockportTest) (VO2maxEstimate, error) {
	if err := checkRange("weight_kg", t.WeightKg, 25, 300, "kg"); err != nil {
		return VO2maxEstimate{}, err
	}
	if t.AgeYears < 18 || t.AgeYears > 100 {
		return VO2maxEstimate{}, inputErr("age_years", "must be between 18 and 100 years, got %d", t.AgeYears)
	}
	if t.Sex != fitness.SexMale && t.Sex != fitness.SexFemale {
		return VO2maxEstimate{}, inputErr("sex", "must be \"male\" or \"female\" for the Rockport equation, got %q", string(t.Sex))
	}
	if err := checkRange("time_seconds", t.TimeSeconds, 480, 1800, "s"); err != nil {
		return VO2maxEstimate{}, err
	}
	if err := checkRange("heart_rate_bpm", t.HeartRateBPM, 60, 220, "bpm"); err != nil {
		return VO2maxEstimate{}, err
	}
	male := 0.0
	if t.Sex == fitness.SexMale {
		male = 1
	}
	lb := t.WeightKg / 0.45359237
	v := 132.853 - 0.0769*lb - 0.3877*float64(t.AgeYears) + 6.315*male - 3.2649*(t.TimeSeconds/60) - 0.1565*t.HeartRateBPM
	return newVO2(v, VO2maxRockport, ""), nil
}

// AstrandTest is a submaximal cycle-ergometer test.
type AstrandTest struct {
	Sex          fitness.Sex `json:"sex"`
	AgeYears     int         `json:"age_years"`
	WeightKg     float64     `json:"weight_kg"`
	PowerWatts   float64     `json:"power_watts"`
	HeartRateBPM float64     `json:"steady_state_heart_rate_bpm"` // 120–170
}

// Åstrand's age-correction factors (Åstrand 1960).
var astrandAgeFactors = [][2]float64{{15, 1.10}, {25, 1.00}, {35, 0.87}, {40, 0.83}, {45, 0.78}, {50, 0.75}, {55, 0.71}, {60, 0.68}, {65, 0.65}}

// AstrandRyhmingVO2max extrapolates a steady-state cycling heart rate to an assumed
// maximum: VO2max = VO2(W) × (195 − 61)/(HR − 61) for men, (198 − 72)/(HR −
// 72) for women, times Åstrand's age factor; VO2(W) = 10.8·W + 7·kg ml/min
// (ACSM leg-cycling equation).
func AstrandRyhmingVO2max(t AstrandTest) (VO2maxEstimate, error) {
	if t.Sex != fitness.SexMale && t.Sex != fitness.SexFemale {
		return VO2maxEstimate{}, inputErr("sex", "must be \"male\" or \"female\" for the Åstrand–Ryhming test, got %q", string(t.Sex))
	}
	if t.AgeYears < 15 || t.AgeYears > 80 {
		return VO2maxEstimate{}, inputErr("age_years", "must be between 15 and 80 years, got %d", t.AgeYears)
	}
	if err := checkRange("weight_kg", t.WeightKg, 25, 300, "kg"); err != nil {
		return VO2maxEstimate{}, err
	}
	if err := checkRange("power_watts", t.PowerWatts, 25, 500, "W"); err != nil {
		return VO2maxEstimate{}, err
	}
	if err := checkRange("steady_state_heart_rate_bpm", t.HeartRateBPM, 120, 170, "bpm"); err != nil {
		return VO2maxEstimate{}, err
	}
	vo2 := (10.8*t.PowerWatts + 7*t.WeightKg) / 1000 // L/min
	ratio := (195 - 61) / (t.HeartRateBPM - 61)
	if t.Sex == fitness.SexFemale {
		ratio = (198 - 72) / (t.HeartRateBPM - 72)
	}
	lmin := vo2 * ratio * interpolate(astrandAgeFactors, float64(t.AgeYears))
	return newVO2(lmin*1000/t.WeightKg, VO2maxAstrand, ""), nil
}

// interpolate is piecewise-linear over sorted (x, y) points, clamped at the
// ends.
func interpolate(pts [][2]float64, x float64) float64 {
	if x <= pts[0][0] {
		return pts[0][1]
	}
	for i := 1; i < len(pts); i++ {
		if x <= pts[i][0] {
			a, b := pts[i-1], pts[i]
			return a[1] + (b[1]-a[1])*(x-a[0])/(b[0]-a[0])
		}
	}
	return pts[len(pts)-1][1]
}

// BruceTreadmillVO2max estimates VO2max from time to exhaustion on the Bruce
// treadmill protocol: men 14.76 − 1.379T + 0.451T² − 0.012T³ (Foster 1984),
// women 4.38T − 3.90 (Pollock 1982), T in minutes.
func BruceTreadmillVO2max(minutes float64, sex fitness.Sex) (VO2maxEstimate, error) {
	if err := checkRange("bruce_minutes", minutes, 3, 27, "min"); err != nil {
		return VO2maxEstimate{}, err
	}
	switch sex {
	case fitness.SexMale:
		t := minutes
		return newVO2(14.76-1.379*t+0.451*t*t-0.012*t*t*t, VO2maxBruce, ""), nil
	case fitness.SexFemale:
		return newVO2(4.38*minutes-3.90, VO2maxBruce, ""), nil
	}
	return VO2maxEstimate{}, inputErr("sex", "must be \"male\" or \"female\" for the Bruce equations, got %q", string(sex))
}

// UthSorensenVO2max is 15.3 × HRmax / HRrest (Uth et al. 2004), validated in
// well-trained men aged 21–51.
func UthSorensenVO2max(maxHR, restingHR float64) (VO2maxEstimate, error) {
	if err := checkHeartRates("max_heart_rate_bpm", maxHR, "resting_heart_rate_bpm", restingHR); err != nil {
		return VO2maxEstimate{}, err
	}
	return newVO2(15.3*maxHR/restingHR, VO2maxUthSorensen, "population estimate (±15 %); best in trained adults"), nil
}

// VO2maxInput holds whatever test data is available for EstimateVO2max.
// Zero or nil fields are absent.
type VO2maxInput struct {
	VDOT                 float64       `json:"vdot,omitempty"`
	CooperDistanceMeters float64       `json:"cooper_distance_meters,omitempty"`
	Rockport             *RockportTest `json:"rockport,omitempty"`
	Astrand              *AstrandTest  `json:"astrand,omitempty"`
	BruceMinutes         float64       `json:"bruce_minutes,omitempty"`
	Sex                  fitness.Sex   `json:"sex,omitempty"`
	MaxHeartRateBPM      float64       `json:"max_heart_rate_bpm,omitempty"`
	RestingHeartRateBPM  float64       `json:"resting_heart_rate_bpm,omitempty"`
}

// EstimateVO2max runs the selected estimator; hybrid uses the first
// estimator whose data is present, in the order of the catalog.
func EstimateVO2max(algo VO2maxAlgorithm, in VO2maxInput) (VO2maxEstimate, error) {
	need := func(what string) error { return insufficient("VO2max ("+string(algo)+")", what) }
	switch algo {
	case VO2maxFromVDOT:
		if in.VDOT == 0 {
			return VO2maxEstimate{}, need("a VDOT (from a recent race)")
		}
		return VDOTAsVO2max(in.VDOT)
	case VO2maxCooper:
		if in.CooperDistanceMeters == 0 {
			return VO2maxEstimate{}, need("the distance covered in a 12-minute run")
		}
		return CooperTestVO2max(in.CooperDistanceMeters)
	case VO2maxRockport:
		if in.Rockport == nil {
			return VO2maxEstimate{}, need("a one-mile walk test")
		}
		return RockportWalkVO2max(*in.Rockport)
	case VO2maxAstrand:
		if in.Astrand == nil {
			return VO2maxEstimate{}, need("a submaximal cycle test")
		}
		return AstrandRyhmingVO2max(*in.Astrand)
	case VO2maxBruce:
		if in.BruceMinutes == 0 {
			return VO2maxEstimate{}, need("time to exhaustion on the Bruce protocol")
		}
		return BruceTreadmillVO2max(in.BruceMinutes, in.Sex)
	case VO2maxUthSorensen:
		if in.MaxHeartRateBPM == 0 || in.RestingHeartRateBPM == 0 {
			return VO2maxEstimate{}, need("maximum and resting heart rate")
		}
		return UthSorensenVO2max(in.MaxHeartRateBPM, in.RestingHeartRateBPM)
	case VO2maxHybrid:
		for _, a := range []VO2maxAlgorithm{VO2maxFromVDOT, VO2maxCooper, VO2maxRockport, VO2maxAstrand, VO2maxBruce, VO2maxUthSorensen} {
			e, err := EstimateVO2max(a, in)
			if err == nil || !isInsufficient(err) {
				return e, err
			}
		}
		return VO2maxEstimate{}, need("a race (VDOT), a field test, or maximum and resting heart rate")
	}
	return VO2maxEstimate{}, inputErr("algorithm", "%q is not a VO2max algorithm", string(algo))
}
