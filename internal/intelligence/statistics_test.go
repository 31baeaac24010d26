package intelligence

import (
	"testing"
	"time"
)

func TestLinearRegression(t *testing.T) {
	r := must[Regression](t)(LinearRegression([]float64{1, 2, 3, 4, 5}, []float64{2, 4, 5, 4, 5}))
	approx(t, "slope", r.Slope, 0.6, 1e-12)
	approx(t, "intercept", r.Intercept, 2.2, 1e-12)
	approx(t, "R²", r.RSquared, 0.6, 1e-12)
	approx(t, "SE", r.StdErrSlope, 0.2828427, 1e-7)
	// t = 2.1213 on 3 df: closed-form Student CDF gives p = 0.12403.
	approx(t, "p", *r.PValue, 0.1240271, 1e-6)
	if r.Strength != "strong" || r.Confidence != "low" {
		t.Fatalf("%+v", r)
	}
	perfect := must[Regression](t)(LinearRegression([]float64{0, 1, 2, 3}, []float64{1, 3, 5, 7}))
	if perfect.RSquared != 1 || *perfect.PValue != 0 || perfect.Slope != 2 {
		t.Fatalf("%+v", perfect)
	}
	flat := must[Regression](t)(LinearRegression([]float64{0, 1, 2}, []float64{5, 5, 5}))
	if flat.Slope != 0 || *flat.PValue != 1 {
		t.Fatalf("%+v", flat)
	}
	// Large-sample check: t = 2.0 on 1000 df → p ≈ 0.0458 (normal 0.0455).
	if p := regIncBeta(500, 0.5, 1000/(1000+4.0)); p < 0.0455 || p > 0.0460 {
		t.Fatalf("p(t=2, df=1000) = %v", p)
	}
	_, err := LinearRegression([]float64{1}, []float64{1, 2})
	wantInputError(t, err, "y")
	_, err = LinearRegression([]float64{1, 1}, []float64{1, 2})
	wantInsufficient(t, err)
}

// An improving beginner: pace falls from 6:30 to 5:30 per km over six
// weeks (the seed's BeginnerRunnerImproving shape), with noise.
func TestTrendImprovingBeginnerPace(t *testing.T) {
	start := time.Date(2025, 3, 3, 7, 0, 0, 0, time.UTC)
	noise := []float64{4, -3, 2, -5, 1, 3, -2, 0, 5, -4, 2, -1, 3, -3, 1, 0, -2, 4, -1, 2, -3, 1}
	var pts []TrendPoint
	for i := range 22 {
		day := i * 2
		pace := 390 - 60*float64(day)/42 + noise[i]
		pts = append(pts, TrendPoint{Time: start.AddDate(0, 0, day), Value: pace})
	}
	higher, ok := MetricHigherIsBetter("pace")
	if !ok || higher {
		t.Fatal("pace: lower is better")
	}
	r := must[TrendResult](t)(AnalyzeTrend(pts, "pace", higher))
	if r.Direction != "improving" {
		t.Fatalf("direction %s: %s", r.Direction, r.Interpretation)
	}
	if r.Regression.RSquared < 0.9 || r.Regression.Confidence != "high" || r.SlopePerWeek > -9 || r.ChangePercent > -14 {
		t.Fatalf("%+v", r)
	}
	// The same numbers read as power would be declining.
	if d := must[TrendResult](t)(AnalyzeTrend(pts, "power", true)).Direction; d != "declining" {
		t.Fatal(d)
	}
	// Pure noise is stable.
	var flat []TrendPoint
	for i, n := range noise {
		flat = append(flat, TrendPoint{Time: start.AddDate(0, 0, i), Value: 300 + n})
	}
	if d := must[TrendResult](t)(AnalyzeTrend(flat, "pace", false)).Direction; d != "stable" {
		t.Fatal(d)
	}
	_, err := AnalyzeTrend(pts[:2], "pace", false)
	wantInsufficient(t, err)
}

func TestMovingAverages(t *testing.T) {
	v := []float64{1, 2, 3, 4, 5}
	sma := must[[]float64](t)(SimpleMovingAverage(v, 3))
	for i, w := range []float64{1, 1.5, 2, 3, 4} {
		approx(t, "sma", sma[i], w, 1e-12)
	}
	ema := must[[]float64](t)(ExponentialMovingAverage(v, 3))
	approx(t, "ema", ema[4], 0.5*5+0.5*(0.5*4+0.5*(0.5*3+0.5*(0.5*2+0.5*1))), 1e-12)
	wma := must[[]float64](t)(WeightedMovingAverage(v, 3))
	approx(t, "wma", wma[4], (3*1+4*2+5*3)/6.0, 1e-12)
	_, err := SimpleMovingAverage(nil, 3)
	wantInputError(t, err, "values")
	_, err = ExponentialMovingAverage(v, 0)
	wantInputError(t, err, "window")
}
