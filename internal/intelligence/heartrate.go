package intelligence

import (
	"fmt"
	"math"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// MaxHRResult is an age-predicted maximum heart rate.
type MaxHRResult struct {
	// MaxHeartRateBPM is the formula value truncated to whole bpm (as the
	// seed's integer conversion does).
	MaxHeartRateBPM int     `json:"max_heart_rate_bpm"`
	FormulaValueBPM float64 `json:"formula_value_bpm"`
	// Algorithm is the requested formula; FormulaUsed differs when gulati
	// falls back to tanaka for men or unknown sex.
	Algorithm   MaxHRAlgorithm `json:"algorithm"`
	FormulaUsed MaxHRAlgorithm `json:"formula_used"`
	AgeYears    int            `json:"age_years"`
	Note        string         `json:"note,omitempty"`
}

// MaxHeartRate predicts maximum heart rate from age:
// fox 220 − age, tanaka 208 − 0.7·age, nes 211 − 0.64·age, gulati
// 206 − 0.88·age (women only; Tanaka otherwise). Individual maxima scatter
// ±10 bpm around any formula; a measured max HR is always better.
func MaxHeartRate(algo MaxHRAlgorithm, ageYears int, sex fitness.Sex) (MaxHRResult, error) {
	if ageYears < 10 || ageYears > 100 {
		return MaxHRResult{}, inputErr("age", "must be between 10 and 100 years, got %d", ageYears)
	}
	age := float64(ageYears)
	r := MaxHRResult{Algorithm: algo, FormulaUsed: algo, AgeYears: ageYears}
	switch algo {
	case MaxHRFox:
		r.FormulaValueBPM = 220 - age
	case MaxHRTanaka:
		r.FormulaValueBPM = 208 - 0.7*age
	case MaxHRNes:
		r.FormulaValueBPM = 211 - 0.64*age
	case MaxHRGulati:
		if sex == fitness.SexFemale {
			r.FormulaValueBPM = 206 - 0.88*age
		} else {
			r.FormulaUsed = MaxHRTanaka
			r.FormulaValueBPM = 208 - 0.7*age
			r.Note = "the Gulati formula was derived in women; Tanaka is used for men and unknown sex"
		}
	default:
		return MaxHRResult{}, inputErr("algorithm", "%q is not a max-HR formula (fox, tanaka, nes, gulati)", string(algo))
	}
	// The epsilon keeps 187.0 − 1 ulp from truncating to 186.
	r.MaxHeartRateBPM = int(math.Floor(r.FormulaValueBPM + 1e-9))
	if ageYears < 18 && r.Note == "" {
		r.Note = "age-predicted formulas were derived in adults; treat the value as a rough guide"
	}
	return r, nil
}

// HRTSSResult is heart-rate training stress.
type HRTSSResult struct {
	HRTSS float64 `json:"hr_tss"`
	// IntensityFactor is average HR / LTHR.
	IntensityFactor     float64 `json:"intensity_factor"`
	DurationSeconds     float64 `json:"duration_seconds"`
	AverageHeartRateBPM float64 `json:"average_heart_rate_bpm"`
	LTHRBPM             float64 `json:"lthr_bpm"`
	Method              string  `json:"method"`
	Category            string  `json:"category"`
	Interpretation      string  `json:"interpretation"`
}

// HeartRateTSS is hrTSS = hours × (HRavg / LTHR)² × 100, so one hour at
// LTHR scores 100, like power TSS at FTP. Not rounded.
func HeartRateTSS(durationSeconds, averageHeartRateBPM, lthrBPM float64) (HRTSSResult, error) {
	if err := checkPositive("duration_seconds", durationSeconds); err != nil {
		return HRTSSResult{}, err
	}
	if err := checkRange("average_heart_rate_bpm", averageHeartRateBPM, 20, 250, "bpm"); err != nil {
		return HRTSSResult{}, err
	}
	if err := checkRange("lthr_bpm", lthrBPM, 80, 230, "bpm"); err != nil {
		return HRTSSResult{}, err
	}
	ifac := averageHeartRateBPM / lthrBPM
	v := durationSeconds / 3600 * ifac * ifac * tssPerHourAtThreshold
	cat, interp := tssCategory(v)
	return HRTSSResult{
		HRTSS: v, IntensityFactor: ifac, DurationSeconds: durationSeconds,
		AverageHeartRateBPM: averageHeartRateBPM, LTHRBPM: lthrBPM,
		Method: "hr_if_squared", Category: cat, Interpretation: interp,
	}, nil
}

// TRIMPInput is heart-rate data for TRIMP. HeartRateBPM (1 Hz, zeros are
// dropouts) is preferred; AverageHeartRateBPM with DurationSeconds is the
// fallback.
type TRIMPInput struct {
	DurationSeconds     float64     `json:"duration_seconds,omitempty"`
	AverageHeartRateBPM float64     `json:"average_heart_rate_bpm,omitempty"`
	HeartRateBPM        []float64   `json:"heart_rate_bpm,omitempty"`
	RestingHeartRateBPM float64     `json:"resting_heart_rate_bpm,omitempty"`
	MaxHeartRateBPM     float64     `json:"max_heart_rate_bpm,omitempty"`
	Sex                 fitness.Sex `json:"sex,omitempty"`
	// LTHRBPM sets Lucia's thresholds when VT1/VT2 are not measured.
	LTHRBPM float64 `json:"lthr_bpm,omitempty"`
	VT1BPM  float64 `json:"vt1_bpm,omitempty"`
	VT2BPM  float64 `json:"vt2_bpm,omitempty"`
}

// TRIMPResult is a training impulse.
type TRIMPResult struct {
	TRIMP     float64        `json:"trimp"`
	Algorithm TRIMPAlgorithm `json:"algorithm"`
	// Method is the model actually used, e.g. "bannister_female" or
	// "edwards" when hybrid fell back.
	Method          string  `json:"method"`
	DurationSeconds float64 `json:"duration_seconds"`
	FromStream      bool    `json:"from_stream"`
	// ZoneMinutes are the minutes per zone for the zone models (Edwards:
	// 5 zones; Lucia: 3).
	ZoneMinutes    []float64 `json:"zone_minutes,omitempty"`
	Interpretation string    `json:"interpretation"`
	Note           string    `json:"note,omitempty"`
}

// Banister's constants.
const (
	banisterMaleB   = 0.64
	banisterMaleC   = 1.92
	banisterFemaleB = 0.86
	banisterFemaleC = 1.67
)

// TRIMP computes a training impulse with the selected model. See the
// catalog for formulas. Zone models given only an average heart rate put the
// whole duration in the zone of the average, and say so.
func TRIMP(algo TRIMPAlgorithm, in TRIMPInput) (TRIMPResult, error) {
	if err := validateTRIMPInput(in); err != nil {
		return TRIMPResult{}, err
	}
	hasStream := len(in.HeartRateBPM) > 0
	hasAvg := in.AverageHeartRateBPM > 0 && in.DurationSeconds > 0
	if !hasStream && !hasAvg {
		return TRIMPResult{}, insufficient("TRIMP", "a heart-rate stream, or average heart rate with duration")
	}
	switch algo {
	case TRIMPBannister, TRIMPBannisterMale, TRIMPBannisterFemale:
		return banisterTRIMP(algo, in)
	case TRIMPEdwards:
		return edwardsTRIMP(algo, in)
	case TRIMPLucia:
		return luciaTRIMP(algo, in)
	case TRIMPHybrid:
		if in.RestingHeartRateBPM > 0 && in.MaxHeartRateBPM > 0 {
			return banisterTRIMP(algo, in)
		}
		if in.MaxHeartRateBPM > 0 {
			return edwardsTRIMP(algo, in)
		}
		return TRIMPResult{}, insufficient("TRIMP", "max heart rate (and resting heart rate for Banister)")
	}
	return TRIMPResult{}, inputErr("algorithm", "%q is not a TRIMP algorithm (bannister, bannister_male, bannister_female, edwards, lucia, hybrid)", string(algo))
}

func validateTRIMPInput(in TRIMPInput) error {
	if err := checkNonNegative("duration_seconds", in.DurationSeconds); err != nil {
		return err
	}
	if in.AverageHeartRateBPM != 0 {
		if err := checkRange("average_heart_rate_bpm", in.AverageHeartRateBPM, 20, 250, "bpm"); err != nil {
			return err
		}
	}
	for i, h := range in.HeartRateBPM {
		if !finite(h) || h < 0 || h > 250 {
			return inputErr(fmt.Sprintf("heart_rate_bpm[%d]", i), "must be between 0 and 250 bpm, got %s", num(h))
		}
	}
	if in.MaxHeartRateBPM != 0 {
		if err := checkRange("max_heart_rate_bpm", in.MaxHeartRateBPM, 60, 250, "bpm"); err != nil {
			return err
		}
	}
	if in.RestingHeartRateBPM != 0 {
		if err := checkRange("resting_heart_rate_bpm", in.RestingHeartRateBPM, 20, 150, "bpm"); err != nil {
			return err
		}
		if in.MaxHeartRateBPM != 0 && in.RestingHeartRateBPM >= in.MaxHeartRateBPM {
			return inputErr("resting_heart_rate_bpm", "(%s) must be less than max_heart_rate_bpm (%s)", num(in.RestingHeartRateBPM), num(in.MaxHeartRateBPM))
		}
	}
	if in.VT1BPM != 0 && in.VT2BPM != 0 && in.VT1BPM >= in.VT2BPM {
		return inputErr("vt1_bpm", "(%s) must be less than vt2_bpm (%s)", num(in.VT1BPM), num(in.VT2BPM))
	}
	return nil
}

func banisterTRIMP(algo TRIMPAlgorithm, in TRIMPInput) (TRIMPResult, error) {
	if in.RestingHeartRateBPM == 0 || in.MaxHeartRateBPM == 0 {
		return TRIMPResult{}, insufficient("Banister TRIMP", "resting and maximum heart rate")
	}
	b, c, method, note := banisterMaleB, banisterMaleC, "bannister_male", ""
	switch {
	case algo == TRIMPBannisterFemale || (algo != TRIMPBannisterMale && in.Sex == fitness.SexFemale):
		b, c, method = banisterFemaleB, banisterFemaleC, "bannister_female"
	case algo != TRIMPBannisterMale && in.Sex != fitness.SexMale:
		note = "sex unknown: Banister's male constants were used"
	}
	rest, hrr := in.RestingHeartRateBPM, in.MaxHeartRateBPM-in.RestingHeartRateBPM
	weight := func(hr float64) float64 {
		x := math.Min(math.Max((hr-rest)/hrr, 0), 1)
		return x * b * math.Exp(c*x)
	}
	r := TRIMPResult{Algorithm: algo, Method: method, Note: note}
	if len(in.HeartRateBPM) > 0 {
		var sum float64
		var secs int
		for _, h := range in.HeartRateBPM {
			if h > 0 {
				sum += weight(h)
				secs++
			}
		}
		if secs == 0 {
			return TRIMPResult{}, insufficient("Banister TRIMP", "non-zero heart-rate samples")
		}
		r.TRIMP, r.DurationSeconds, r.FromStream = sum/60, float64(secs), true
	} else {
		r.TRIMP = in.DurationSeconds / 60 * weight(in.AverageHeartRateBPM)
		r.DurationSeconds = in.DurationSeconds
	}
	r.Interpretation = fmt.Sprintf("TRIMP %.0f over %.0f min (Banister, exponentially weighted heart-rate reserve)", r.TRIMP, r.DurationSeconds/60)
	return r, nil
}

// zoneTRIMP accumulates minutes per zone; zoneOf returns the zone index or
// −1 (not counted).
func zoneTRIMP(algo TRIMPAlgorithm, method string, in TRIMPInput, nZones int, zoneOf func(float64) int) TRIMPResult {
	mins := make([]float64, nZones)
	r := TRIMPResult{Algorithm: algo, Method: method}
	if len(in.HeartRateBPM) > 0 {
		secs := 0
		for _, h := range in.HeartRateBPM {
			if h <= 0 {
				continue
			}
			secs++
			if z := zoneOf(h); z >= 0 {
				mins[z] += 1.0 / 60
			}
		}
		r.DurationSeconds, r.FromStream = float64(secs), true
	} else {
		if z := zoneOf(in.AverageHeartRateBPM); z >= 0 {
			mins[z] = in.DurationSeconds / 60
		}
		r.DurationSeconds = in.DurationSeconds
		r.Note = "no heart-rate stream: the whole duration was put in the zone of the average heart rate, which underestimates interval sessions"
	}
	for z, m := range mins {
		r.TRIMP += m * float64(z+1)
	}
	r.ZoneMinutes = mins
	return r
}

func edwardsTRIMP(algo TRIMPAlgorithm, in TRIMPInput) (TRIMPResult, error) {
	if in.MaxHeartRateBPM == 0 {
		return TRIMPResult{}, insufficient("Edwards TRIMP", "maximum heart rate")
	}
	maxHR := in.MaxHeartRateBPM
	r := zoneTRIMP(algo, "edwards", in, 5, func(h float64) int {
		p := h / maxHR
		if p < 0.5 {
			return -1
		}
		return min(int(math.Floor(p*10+1e-9))-5, 4)
	})
	r.Interpretation = fmt.Sprintf("TRIMP %.0f over %.0f min (Edwards: minutes in 5 heart-rate zones × 1–5)", r.TRIMP, r.DurationSeconds/60)
	return r, nil
}

func luciaTRIMP(algo TRIMPAlgorithm, in TRIMPInput) (TRIMPResult, error) {
	vt1, vt2 := in.VT1BPM, in.VT2BPM
	note := ""
	if vt1 == 0 || vt2 == 0 {
		lthr := in.LTHRBPM
		switch {
		case lthr > 0:
			note = "ventilatory thresholds estimated from LTHR (VT2 = LTHR, VT1 = 0.89 × LTHR)"
		case in.MaxHeartRateBPM > 0:
			lthr = 0.88 * in.MaxHeartRateBPM
			note = "ventilatory thresholds estimated from max HR (LTHR = 0.88 × max, VT2 = LTHR, VT1 = 0.89 × LTHR)"
		default:
			return TRIMPResult{}, insufficient("Lucia TRIMP", "VT1 and VT2 heart rates, LTHR, or max heart rate")
		}
		vt1, vt2 = 0.89*lthr, lthr
	}
	r := zoneTRIMP(algo, "lucia", in, 3, func(h float64) int {
		switch {
		case h < vt1:
			return 0
		case h <= vt2:
			return 1
		default:
			return 2
		}
	})
	if note != "" {
		if r.Note != "" {
			note += "; " + r.Note
		}
		r.Note = note
	}
	r.Interpretation = fmt.Sprintf("TRIMP %.0f over %.0f min (Lucia: minutes below VT1, VT1–VT2, above VT2 × 1, 2, 3)", r.TRIMP, r.DurationSeconds/60)
	return r, nil
}
