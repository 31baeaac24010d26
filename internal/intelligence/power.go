package intelligence

import (
	"fmt"
	"math"
)

// NPWindowSeconds is Coggan's rolling-average window for normalized power.
const NPWindowSeconds = 30

// NP methods reported in results.
const (
	MethodCogganNP        = "coggan_30s_rolling"
	MethodAveragePowerNP  = "average_power_fallback"
	PowerBasisNormalized  = "normalized_power"
	PowerBasisAverage     = "average_power"
	tssPerHourAtThreshold = 100.0
)

// NormalizedPowerResult is Coggan normalized power of a 1 Hz power series.
type NormalizedPowerResult struct {
	NormalizedPowerWatts float64 `json:"normalized_power_watts"`
	AveragePowerWatts    float64 `json:"average_power_watts"`
	Samples              int     `json:"samples"`
	// Method is "coggan_30s_rolling", or "average_power_fallback" when the
	// series is shorter than the 30-second window.
	Method string `json:"method"`
	Note   string `json:"note,omitempty"`
}

// NormalizedPower computes Coggan normalized power of a 1 Hz power series:
// the 30-second rolling mean of power, raised to the 4th power, averaged, and
// the 4th root taken. With fewer than 30 samples it returns average power and
// says so in Method and Note. Use StreamSeries to obtain a 1 Hz series from
// streams recorded at another rate.
func NormalizedPower(powerWatts []float64) (NormalizedPowerResult, error) {
	sum, err := sumSeries("power_watts", powerWatts)
	if err != nil {
		return NormalizedPowerResult{}, err
	}
	return normalizedPowerResult(powerWatts, sum), nil
}

// normalizedPowerResult assumes a validated, non-empty series and its sum.
func normalizedPowerResult(p []float64, sum float64) NormalizedPowerResult {
	n := len(p)
	avg := sum / float64(n)
	if n < NPWindowSeconds {
		return NormalizedPowerResult{
			NormalizedPowerWatts: avg, AveragePowerWatts: avg, Samples: n,
			Method: MethodAveragePowerNP,
			Note:   fmt.Sprintf("only %d power samples (< %d s): normalized power needs a 30-second window, so average power is reported", n, NPWindowSeconds),
		}
	}
	return NormalizedPowerResult{
		NormalizedPowerWatts: normalizedPower(p), AveragePowerWatts: avg,
		Samples: n, Method: MethodCogganNP,
	}
}

// normalizedPower assumes len(p) ≥ 30 and valid samples. O(n), O(1)
// space. The windows ending at indices 29…n−1 are split into four
// contiguous segments whose rolling sums advance together in scalar
// registers, so the additions of one segment do not wait on another's
// (floating-point add latency, not arithmetic, bounds a single chain).
func normalizedPower(p []float64) float64 {
	const w = NPWindowSeconds
	const inv = 1.0 / w
	windows := len(p) - w + 1
	seg := windows / 4
	window := func(end int) float64 {
		s := 0.0
		for _, x := range p[end-w+1 : end+1] {
			s += x
		}
		return s
	}
	pow4 := func(sum float64) float64 {
		m := sum * inv
		m2 := m * m
		return m2 * m2
	}
	var acc float64
	first := w - 1 // last sample of the first window not yet accumulated
	if seg > 0 {
		e0, e1, e2, e3 := w-1, w-1+seg, w-1+2*seg, w-1+3*seg
		s0, s1, s2, s3 := window(e0), window(e1), window(e2), window(e3)
		a0, a1, a2, a3 := pow4(s0), pow4(s1), pow4(s2), pow4(s3)
		// Reslice so the compiler can drop bounds checks in the loop.
		q0, q1, q2, q3 := p[e0+1-w:e0+seg], p[e1+1-w:e1+seg], p[e2+1-w:e2+seg], p[e3+1-w:e3+seg]
		for j := w; j < len(q0) && j < len(q1) && j < len(q2) && j < len(q3); j++ {
			s0 += q0[j] - q0[j-w]
			s1 += q1[j] - q1[j-w]
			s2 += q2[j] - q2[j-w]
			s3 += q3[j] - q3[j-w]
			a0 += pow4(s0)
			a1 += pow4(s1)
			a2 += pow4(s2)
			a3 += pow4(s3)
		}
		acc = (a0 + a1) + (a2 + a3)
		first = w - 1 + 4*seg
	}
	// Windows left over after the four equal segments.
	if first < len(p) {
		s := window(first)
		acc += pow4(s)
		for i := first + 1; i < len(p); i++ {
			s += p[i] - p[i-w]
			acc += pow4(s)
		}
	}
	return math.Sqrt(math.Sqrt(acc / float64(windows)))
}

