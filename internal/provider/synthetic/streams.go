package synthetic

import (
	"math"
	"math/rand/v2"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
)

// intensityAt is the planned intensity (fraction of threshold) at second t
// of a session of n seconds.
func intensityAt(w workout, t, n int) float64 {
	const warm = 600
	base := w.intensity
	if w.kind != "race" && t < warm && n > 2*warm {
		return 0.55 + (base-0.55)*float64(t)/warm
	}
	if w.kind != "race" && t > n-300 && n > 2*warm {
		return 0.55
	}
	switch w.kind {
	case "intervals":
		// Work/rest blocks of 4 and 2 minutes after the warm-up.
		if n > 2*warm && t >= warm {
			if (t-warm)%360 < 240 {
				return math.Min(1.18, base+0.25)
			}
			return 0.55
		}
	case "long":
		// Rolling terrain makes effort breathe on a 12-minute period.
		return base + 0.06*math.Sin(2*math.Pi*float64(t)/720)
	}
	return base
}

// Streams regenerates the 1 Hz samples of an activity. Averages of the
// returned channels equal the activity's summary values.
func (ds *Dataset) Streams(id string) (fitness.Streams, error) {
	i, ok := ds.byID[id]
	if !ok {
		return fitness.Streams{}, provider.NotFound(provider.Synthetic, "activity", id)
	}
	a := ds.Activities[i]
	if !a.HasStreams {
		return fitness.Streams{}, &provider.Error{Provider: provider.Synthetic, Kind: provider.KindNotFound,
			Message: "activity " + id + " was recorded without a sensor stream"}
	}
	w := ds.plans[id]
	p := ds.profile
	n := a.MovingSeconds
	r := rand.New(rand.NewPCG(SeedFor(id), ds.seed))

	s := fitness.Streams{ActivityID: id, Provider: provider.Synthetic,
		TimeSeconds: make([]int32, n), HeartRate: make([]int16, n), Cadence: make([]int16, n),
		SpeedMPS: make([]float32, n), AltitudeMeters: make([]float32, n), DistanceMeters: make([]float32, n),
		LatLng: make([][2]float64, n)}
	ride := a.Sport.Family() == fitness.SportRide
	var power []float64
	if ride {
		s.PowerWatts = make([]int16, n)
		power = make([]float64, n)
	}
	hrTarget := func(in float64) float64 {
		return p.restingHR + (p.maxHR-p.restingHR)*math.Min(0.35+0.6*in, 0.98)
	}
	// Altitude: two superposed hills sized to the summary's climbing.
	climbsPerHour := 3.0
	amp := a.ElevationGainMeters / (2 * climbsPerHour * float64(n) / 3600 * 1.3)
	var noise, hr, sumHR, sumP, sumV float64
	hr = p.restingHR + 20
	speed := make([]float64, n)
	for t := range n {
		in := intensityAt(w, t, n)
		noise = 0.85*noise + 0.15*r.NormFloat64()
		drift := 0.04 * float64(t) / float64(n) * (p.maxHR - p.restingHR) // cardiac drift
		hr += (hrTarget(in) + drift - hr) / 25                            // ~25 s response
		sumHR += hr
		s.TimeSeconds[t] = int32(t)
		s.AltitudeMeters[t] = float32(350 + amp*(math.Sin(2*math.Pi*float64(t)*climbsPerHour/3600)+0.3*math.Sin(2*math.Pi*float64(t)*climbsPerHour*3.7/3600)))
		if ride {
			pw := math.Max(0, in*ds.ftpOn(a.StartTime)*(1+0.12*noise))
			if r.Float64() < 0.02 {
				pw = 0 // coasting
			}
			power[t] = pw
			sumP += pw
			speed[t] = 8.3 * math.Cbrt(math.Max(pw, 40)/200)
			s.Cadence[t] = int16(math.Max(0, 88+4*noise))
		} else {
			speed[t] = math.Max(0.5, in*(1+0.04*noise))
			s.Cadence[t] = int16(172 + 3*noise)
		}
		sumV += speed[t]
	}
	// Scale channels so their means match the summary.
	hrShift := 0.0
	if a.AverageHeartRate != nil {
		hrShift = *a.AverageHeartRate - sumHR/float64(n)
	}
	pScale := 1.0
	if ride && a.AveragePower != nil && sumP > 0 {
		pScale = *a.AveragePower * float64(n) / sumP
	}
	vScale := a.DistanceMeters / sumV
	// Recompute HR with the same noise path is unnecessary: a constant
	// shift keeps the shape and fixes the mean.
	hr = p.restingHR + 20
	r2 := rand.New(rand.NewPCG(SeedFor(id), ds.seed+1))
	var dist float64
	loop := math.Max(a.DistanceMeters, 1000) / math.Max(1, math.Round(a.DistanceMeters/15000))
	const earthR = 6_371_000.0
	radius := loop / (2 * math.Pi)
	for t := range n {
		in := intensityAt(w, t, n)
		drift := 0.04 * float64(t) / float64(n) * (p.maxHR - p.restingHR)
		hr += (hrTarget(in) + drift - hr) / 25
		s.HeartRate[t] = int16(math.Round(hr + hrShift + 0.8*r2.NormFloat64()))
		if ride {
			s.PowerWatts[t] = int16(math.Round(power[t] * pScale))
		}
		v := speed[t] * vScale
		s.SpeedMPS[t] = float32(v)
		dist += v
		s.DistanceMeters[t] = float32(dist)
		ang := 2 * math.Pi * dist / loop
		s.LatLng[t] = [2]float64{
			p.homeLat + (radius*math.Sin(ang))/earthR*180/math.Pi,
			p.homeLng + (radius*(1-math.Cos(ang)))/(earthR*math.Cos(p.homeLat*math.Pi/180))*180/math.Pi,
		}
	}
	return s, nil
}
