package intelligence

import (
	"fmt"
	"math"
	"time"
)

// Regression is an ordinary-least-squares line y = Intercept + Slope·x.
type Regression struct {
	N         int     `json:"n"`
	Slope     float64 `json:"slope"`
	Intercept float64 `json:"intercept"`
	RSquared  float64 `json:"r_squared"`
	// R is the correlation coefficient, sign(slope)·√R².
	R           float64 `json:"r"`
	StdErrSlope float64 `json:"stderr_slope"`
	// PValue is the two-sided p-value of the slope (t-test, n − 2 degrees
	// of freedom); nil when n < 3.
	PValue *float64 `json:"p_value,omitempty"`
	// Strength is the R² band: "weak" (< 0.3), "moderate" (< 0.5),
	// "strong" (< 0.7), "very_strong".
	Strength string `json:"strength"`
	// Confidence is the seed's (n, R²) table: "high" (n ≥ 15, R² ≥ 0.7),
	// "medium" (n ≥ 8, R² ≥ 0.5), "low" (n ≥ 3, R² ≥ 0.3), else
	// "very_low".
	Confidence string `json:"confidence"`
}

// LinearRegression fits y on x by least squares (centred sums for
// numerical stability). Needs two points with different x.
func LinearRegression(x, y []float64) (Regression, error) {
	if len(x) != len(y) {
		return Regression{}, inputErr("y", "must have the same length as x (%d), got %d", len(x), len(y))
	}
	if len(x) < 2 {
		return Regression{}, insufficient("regression", "at least two points")
	}
	for i := range x {
		if !finite(x[i]) {
			return Regression{}, inputErr(fmt.Sprintf("x[%d]", i), "must be a finite number")
		}
		if !finite(y[i]) {
			return Regression{}, inputErr(fmt.Sprintf("y[%d]", i), "must be a finite number")
		}
	}
	n := float64(len(x))
	mx, my := mean(x), mean(y)
	var sxx, sxy, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	if sxx == 0 {
		return Regression{}, insufficient("regression", "points at two or more different x values")
	}
	r := Regression{N: len(x), Slope: sxy / sxx}
	r.Intercept = my - r.Slope*mx
	if syy > 0 {
		r.RSquared = math.Min(sxy*sxy/(sxx*syy), 1)
	}
	r.R = math.Copysign(math.Sqrt(r.RSquared), r.Slope)
	if len(x) >= 3 {
		ssRes := math.Max(syy-r.Slope*sxy, 0)
		df := n - 2
		r.StdErrSlope = math.Sqrt(ssRes / df / sxx)
		var p float64
		switch {
		case r.Slope == 0:
			p = 1
		case r.StdErrSlope == 0:
			p = 0
		default:
			t := r.Slope / r.StdErrSlope
			p = regIncBeta(df/2, 0.5, df/(df+t*t))
		}
		r.PValue = &p
	}
	switch {
	case r.RSquared < 0.3:
		r.Strength = "weak"
	case r.RSquared < 0.5:
		r.Strength = "moderate"
	case r.RSquared < 0.7:
		r.Strength = "strong"
	default:
		r.Strength = "very_strong"
	}
	switch {
	case r.N >= 15 && r.RSquared >= 0.7:
		r.Confidence = "high"
	case r.N >= 8 && r.RSquared >= 0.5:
		r.Confidence = "medium"
	case r.N >= 3 && r.RSquared >= 0.3:
		r.Confidence = "low"
	default:
		r.Confidence = "very_low"
	}
	return r, nil
}

// regIncBeta is the regularised incomplete beta function I_x(a, b)
// (continued fraction, modified Lentz).
func regIncBeta(a, b, x float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(lab - la - lb + a*math.Log(x) + b*math.Log1p(-x))
	if x < (a+1)/(a+b+2) {
		return front * betaCF(a, b, x) / a
	}
	return 1 - front*betaCF(b, a, 1-x)/b
}

func betaCF(a, b, x float64) float64 {
	const eps, tiny = 1e-14, 1e-300
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 300; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < eps {
			break
		}
	}
	return h
}

// TrendPoint is one observation of a metric.
type TrendPoint struct {
	Time  time.Time `json:"time"`
	Value float64   `json:"value"`
}

// TrendResult is a metric's trend over time.
type TrendResult struct {
	Metric         string     `json:"metric"`
	HigherIsBetter bool       `json:"higher_is_better"`
	Regression     Regression `json:"regression"`
	SlopePerDay    float64    `json:"slope_per_day"`
	SlopePerWeek   float64    `json:"slope_per_week"`
	From           time.Time  `json:"from"`
	To             time.Time  `json:"to"`
	StartValue     float64    `json:"fitted_start_value"`
	EndValue       float64    `json:"fitted_end_value"`
	// ChangePercent is the fitted change over the span, relative to the
	// fitted start.
	ChangePercent float64 `json:"change_percent"`
	// Direction is "improving", "declining" or "stable": stable when the
	// slope is not significant (p ≥ 0.05) or the fitted change is under
	// 1 %; otherwise the sign of the slope read with HigherIsBetter.
	Direction      string `json:"direction"`
	Interpretation string `json:"interpretation"`
}