// IntensityFactor is power relative to FTP (IF = NP / FTP).
func IntensityFactor(powerWatts, ftpWatts float64) (float64, error) {
	if err := checkNonNegative("power_watts", powerWatts); err != nil {
		return 0, err
	}
	if err := checkPositive("ftp_watts", ftpWatts); err != nil {
		return 0, err
	}
	return powerWatts / ftpWatts, nil
}

// TSSInput is what power TSS needs. Give PowerWatts (1 Hz) when a power
// stream exists; AveragePowerWatts is then computed from it when zero.
type TSSInput struct {
	// DurationSeconds is the moving time; when zero it is the length of
	// PowerWatts.
	DurationSeconds   float64   `json:"duration_seconds"`
	FTPWatts          float64   `json:"ftp_watts"`
	AveragePowerWatts float64   `json:"average_power_watts,omitempty"`
	PowerWatts        []float64 `json:"power_watts,omitempty"`
}

// TSSResult is a Training Stress Score with what it was computed from.
type TSSResult struct {
	TSS             float64      `json:"tss"`
	IntensityFactor float64      `json:"intensity_factor"`
	PowerWatts      float64      `json:"power_basis_watts"`
	PowerBasis      string       `json:"power_basis"` // "normalized_power" or "average_power"
	Algorithm       TSSAlgorithm `json:"algorithm"`
	DurationSeconds float64      `json:"duration_seconds"`
	FTPWatts        float64      `json:"ftp_watts"`
	// Category is Coggan's band: "low" (< 150), "medium" (150–300),
	// "high" (300–450), "very_high" (> 450).
	Category       string `json:"category"`
	Interpretation string `json:"interpretation"`
	Note           string `json:"note,omitempty"`
}

// TrainingStressScore computes power TSS = hours × IF² × 100 with the
// selected algorithm: avg_power uses average power, normalized_power needs
// the power stream, hybrid uses NP when a stream exists and average power
// otherwise. The value is not rounded.
func TrainingStressScore(algo TSSAlgorithm, in TSSInput) (TSSResult, error) {
	if err := checkPositive("ftp_watts", in.FTPWatts); err != nil {
		return TSSResult{}, err
	}
	if err := checkNonNegative("duration_seconds", in.DurationSeconds); err != nil {
		return TSSResult{}, err
	}
	if err := checkNonNegative("average_power_watts", in.AveragePowerWatts); err != nil {
		return TSSResult{}, err
	}
	streamSum := 0.0
	if len(in.PowerWatts) > 0 {
		var err error
		if streamSum, err = sumSeries("power_watts", in.PowerWatts); err != nil {
			return TSSResult{}, err
		}
	}
	dur := in.DurationSeconds
	if dur == 0 {
		dur = float64(len(in.PowerWatts))
	}
	if dur <= 0 {
		return TSSResult{}, inputErr("duration_seconds", "must be positive when no power stream is given, got 0")
	}
	avg := in.AveragePowerWatts
	if avg == 0 && len(in.PowerWatts) > 0 {
		avg = streamSum / float64(len(in.PowerWatts))
	}
	res := TSSResult{Algorithm: algo, DurationSeconds: dur, FTPWatts: in.FTPWatts}
	useNP := false
	switch algo {
	case TSSAvgPower:
	case TSSNormalizedPower:
		if len(in.PowerWatts) == 0 {
			return TSSResult{}, insufficient("normalized-power TSS", "a power stream (second-by-second power); use avg_power or hybrid without one")
		}
		useNP = true
	case TSSHybrid:
		useNP = len(in.PowerWatts) > 0
	default:
		return TSSResult{}, inputErr("algorithm", "%q is not a TSS algorithm (avg_power, normalized_power, hybrid)", string(algo))
	}
	if useNP {
		np := normalizedPowerResult(in.PowerWatts, streamSum)
		res.PowerWatts, res.PowerBasis, res.Note = np.NormalizedPowerWatts, PowerBasisNormalized, np.Note
		if np.Method == MethodAveragePowerNP {
			res.PowerBasis = PowerBasisAverage
		}
	} else {
		if avg == 0 && len(in.PowerWatts) == 0 {
			return TSSResult{}, insufficient("power TSS", "average power or a power stream")
		}
		res.PowerWatts, res.PowerBasis = avg, PowerBasisAverage
		if algo == TSSAvgPower && len(in.PowerWatts) > 0 {
			res.Note = "average-power TSS underestimates variable efforts; normalized_power uses the stream"
		}
	}
	res.IntensityFactor = res.PowerWatts / in.FTPWatts
	res.TSS = dur / 3600 * res.IntensityFactor * res.IntensityFactor * tssPerHourAtThreshold
	res.Category, res.Interpretation = tssCategory(res.TSS)
	return res, nil
}

