package fitbit

import (
	"bytes"
	"encoding/xml"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
)

// TCX (Garmin Training Center XML v2) as Fitbit exports it.

type tcxValue struct {
	Value float64 `xml:"Value"`
}

type tcxPoint struct {
	Time     string `xml:"Time"`
	Position *struct {
		Lat float64 `xml:"LatitudeDegrees"`
		Lng float64 `xml:"LongitudeDegrees"`
	} `xml:"Position"`
	Altitude  *float64  `xml:"AltitudeMeters"`
	Distance  *float64  `xml:"DistanceMeters"`
	HeartRate *tcxValue `xml:"HeartRateBpm"`
	Cadence   *float64  `xml:"Cadence"`
}

type tcxLap struct {
	StartTime        string     `xml:"StartTime,attr"`
	TotalTimeSeconds float64    `xml:"TotalTimeSeconds"`
	DistanceMeters   float64    `xml:"DistanceMeters"`
	Calories         float64    `xml:"Calories"`
	AverageHeartRate *tcxValue  `xml:"AverageHeartRateBpm"`
	MaximumHeartRate *tcxValue  `xml:"MaximumHeartRateBpm"`
	Points           []tcxPoint `xml:"Track>Trackpoint"`
}

type tcxActivity struct {
	Sport string   `xml:"Sport,attr"`
	ID    string   `xml:"Id"`
	Laps  []tcxLap `xml:"Lap"`
}

type tcxDB struct {
	XMLName    xml.Name      `xml:"TrainingCenterDatabase"`
	Activities []tcxActivity `xml:"Activities>Activity"`
}

// maxTCXPoints bounds the samples accepted from one export (a 48 h
// activity at 1 Hz).
const maxTCXPoints = 48 * 3600

// decodeTCX parses a TCX document. It returns KindInvalidData for anything
// that is not a TCX database with at least one activity.
func decodeTCX(data []byte) (*tcxDB, error) {
	var db tcxDB
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	if err := dec.Decode(&db); err != nil {
		return nil, vendorhttp.InvalidData(provider.Fitbit, "malformed TCX", nil)
	}
	if len(db.Activities) == 0 {
		return nil, invalid("TCX without an activity")
	}
	n := 0
	for _, l := range db.Activities[0].Laps {
		n += len(l.Points)
	}
	if n > maxTCXPoints {
		return nil, invalid("TCX with too many samples")
	}
	return &db, nil
}

var tcxSports = map[string]fitness.Sport{
	"running": fitness.SportRun,
	"biking":  fitness.SportRide,
}

func activityFromTCX(id string, db *tcxDB) (fitness.Activity, error) {
	act := db.Activities[0]
	start, ok := parseTime(strings.TrimSpace(act.ID), time.UTC)
	if !ok && len(act.Laps) > 0 {
		start, ok = parseTime(act.Laps[0].StartTime, time.UTC)
	}
	if !ok {
		return fitness.Activity{}, invalid("TCX activity without a start time")
	}
	sport, known := tcxSports[strings.ToLower(act.Sport)]
	if !known {
		sport = fitness.SportOther
	}
	a := fitness.Activity{
		ID:          id,
		Provider:    provider.Fitbit,
		Name:        act.Sport,
		Sport:       sport,
		SportDetail: act.Sport,
		StartTime:   start,
	}
	var secs, dist, kcal, hrWeighted, hrTime, maxHR float64
	points := 0
	for _, l := range act.Laps {
		t := nonNeg(l.TotalTimeSeconds)
		secs += t
		dist += nonNeg(l.DistanceMeters)
		kcal += nonNeg(l.Calories)
		if l.AverageHeartRate != nil && l.AverageHeartRate.Value > 0 && t > 0 {
			hrWeighted += l.AverageHeartRate.Value * t
			hrTime += t
		}
		if l.MaximumHeartRate != nil && l.MaximumHeartRate.Value > maxHR {
			maxHR = l.MaximumHeartRate.Value
		}
		points += len(l.Points)
	}
	a.ElapsedSeconds = vendorhttp.Seconds(secs)
	a.MovingSeconds = a.ElapsedSeconds
	a.DistanceMeters = dist
	a.Calories = vendorhttp.Opt(kcal)
	if hrTime > 0 {
		a.AverageHeartRate = vendorhttp.Opt(hrWeighted / hrTime)
	}
	a.MaxHeartRate = vendorhttp.Opt(maxHR)
	if dist > 0 && a.ElapsedSeconds > 0 {
		a.AverageSpeed = fitness.Float(dist / float64(a.ElapsedSeconds))
	}
	a.HasStreams = points > 0
	return a, nil
}