// metricDirections says which way is better for Pierre's trend metrics.
var metricDirections = map[string]bool{
	"pace": false, "heart_rate": false, "resting_heart_rate": false,
	"power": true, "speed": true, "distance": true, "duration": true,
	"efficiency_factor": true, "vdot": true, "vo2max": true, "hrv": true,
	"ftp": true, "ctl": true, "elevation_gain": true,
}

// MetricHigherIsBetter reports whether larger values of a known metric are
// better (pace and heart rate: lower is better). ok is false for unknown
// metrics.
func MetricHigherIsBetter(metric string) (higher, ok bool) {
	higher, ok = metricDirections[metric]
	return higher, ok
}

// AnalyzeTrend regresses a metric on time (x in days since the first
// point, so slopes are per day) and classifies the direction with the
// metric's sign convention.
func AnalyzeTrend(points []TrendPoint, metric string, higherIsBetter bool) (TrendResult, error) {
	if len(points) < 3 {
		return TrendResult{}, insufficient("trend of "+metric, fmt.Sprintf("at least 3 data points (have %d)", len(points)))
	}
	t0, t1 := points[0].Time, points[0].Time
	for _, p := range points {
		if p.Time.Before(t0) {
			t0 = p.Time
		}
		if p.Time.After(t1) {
			t1 = p.Time
		}
	}
	x := make([]float64, len(points))
	y := make([]float64, len(points))
	for i, p := range points {
		x[i] = p.Time.Sub(t0).Hours() / 24
		y[i] = p.Value
	}
	reg, err := LinearRegression(x, y)
	if err != nil {
		return TrendResult{}, err
	}
	span := t1.Sub(t0).Hours() / 24
	r := TrendResult{Metric: metric, HigherIsBetter: higherIsBetter, Regression: reg,
		SlopePerDay: reg.Slope, SlopePerWeek: reg.Slope * 7, From: t0, To: t1,
		StartValue: reg.Intercept, EndValue: reg.Intercept + reg.Slope*span}
	if r.StartValue != 0 {
		r.ChangePercent = (r.EndValue - r.StartValue) / math.Abs(r.StartValue) * 100
	}
	significant := reg.PValue != nil && *reg.PValue < 0.05
	switch {
	case !significant || math.Abs(r.ChangePercent) < 1:
		r.Direction = "stable"
	case (reg.Slope > 0) == higherIsBetter:
		r.Direction = "improving"
	default:
		r.Direction = "declining"
	}
	p := "n/a"
	if reg.PValue != nil {
		p = fmt.Sprintf("%.3f", *reg.PValue)
	}
	r.Interpretation = fmt.Sprintf("%s is %s: %+.1f%% over %.0f days (R² %.2f, p %s, %d points, %s confidence)",
		metric, r.Direction, r.ChangePercent, span, reg.RSquared, p, reg.N, reg.Confidence)
	return r, nil
}

// SimpleMovingAverage returns the trailing mean over window values, one
// output per input (the first window−1 outputs average what is available).
func SimpleMovingAverage(values []float64, window int) ([]float64, error) {
	if err := checkMA(values, window); err != nil {
		return nil, err
	}
	out := make([]float64, len(values))
	s := 0.0
	for i, v := range values {
		s += v
		if i >= window {
			s -= values[i-window]
		}
		out[i] = s / float64(min(i+1, window))
	}
	return out, nil
}

// ExponentialMovingAverage uses α = 2/(window+1), seeded with the first
// value.
func ExponentialMovingAverage(values []float64, window int) ([]float64, error) {
	if err := checkMA(values, window); err != nil {
		return nil, err
	}
	a := 2 / float64(window+1)
	out := make([]float64, len(values))
	e := values[0]
	for i, v := range values {
		e = a*v + (1-a)*e
		out[i] = e
	}
	return out, nil
}

// WeightedMovingAverage weights the trailing window linearly (newest =
// window), over what is available at the start.
func WeightedMovingAverage(values []float64, window int) ([]float64, error) {
	if err := checkMA(values, window); err != nil {
		return nil, err
	}
	out := make([]float64, len(values))
	for i := range values {
		lo := max(0, i-window+1)
		var num, den float64
		for j := lo; j <= i; j++ {
			w := float64(j - lo + 1)
			num += w * values[j]
			den += w
		}
		out[i] = num / den
	}
	return out, nil
}

func checkMA(values []float64, window int) error {
	if len(values) == 0 {
		return inputErr("values", "must not be empty")
	}
	if window < 1 {
		return inputErr("window", "must be at least 1, got %d", window)
	}
	for i, v := range values {
		if !finite(v) {
			return inputErr(fmt.Sprintf("values[%d]", i), "must be a finite number")
		}
	}
	return nil
}
