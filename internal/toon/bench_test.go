package toon

import (
	"encoding/json"
	"fmt"
	"testing"
)

// The encoder runs on every "format": "toon" tool call; these measure it on
// activity-list answers of typical (50) and large (400, about a year) size,
// next to encoding/json alone as the floor Marshal builds on.
func BenchmarkEncode(b *testing.B) {
	for _, n := range []int{50, 400} {
		answer := activityList{Activities: makeActivities(n), Count: n}
		js, err := json.Marshal(answer)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("Marshal/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(js)))
			for b.Loop() {
				if _, err := Marshal(answer); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("FromJSON/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(js)))
			for b.Loop() {
				if _, err := FromJSON(js); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("json.Marshal/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(js)))
			for b.Loop() {
				if _, err := json.Marshal(answer); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkUnmarshal(b *testing.B) {
	answer := activityList{Activities: makeActivities(400), Count: 400}
	out, err := Marshal(answer)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(out)))
	for b.Loop() {
		if _, err := Unmarshal(out); err != nil {
			b.Fatal(err)
		}
	}
}