// streamsFromTCX flattens the trackpoints into parallel arrays. Time is the
// offset from the first trackpoint. A channel is present when any point has
// it; points that lack it carry the previous value (heart rate: 0, i.e.
// dropout).
func streamsFromTCX(id string, db *tcxDB) (fitness.Streams, error) {
	out := fitness.Streams{ActivityID: id, Provider: provider.Fitbit}
	var pts []*tcxPoint
	for li := range db.Activities[0].Laps {
		l := &db.Activities[0].Laps[li]
		for pi := range l.Points {
			pts = append(pts, &l.Points[pi])
		}
	}
	if len(pts) == 0 {
		return out, nil
	}
	n := len(pts)
	var hasPos, hasAlt, hasDist, hasHR, hasCad bool
	for _, p := range pts {
		hasPos = hasPos || (p.Position != nil && vendorhttp.ValidLatLng(p.Position.Lat, p.Position.Lng))
		hasAlt = hasAlt || p.Altitude != nil
		hasDist = hasDist || p.Distance != nil
		hasHR = hasHR || p.HeartRate != nil
		hasCad = hasCad || p.Cadence != nil
	}
	out.TimeSeconds = make([]int32, n)
	if hasHR {
		out.HeartRate = make([]int16, n)
	}
	if hasCad {
		out.Cadence = make([]int16, n)
	}
	if hasAlt {
		out.AltitudeMeters = make([]float32, n)
	}
	if hasDist {
		out.DistanceMeters = make([]float32, n)
	}
	if hasPos {
		out.LatLng = make([][2]float64, n)
	}
	var t0 time.Time
	var prevT int32
	var lastAlt, lastDist float32
	var lastPos [2]float64
	posSeen := false
	for i, p := range pts {
		t, ok := parseTime(strings.TrimSpace(p.Time), time.UTC)
		if !ok {
			return fitness.Streams{}, invalid("TCX trackpoint without a readable time")
		}
		if i == 0 {
			t0 = t
		}
		off := t.Sub(t0).Seconds()
		if off < 0 || off > 1e9 || int32(off) < prevT {
			return fitness.Streams{}, invalid("TCX trackpoints out of order")
		}
		out.TimeSeconds[i], prevT = int32(off), int32(off)
		if hasHR && p.HeartRate != nil {
			out.HeartRate[i] = vendorhttp.Clamp16(p.HeartRate.Value)
		}
		if hasCad && p.Cadence != nil {
			out.Cadence[i] = vendorhttp.Clamp16(*p.Cadence)
		}
		if hasAlt {
			if p.Altitude != nil {
				lastAlt = vendorhttp.F32(*p.Altitude)
			}
			out.AltitudeMeters[i] = lastAlt
		}
		if hasDist {
			if p.Distance != nil {
				lastDist = vendorhttp.F32(*p.Distance)
			}
			out.DistanceMeters[i] = lastDist
		}
		if hasPos {
			if p.Position != nil && vendorhttp.ValidLatLng(p.Position.Lat, p.Position.Lng) {
				lastPos = [2]float64{p.Position.Lat, p.Position.Lng}
				if !posSeen {
					// Back-fill leading points without a fix.
					for j := 0; j < i; j++ {
						out.LatLng[j] = lastPos
					}
					posSeen = true
				}
			}
			out.LatLng[i] = lastPos
		}
	}
	return out, nil
}