// TSSFromPower is the bare formula hours × (power/FTP)² × 100 for callers
// that only need the number (no interpretation, no allocation).
func TSSFromPower(durationSeconds, powerWatts, ftpWatts float64) (float64, error) {
	if err := checkNonNegative("duration_seconds", durationSeconds); err != nil {
		return 0, err
	}
	if err := checkNonNegative("power_watts", powerWatts); err != nil {
		return 0, err
	}
	if err := checkPositive("ftp_watts", ftpWatts); err != nil {
		return 0, err
	}
	f := powerWatts / ftpWatts
	return durationSeconds / 3600 * f * f * tssPerHourAtThreshold, nil
}

// tssCategory gives Coggan's TSS bands with the tutorial's labels.
func tssCategory(tss float64) (string, string) {
	switch {
	case tss < 150:
		return "low", fmt.Sprintf("TSS %.0f: easy to moderate session — recovery is usually complete by the next day", tss)
	case tss <= 300:
		return "medium", fmt.Sprintf("TSS %.0f: moderate workout — some fatigue the next day, gone by the second", tss)
	case tss <= 450:
		return "high", fmt.Sprintf("TSS %.0f: hard training session — residual fatigue may last two days", tss)
	default:
		return "very_high", fmt.Sprintf("TSS %.0f: very hard or race effort — expect several days of residual fatigue", tss)
	}
}

// WorkKilojoules is mechanical work: Σ power × sampleSeconds / 1000.
func WorkKilojoules(powerWatts []float64, sampleSeconds float64) (float64, error) {
	if err := checkSeries("power_watts", powerWatts); err != nil {
		return 0, err
	}
	if err := checkPositive("sample_seconds", sampleSeconds); err != nil {
		return 0, err
	}
	s := 0.0
	for _, p := range powerWatts {
		s += p
	}
	return s * sampleSeconds / 1000, nil
}

// VariabilityIndex is NP / average power: 1.00–1.05 is a steady effort
// (time trial), above 1.10 a variable one (criterium, group ride).
func VariabilityIndex(normalizedPowerWatts, averagePowerWatts float64) (float64, error) {
	if err := checkNonNegative("normalized_power_watts", normalizedPowerWatts); err != nil {
		return 0, err
	}
	if err := checkPositive("average_power_watts", averagePowerWatts); err != nil {
		return 0, err
	}
	return normalizedPowerWatts / averagePowerWatts, nil
}

// EfficiencyFactor is output per heartbeat: NP / average HR (watts per bpm)
// for rides, or speed / average HR ((m/min) per bpm) for runs (Friel).
// Rising EF at the same effort means improving aerobic fitness.
func EfficiencyFactor(output, averageHeartRateBPM float64) (float64, error) {
	if err := checkNonNegative("output", output); err != nil {
		return 0, err
	}
	if err := checkPositive("average_heart_rate_bpm", averageHeartRateBPM); err != nil {
		return 0, err
	}
	return output / averageHeartRateBPM, nil
}

