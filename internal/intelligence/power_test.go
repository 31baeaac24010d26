package intelligence

import (
	"math"
	"testing"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// Constant 200 W for an hour at FTP 200: NP 200, IF 1.0, TSS 100.
func TestNPIFTSSConstantAtFTP(t *testing.T) {
	p := constant(200, 3600)
	np := must[NormalizedPowerResult](t)(NormalizedPower(p))
	approx(t, "NP", np.NormalizedPowerWatts, 200, 1e-9)
	if np.Method != MethodCogganNP {
		t.Fatalf("method %s", np.Method)
	}
	ifac := must[float64](t)(IntensityFactor(np.NormalizedPowerWatts, 200))
	approx(t, "IF", ifac, 1.0, 1e-12)
	r := must[TSSResult](t)(TrainingStressScore(TSSNormalizedPower, TSSInput{FTPWatts: 200, PowerWatts: p}))
	approx(t, "TSS", r.TSS, 100.0, 1e-9)
	if r.PowerBasis != PowerBasisNormalized || r.DurationSeconds != 3600 || r.Category != "low" {
		t.Fatalf("%+v", r)
	}
}

// alternating returns 1-minute blocks of 100 W and 300 W for an hour.
func alternating() []float64 {
	var p []float64
	for b := range 60 {
		v := 100.0
		if b%2 == 1 {
			v = 300
		}
		p = append(p, constant(v, 60)...)
	}
	return p
}

// Hand computation for alternating 100/300 W minute blocks: the 30 s
// rolling mean is flat for 31 s of each block and ramps for the other 29
// (values 100 + 200·j/30, j = 1..29, in both directions). There are 3571
// windows: block 0 gives 31 flat windows at 100 W, blocks 1–59 give 29
// ramp + 31 flat (30 blocks at 300 W, 29 at 100 W).
func TestNPAlternatingBlocks(t *testing.T) {
	pow4 := func(x float64) float64 { return x * x * x * x }
	sum := 31*pow4(100) + 30*31*pow4(300) + 29*31*pow4(100)
	for j := 1; j <= 29; j++ {
		sum += 59 * pow4(100+200*float64(j)/30)
	}
	want := math.Pow(sum/3571, 0.25)
	np := must[NormalizedPowerResult](t)(NormalizedPower(alternating()))
	approx(t, "NP (hand formula)", np.NormalizedPowerWatts, want, 1e-9)
	approx(t, "NP (pinned)", np.NormalizedPowerWatts, 239.0995, 1e-4)
	approx(t, "average", np.AveragePowerWatts, 200, 1e-12)
	vi := must[float64](t)(VariabilityIndex(np.NormalizedPowerWatts, np.AveragePowerWatts))
	approx(t, "VI", vi, 1.19550, 1e-5)
	// Average-power TSS ignores the variability; NP TSS does not.
	avg := must[TSSResult](t)(TrainingStressScore(TSSAvgPower, TSSInput{FTPWatts: 250, PowerWatts: alternating()}))
	approx(t, "avg TSS", avg.TSS, 64.0, 1e-9)
	hyb := must[TSSResult](t)(TrainingStressScore(TSSHybrid, TSSInput{FTPWatts: 250, PowerWatts: alternating()}))
	approx(t, "NP TSS", hyb.TSS, 91.4697, 1e-4)
}

func TestNPShortStreamFallsBack(t *testing.T) {
	np := must[NormalizedPowerResult](t)(NormalizedPower([]float64{100, 200, 300}))
	if np.Method != MethodAveragePowerNP || np.NormalizedPowerWatts != 200 || np.Note == "" {
		t.Fatalf("%+v", np)
	}
	r := must[TSSResult](t)(TrainingStressScore(TSSHybrid, TSSInput{FTPWatts: 200, DurationSeconds: 3600, PowerWatts: []float64{100, 200, 300}}))
	if r.PowerBasis != PowerBasisAverage || r.Note == "" {
		t.Fatalf("%+v", r)
	}
	approx(t, "TSS", r.TSS, 100, 1e-9)
}

// Upstream worked examples (ch18-22 §6.2), unrounded.
func TestTSSVectors(t *testing.T) {
	for _, c := range []struct{ w, h, want float64 }{{180, 2, 72}, {250, 2, 138.8889}, {320, 1.5, 170.6667}} {
		r := must[TSSResult](t)(TrainingStressScore(TSSAvgPower, TSSInput{FTPWatts: 300, DurationSeconds: c.h * 3600, AveragePowerWatts: c.w}))
		approx(t, "TSS", r.TSS, c.want, 1e-4)
	}
	r := must[TSSResult](t)(TrainingStressScore(TSSHybrid, TSSInput{FTPWatts: 300, DurationSeconds: 7200, AveragePowerWatts: 180}))
	if r.PowerBasis != PowerBasisAverage {
		t.Fatal("hybrid without stream must use average power")
	}
}

func TestTSSBadInput(t *testing.T) {
	_, err := TrainingStressScore(TSSHybrid, TSSInput{FTPWatts: -5, DurationSeconds: 60, AveragePowerWatts: 100})
	ie := wantInputError(t, err, "ftp_watts")
	if ie.Error() != "ftp_watts must be positive, got -5" {
		t.Fatalf("message %q", ie.Error())
	}
	_, err = TrainingStressScore(TSSNormalizedPower, TSSInput{FTPWatts: 250, DurationSeconds: 60, AveragePowerWatts: 100})
	wantInsufficient(t, err)
	_, err = TrainingStressScore(TSSAvgPower, TSSInput{FTPWatts: 250, DurationSeconds: 60})
	wantInsufficient(t, err)
	_, err = TrainingStressScore(TSSAvgPower, TSSInput{FTPWatts: 250, AveragePowerWatts: 100})
	wantInputError(t, err, "duration_seconds")
	_, err = TrainingStressScore("bogus", TSSInput{FTPWatts: 250, DurationSeconds: 60, AveragePowerWatts: 100})
	wantInputError(t, err, "algorithm")
	_, err = NormalizedPower(nil)
	wantInputError(t, err, "power_watts")
	_, err = NormalizedPower([]float64{100, 100, 100, -1})
	wantInputError(t, err, "power_watts[3]")
	_, err = IntensityFactor(200, 0)
	wantInputError(t, err, "ftp_watts")
	_, err = VariabilityIndex(200, 0)
	wantInputError(t, err, "average_power_watts")
	_, err = EfficiencyFactor(200, 0)
	wantInputError(t, err, "average_heart_rate_bpm")
	_, err = WorkKilojoules([]float64{1}, 0)
	wantInputError(t, err, "sample_seconds")
}

func TestWorkAndEfficiency(t *testing.T) {
	approx(t, "kJ", must[float64](t)(WorkKilojoules(constant(200, 3600), 1)), 720, 1e-9)
	approx(t, "EF", must[float64](t)(EfficiencyFactor(200, 140)), 200.0/140, 1e-12)
}

func TestAerobicDecoupling(t *testing.T) {
	// Steady 200 W for 1 h; HR 140 then 147 (5 % drift): EF falls 4.76 %.
	hr := append(constant(140, 1800), constant(147, 1800)...)
	d := must[DecouplingResult](t)(AerobicDecoupling(constant(200, 3600), hr, OutputPower))
	approx(t, "decoupling %", d.DecouplingPercent, (1-140.0/147)*100, 1e-9)
	if d.Method != "pw_hr" || d.Interpretation == "" {
		t.Fatalf("%+v", d)
	}
	// Pace: 3 m/s throughout, HR drifts 12 %.
	hr2 := append(constant(150, 1800), constant(168, 1800)...)
	d2 := must[DecouplingResult](t)(AerobicDecoupling(constant(3, 3600), hr2, OutputSpeed))
	approx(t, "Pa:HR %", d2.DecouplingPercent, (1-150.0/168)*100, 1e-9)
	approx(t, "EF1 m/min/bpm", d2.FirstHalfEfficiency, 180.0/150, 1e-12)

	_, err := AerobicDecoupling(constant(200, 600), constant(140, 600), OutputPower)
	wantInsufficient(t, err)
	_, err = AerobicDecoupling(constant(200, 10), constant(140, 9), OutputPower)
	wantInputError(t, err, "heart_rate_bpm")
	_, err = AerobicDecoupling(constant(200, 10), constant(140, 10), "watts")
	wantInputError(t, err, "output_kind")
}

func TestStreamSeries(t *testing.T) {
	s := &fitness.Streams{
		TimeSeconds: []int32{0, 1, 2, 5, 100, 101},
		PowerWatts:  []int16{100, 100, 100, 400, 200, 200},
		HeartRate:   []int16{120, 0, 124, 130, 140, 140},
	}
	skip := must[[]float64](t)(StreamSeries(s, ChannelPower, GapsSkip))
	// 0,1,2 then 3 s interpolated to 400, then a 95 s gap is skipped.
	want := []float64{100, 100, 100, 200, 300, 400, 200, 200}
	if len(skip) != len(want) {
		t.Fatalf("skip = %v", skip)
	}
	for i := range want {
		approx(t, "skip", skip[i], want[i], 1e-9)
	}
	zero := must[[]float64](t)(StreamSeries(s, ChannelPower, GapsZeroFill))
	if len(zero) != 102 || zero[6] != 0 || zero[100] != 200 {
		t.Fatalf("zero fill len %d: %v", len(zero), zero[:8])
	}
	hr := must[[]float64](t)(StreamSeries(s, ChannelHeartRate, GapsSkip))
	approx(t, "hr dropout interpolated", hr[1], 122, 1e-9)
	_, err := StreamSeries(s, ChannelCadence, GapsSkip)
	wantInsufficient(t, err)
	_, err = StreamSeries(s, "watts", GapsSkip)
	wantInputError(t, err, "channel")
	_, err = StreamSeries(nil, ChannelPower, GapsSkip)
	wantInputError(t, err, "streams")
}

// naiveNP is the textbook definition, O(n·30).
func naiveNP(p []float64) float64 {
	var acc float64
	for i := 29; i < len(p); i++ {
		s := 0.0
		for _, x := range p[i-29 : i+1] {
			s += x
		}
		m := s / 30
		acc += m * m * m * m
	}
	return math.Pow(acc/float64(len(p)-29), 0.25)
}

// The four-lane NP equals the textbook loop for every length, including
// the leftover windows after the equal segments.
func TestNormalizedPowerLanesMatchNaive(t *testing.T) {
	rng := uint64(7)
	next := func() float64 {
		rng ^= rng << 13
		rng ^= rng >> 7
		rng ^= rng << 17
		return float64(rng % 600)
	}
	for n := 30; n <= 300; n++ {
		p := make([]float64, n)
		for i := range p {
			p[i] = next()
		}
		got := must[NormalizedPowerResult](t)(NormalizedPower(p))
		approx(t, "NP lanes vs naive", got.NormalizedPowerWatts, naiveNP(p), 1e-9)
	}
	approx(t, "TSSFromPower", must[float64](t)(TSSFromPower(7200, 180, 300)), 72, 1e-12)
	_, err := TSSFromPower(3600, 200, 0)
	wantInputError(t, err, "ftp_watts")
	_, err = NormalizedPower([]float64{100, 100, 100, 100, 100, math.NaN()})
	wantInputError(t, err, "power_watts[5]")
	_, err = NormalizedPower([]float64{100, math.Inf(1)})
	wantInputError(t, err, "power_watts[1]")
}
