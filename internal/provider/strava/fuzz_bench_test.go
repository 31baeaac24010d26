package strava

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
)

func FuzzMapActivities(f *testing.F) {
	f.Add(fixture(f, "activities_page1.json"))
	f.Add(fixture(f, "activities_page2.json"))
	f.Add([]byte(`[{"id":1,"start_date":"2020-01-01T00:00:00Z","start_latlng":[1e308,-1e308],"distance":-1e400}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := vendorhttp.Decode[[]activity]("strava", data)
		if err != nil {
			return
		}
		for i := range list {
			a, err := mapActivity(&list[i])
			if err != nil {
				continue
			}
			if a.StartTime.Location().String() != "UTC" || a.DistanceMeters < 0 || a.ElapsedSeconds < 0 {
				t.Fatalf("bad mapping %+v", a)
			}
		}
	})
}

func FuzzMapStreams(f *testing.F) {
	f.Add(fixture(f, "streams.json"))
	f.Add([]byte(`{"time":{"data":[0,1]},"latlng":{"data":[[1,2,3],[4]]}}`))
	f.Add([]byte(`{"time":{"data":[1e300,-1]},"watts":{"data":[1e300,null]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := MapStreamsJSON("1", data)
		if err != nil {
			if s.TimeSeconds != nil {
				t.Fatal("partial streams returned with error")
			}
			return
		}
		n := s.Len()
		for _, l := range []int{len(s.HeartRate), len(s.PowerWatts), len(s.Cadence), len(s.SpeedMPS), len(s.AltitudeMeters), len(s.DistanceMeters), len(s.LatLng), len(s.TemperatureCelsius)} {
			if l != 0 && l != n {
				t.Fatalf("channel length %d != %d", l, n)
			}
		}
	})
}

func FuzzMapOther(f *testing.F) {
	for i, n := range []string{"athlete.json", "stats.json", "laps.json", "zones.json"} {
		f.Add(uint8(i), fixture(f, n))
	}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		switch kind % 4 {
		case 0:
			if v, err := vendorhttp.Decode[athlete]("strava", data); err == nil {
				_, _ = mapAthlete(v)
			}
		case 1:
			if v, err := vendorhttp.Decode[stats]("strava", data); err == nil {
				_ = mapStats(&v, now)
			}
		case 2:
			if v, err := vendorhttp.Decode[[]lap]("strava", data); err == nil {
				_, _ = mapLaps(v)
			}
		case 3:
			if v, err := vendorhttp.Decode[zones]("strava", data); err == nil {
				_ = mapZones(&v)
			}
		}
	})
}

// fourHourStreams builds a 4 h, 1 Hz key_by_type streams answer
// (14,400 samples × 9 channels, latlng counting as one).
func fourHourStreams() []byte {
	const n = 4 * 3600
	var b bytes.Buffer
	series := func(name string, f func(i int) string) {
		fmt.Fprintf(&b, "%q:{\"data\":[", name)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(f(i))
		}
		b.WriteString(`],"series_type":"time","original_size":14400,"resolution":"high"}`)
	}
	b.WriteByte('{')
	series("time", func(i int) string { return fmt.Sprint(i) })
	b.WriteByte(',')
	series("heartrate", func(i int) string { return fmt.Sprint(120 + i%40) })
	b.WriteByte(',')
	series("watts", func(i int) string { return fmt.Sprint(180 + i%120) })
	b.WriteByte(',')
	series("cadence", func(i int) string { return fmt.Sprint(80 + i%15) })
	b.WriteByte(',')
	series("velocity_smooth", func(i int) string { return fmt.Sprintf("%.3f", 8+math.Sin(float64(i)/60)) })
	b.WriteByte(',')
	series("altitude", func(i int) string { return fmt.Sprintf("%.1f", 100+50*math.Sin(float64(i)/900)) })
	b.WriteByte(',')
	series("distance", func(i int) string { return fmt.Sprintf("%.1f", float64(i)*8.1) })
	b.WriteByte(',')
	series("temp", func(i int) string { return fmt.Sprint(18 + i/3600) })
	b.WriteByte(',')
	series("latlng", func(i int) string {
		return fmt.Sprintf("[%.6f,%.6f]", 45.0+float64(i)*1e-5, 5.0+float64(i)*1e-5)
	})
	b.WriteByte('}')
	return b.Bytes()
}

func BenchmarkMapStreams4h(b *testing.B) {
	data := fourHourStreams()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := MapStreamsJSON("1", data)
		if err != nil || s.Len() != 14400 {
			b.Fatal(err)
		}
	}
}

// FuzzFastDecoderAgrees checks that whenever the fast streams decoder
// accepts an input, encoding/json accepts it too and decodes the same value.
func FuzzFastDecoderAgrees(f *testing.F) {
	f.Add(fixture(f, "streams.json"))
	f.Add([]byte(`{"time":{"data":[0,1,2],"x":{"y":[true,false,null,"s"]}},"TIME":null}`))
	f.Add([]byte(`{"time":null,"latlng":{"data":[[1,2],[3.5e1,-4]]},"watts":{"data":[1,null,-0,1e2,0.5]}}`))
	f.Add([]byte(`{"time":{"data":[1],"data":[2]},"time":{"series_type":"t"}} `))
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, err := decodeStreamSet(data)
		if err != nil {
			return
		}
		var ref streamSet
		if err := json.Unmarshal(data, &ref); err != nil {
			t.Fatalf("fast decoder accepted input encoding/json rejects: %v", err)
		}
		if !reflect.DeepEqual(fast, ref) {
			t.Fatalf("decoders disagree:\nfast %+v\nref  %+v", fast, ref)
		}
	})
}

func BenchmarkMapStreams4hEncodingJSON(b *testing.B) {
	data := fourHourStreams()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		set, err := vendorhttp.Decode[streamSet]("strava", data)
		if err != nil {
			b.Fatal(err)
		}
		if s, err := mapStreams("1", &set); err != nil || s.Len() != 14400 {
			b.Fatal(err)
		}
	}
}