// OutputKind says what the output series of AerobicDecoupling measures.
type OutputKind string

// Output kinds.
const (
	OutputPower OutputKind = "power" // watts → Pw:HR
	OutputSpeed OutputKind = "speed" // m/s → Pa:HR
)

// DecouplingResult compares efficiency in the two halves of a steady effort.
type DecouplingResult struct {
	// Method is "pw_hr" (power) or "pa_hr" (pace).
	Method                string  `json:"method"`
	FirstHalfEfficiency   float64 `json:"first_half_efficiency_factor"`
	SecondHalfEfficiency  float64 `json:"second_half_efficiency_factor"`
	DecouplingPercent     float64 `json:"decoupling_percent"`
	SamplesUsed           int     `json:"samples_used"`
	Interpretation        string  `json:"interpretation"`
	EfficiencyFactorUnits string  `json:"efficiency_factor_units"`
}

// MinDecouplingSamples is the shortest effort (1 Hz samples) analysed for
// decoupling: 20 minutes.
const MinDecouplingSamples = 1200

// AerobicDecoupling computes Friel's aerobic decoupling (Pw:HR or Pa:HR):
// EF = mean output / mean HR in each half, decoupling = (EF1 − EF2)/EF1 ×
// 100. Both series are 1 Hz and aligned; samples with HR ≤ 0 are ignored.
// Below 5 % the athlete's aerobic endurance is good for this duration.
func AerobicDecoupling(output, heartRateBPM []float64, kind OutputKind) (DecouplingResult, error) {
	if kind != OutputPower && kind != OutputSpeed {
		return DecouplingResult{}, inputErr("output_kind", "must be \"power\" or \"speed\", got %q", string(kind))
	}
	if err := checkSeries("output", output); err != nil {
		return DecouplingResult{}, err
	}
	if err := checkSeries("heart_rate_bpm", heartRateBPM); err != nil {
		return DecouplingResult{}, err
	}
	if len(output) != len(heartRateBPM) {
		return DecouplingResult{}, inputErr("heart_rate_bpm", "must have the same length as output (%d), got %d", len(output), len(heartRateBPM))
	}
	idx := make([]int, 0, len(output))
	for i, h := range heartRateBPM {
		if h > 0 {
			idx = append(idx, i)
		}
	}
	if len(idx) < MinDecouplingSamples {
		return DecouplingResult{}, insufficient("aerobic decoupling", fmt.Sprintf("at least %d seconds of heart rate with %s (have %d)", MinDecouplingSamples, kind, len(idx)))
	}
	half := len(idx) / 2
	ef := func(part []int) float64 {
		var o, h float64
		for _, i := range part {
			o += output[i]
			h += heartRateBPM[i]
		}
		return o / h
	}
	scale, units, method := 1.0, "watts per bpm", "pw_hr"
	if kind == OutputSpeed {
		scale, units, method = 60, "metres per minute per bpm", "pa_hr"
	}
	ef1, ef2 := ef(idx[:half])*scale, ef(idx[half:])*scale
	if ef1 == 0 {
		return DecouplingResult{}, insufficient("aerobic decoupling", "non-zero "+string(kind)+" in the first half")
	}
	d := (ef1 - ef2) / ef1 * 100
	r := DecouplingResult{
		Method: method, FirstHalfEfficiency: ef1, SecondHalfEfficiency: ef2,
		DecouplingPercent: d, SamplesUsed: len(idx), EfficiencyFactorUnits: units,
	}
	switch {
	case d < 5:
		r.Interpretation = fmt.Sprintf("Decoupling %.1f%%: heart rate stayed coupled to output — aerobic endurance is good for this duration", d)
	case d < 10:
		r.Interpretation = fmt.Sprintf("Decoupling %.1f%%: moderate cardiac drift — more aerobic base work at this duration will help", d)
	default:
		r.Interpretation = fmt.Sprintf("Decoupling %.1f%%: large cardiac drift — the effort was beyond current aerobic endurance (or heat/dehydration played a part)", d)
	}
	return r, nil
}
