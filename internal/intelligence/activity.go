package intelligence

import (
	"fmt"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// Training-stress methods reported by ActivityTrainingStress.
const (
	StressPowerNP  = "power_normalized"
	StressPowerAvg = "power_average"
	StressHRTSS    = "hr_tss"
	StressVendor   = "vendor_load"
)

// ActivityTrainingStress returns the activity's TSS for the load model:
// power TSS (selected algorithm) when there is power and an FTP, else hrTSS
// from average heart rate and LTHR (profile, or estimated from max HR).
// s may be nil. The day is taken in loc (UTC when nil).
func ActivityTrainingStress(a *fitness.Activity, s *fitness.Streams, p AthleteProfile, algos Algorithms, loc *time.Location) (ActivityLoad, error) {
	if a == nil {
		return ActivityLoad{}, inputErr("activity", "must not be nil")
	}
	load := ActivityLoad{ActivityID: a.ID, Date: DateOf(a.StartTime, loc)}
	dur := float64(a.MovingOrElapsed())
	if dur <= 0 {
		return ActivityLoad{}, inputErr("moving_time_seconds", "must be positive to compute training stress")
	}
	var power []float64
	if s != nil && len(s.PowerWatts) > 0 {
		power, _ = StreamSeries(s, ChannelPower, GapsSkip)
	}
	if p.FTPWatts > 0 && (len(power) > 0 || (a.AveragePower != nil && *a.AveragePower > 0)) {
		in := TSSInput{DurationSeconds: dur, FTPWatts: p.FTPWatts, PowerWatts: power}
		if a.AveragePower != nil {
			in.AveragePowerWatts = *a.AveragePower
		}
		algo := algos.TSS
		if algo == TSSNormalizedPower && len(power) == 0 {
			algo = TSSAvgPower
		}
		r, err := TrainingStressScore(algo, in)
		if err != nil {
			return ActivityLoad{}, err
		}
		load.TSS, load.Method = r.TSS, StressPowerAvg
		if r.PowerBasis == PowerBasisNormalized {
			load.Method = StressPowerNP
		}
		return load, nil
	}
	if a.AverageHeartRate != nil && *a.AverageHeartRate > 0 {
		lthr := p.LTHRBPM
		if lthr == 0 && p.MaxHeartRateBPM > 0 {
			lthr = 0.88 * p.MaxHeartRateBPM
		}
		if lthr > 0 {
			r, err := HeartRateTSS(dur, *a.AverageHeartRate, lthr)
			if err != nil {
				return ActivityLoad{}, err
			}
			load.TSS, load.Method = r.HRTSS, StressHRTSS
			return load, nil
		}
	}
	return ActivityLoad{}, insufficient("training stress of activity "+a.ID, "power with an FTP, or heart rate with LTHR or max HR")
}

// LoadsFromActivities computes ActivityTrainingStress for each activity;
// streams are looked up by activity id (the map may be nil). Activities
// whose stress cannot be computed are skipped and listed by id.
func LoadsFromActivities(acts []fitness.Activity, streams map[string]*fitness.Streams, p AthleteProfile, algos Algorithms, loc *time.Location) (loads []ActivityLoad, skipped []string) {
	for i := range acts {
		l, err := ActivityTrainingStress(&acts[i], streams[acts[i].ID], p, algos, loc)
		if err != nil {
			skipped = append(skipped, acts[i].ID)
			continue
		}
		loads = append(loads, l)
	}
	return loads, skipped
}

// PowerMetrics summarise a ride's power.
type PowerMetrics struct {
	AveragePowerWatts    float64     `json:"average_power_watts"`
	NormalizedPowerWatts float64     `json:"normalized_power_watts"`
	NPMethod             string      `json:"np_method"`
	MaxPowerWatts        float64     `json:"max_power_watts"`
	WorkKilojoules       float64     `json:"work_kilojoules"`
	VariabilityIndex     float64     `json:"variability_index"`
	IntensityFactor      *float64    `json:"intensity_factor,omitempty"`
	WattsPerKg           *float64    `json:"watts_per_kg,omitempty"`
	Bests                []PowerBest `json:"power_bests,omitempty"`
	TimeInZones          []ZoneTime  `json:"time_in_zones,omitempty"`
}

// HeartRateMetrics summarise heart rate.
type HeartRateMetrics struct {
	AverageBPM  float64    `json:"average_bpm"`
	MaxBPM      float64    `json:"max_bpm"`
	ZoneMethod  string     `json:"zone_method,omitempty"`
	TimeInZones []ZoneTime `json:"time_in_zones,omitempty"`
}

// ActivityAnalysis is everything Pierre can compute about one activity.
type ActivityAnalysis struct {
	ActivityID      string            `json:"activity_id"`
	Sport           fitness.Sport     `json:"sport_type"`
	Date            Date              `json:"date"`
	DurationSeconds float64           `json:"duration_seconds"`
	DistanceMeters  float64           `json:"distance_meters"`
	Power           *PowerMetrics     `json:"power,omitempty"`
	HeartRate       *HeartRateMetrics `json:"heart_rate,omitempty"`
	TSS             *TSSResult        `json:"tss,omitempty"`
	HRTSS           *HRTSSResult      `json:"hr_tss,omitempty"`
	TRIMP           *TRIMPResult      `json:"trimp,omitempty"`
	// TrainingStress is the value used for CTL/ATL.
	TrainingStress   *ActivityLoad     `json:"training_stress,omitempty"`
	EfficiencyFactor *float64          `json:"efficiency_factor,omitempty"`
	Decoupling       *DecouplingResult `json:"decoupling,omitempty"`
	// PacePerKmSeconds is the average moving pace (runs, walks, hikes).
	PacePerKmSeconds *float64       `json:"average_pace_seconds_per_km,omitempty"`
	FastestEfforts   []DistanceBest `json:"fastest_efforts,omitempty"`
	Notes            []string       `json:"notes,omitempty"`
	Summary          string         `json:"summary"`
}

// AnalyzeActivity computes every metric the data supports: power (NP, IF,
// TSS, VI, work, bests, zones), heart rate (zones, hrTSS, TRIMP),
// efficiency factor and decoupling, pace and fastest efforts. Missing data
// leaves the corresponding section nil and adds a note; only a nil
// activity is an error. s may be nil.
func AnalyzeActivity(a *fitness.Activity, s *fitness.Streams, p AthleteProfile, algos Algorithms, loc *time.Location) (ActivityAnalysis, error) {
	if a == nil {
		return ActivityAnalysis{}, inputErr("activity", "must not be nil")
	}
	p = p.WithEstimates(algos)
	dur := float64(a.MovingOrElapsed())
	r := ActivityAnalysis{ActivityID: a.ID, Sport: a.Sport, Date: DateOf(a.StartTime, loc), DurationSeconds: dur, DistanceMeters: a.DistanceMeters}
	note := func(format string, args ...any) { r.Notes = append(r.Notes, fmt.Sprintf(format, args...)) }

	var power, hr []float64
	if s != nil {
		if len(s.PowerWatts) > 0 {
			power, _ = StreamSeries(s, ChannelPower, GapsSkip)
		}
		if len(s.HeartRate) > 0 {
			hr, _ = StreamSeries(s, ChannelHeartRate, GapsSkip)
		}
	}
	if len(power) > 0 {
		np, _ := NormalizedPower(power)
		pm := &PowerMetrics{AveragePowerWatts: np.AveragePowerWatts, NormalizedPowerWatts: np.NormalizedPowerWatts, NPMethod: np.Method}
		for _, w := range power {
			pm.MaxPowerWatts = max(pm.MaxPowerWatts, w)
		}
		pm.WorkKilojoules, _ = WorkKilojoules(power, 1)
		if np.AveragePowerWatts > 0 {
			pm.VariabilityIndex = np.NormalizedPowerWatts / np.AveragePowerWatts
		}
		if np.Note != "" {
			note("%s", np.Note)
		}
		if zf, err := StreamSeries(s, ChannelPower, GapsZeroFill); err == nil {
			pm.Bests, _ = BestPowerEfforts(zf, nil)
		}
		if p.FTPWatts > 0 {
			ifac := np.NormalizedPowerWatts / p.FTPWatts
			pm.IntensityFactor = &ifac
			if z, err := CogganPowerZones(p.FTPWatts); err == nil {
				pm.TimeInZones, _ = TimeInPowerZones(power, z)
			}
		} else {
			note("no FTP: intensity factor, power zones and power TSS need one")
		}
		if p.WeightKg > 0 {
			wkg := np.NormalizedPowerWatts / p.WeightKg
			pm.WattsPerKg = &wkg
		}
		r.Power = pm
	} else if a.AveragePower != nil && *a.AveragePower > 0 {
		r.Power = &PowerMetrics{AveragePowerWatts: *a.AveragePower, NormalizedPowerWatts: *a.AveragePower, NPMethod: MethodAveragePowerNP}
		note("no power stream: metrics use the activity's average power")
	}

	if len(hr) > 0 || (a.AverageHeartRate != nil && *a.AverageHeartRate > 0) {
		hm := &HeartRateMetrics{}
		if len(hr) > 0 {
			var sum float64
			var n int
			for _, h := range hr {
				if h > 0 {
					sum += h
					n++
					hm.MaxBPM = max(hm.MaxBPM, h)
				}
			}
			if n > 0 {
				hm.AverageBPM = sum / float64(n)
			}
		} else {
			hm.AverageBPM = *a.AverageHeartRate
			if a.MaxHeartRate != nil {
				hm.MaxBPM = *a.MaxHeartRate
			}
		}
		if len(hr) > 0 && p.MaxHeartRateBPM > 0 {
			var z HeartRateZones
			var err error
			if p.RestingHeartRateBPM > 0 {
				z, err = HeartRateZonesKarvonen(p.MaxHeartRateBPM, p.RestingHeartRateBPM)
			} else {
				z, err = HeartRateZonesPercentMax(p.MaxHeartRateBPM)
			}
			if err == nil {
				hm.ZoneMethod = z.Method
				hm.TimeInZones, _ = TimeInHeartRateZones(hr, z)
			}
		}
		r.HeartRate = hm
		if hm.AverageBPM > 0 && p.LTHRBPM > 0 {
			if h, err := HeartRateTSS(dur, hm.AverageBPM, p.LTHRBPM); err == nil {
				r.HRTSS = &h
			}
		}
		tin := TRIMPInput{DurationSeconds: dur, AverageHeartRateBPM: hm.AverageBPM, HeartRateBPM: hr,
			RestingHeartRateBPM: p.RestingHeartRateBPM, MaxHeartRateBPM: p.MaxHeartRateBPM, Sex: p.Sex, LTHRBPM: p.LTHRBPM}
		if t, err := TRIMP(algos.TRIMP, tin); err == nil {
			r.TRIMP = &t
		} else if isInsufficient(err) {
			note("TRIMP: %v", err)
		}
	}

	if r.Power != nil && p.FTPWatts > 0 {
		in := TSSInput{DurationSeconds: dur, FTPWatts: p.FTPWatts, PowerWatts: power, AveragePowerWatts: r.Power.AveragePowerWatts}
		algo := algos.TSS
		if algo == TSSNormalizedPower && len(power) == 0 {
			algo = TSSAvgPower
			note("no power stream: TSS from average power")
		}
		if t, err := TrainingStressScore(algo, in); err == nil {
			r.TSS = &t
		}
	}
	if l, err := ActivityTrainingStress(a, s, p, algos, loc); err == nil {
		r.TrainingStress = &l
	}

	fam := a.Sport.Family()
	if (fam == fitness.SportRun || a.Sport == fitness.SportWalk || a.Sport == fitness.SportHike) && a.DistanceMeters > 0 && dur > 0 {
		pace := dur / a.DistanceMeters * 1000
		r.PacePerKmSeconds = &pace
		if b, err := BestsFromActivity(a, s, loc); err == nil {
			r.FastestEfforts = b.Fastest
		}
	}
	if r.HeartRate != nil && r.HeartRate.AverageBPM > 0 {
		switch {
		case r.Power != nil:
			ef := r.Power.NormalizedPowerWatts / r.HeartRate.AverageBPM
			r.EfficiencyFactor = &ef
		case a.DistanceMeters > 0 && dur > 0:
			ef := a.DistanceMeters / dur * 60 / r.HeartRate.AverageBPM
			r.EfficiencyFactor = &ef
		}
	}
	if len(hr) >= MinDecouplingSamples {
		switch {
		case len(power) == len(hr):
			if d, err := AerobicDecoupling(power, hr, OutputPower); err == nil {
				r.Decoupling = &d
			}
		case s != nil && len(s.SpeedMPS) > 0:
			if sp, err := StreamSeries(s, ChannelSpeed, GapsSkip); err == nil && len(sp) == len(hr) {
				if d, err := AerobicDecoupling(sp, hr, OutputSpeed); err == nil {
					r.Decoupling = &d
				}
			}
		}
	}
	r.Summary = activitySummary(&r)
	return r, nil
}

func activitySummary(r *ActivityAnalysis) string {
	s := fmt.Sprintf("%s of %s", r.Sport, FormatDuration(r.DurationSeconds))
	if r.DistanceMeters > 0 {
		s += fmt.Sprintf(", %.2f km", r.DistanceMeters/1000)
	}
	if r.Power != nil {
		s += fmt.Sprintf(", NP %.0f W", r.Power.NormalizedPowerWatts)
		if r.Power.IntensityFactor != nil {
			s += fmt.Sprintf(" (IF %.2f)", *r.Power.IntensityFactor)
		}
	}
	if r.PacePerKmSeconds != nil {
		s += ", pace " + FormatDuration(*r.PacePerKmSeconds) + "/km"
	}
	if r.HeartRate != nil && r.HeartRate.AverageBPM > 0 {
		s += fmt.Sprintf(", avg HR %.0f bpm", r.HeartRate.AverageBPM)
	}
	if r.TrainingStress != nil {
		s += fmt.Sprintf(", training stress %.0f (%s)", r.TrainingStress.TSS, r.TrainingStress.Method)
	}
	return s
}
