// Package stravatest is a Strava API v3 stand-in for tests: an httptest
// server that answers as Strava documents (athlete, stats, paged activity
// lists, activity detail, streams, OAuth token exchange) for several
// athletes, one per access token, and enforces windowed application rate
// limits the way Strava does: X-RateLimit-Limit and X-RateLimit-Usage on
// every answer and 429 once a window is full. Windows are given scaled
// down, so a test can watch several pass.
package stravatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pierre-fitness/pierre/internal/vendorbudget"
)

// Athlete is one account on the fake.
type Athlete struct {
	ID         int64
	Activities int // activity i (0 = newest) started i×10 h + 1 h ago
	// Deauthorized makes every API call with this athlete's token 401, as
	// after the athlete revoked the application.
	Deauthorized bool
	// Deleted lists activity indexes deleted at Strava.
	Deleted map[int]bool
}

// Server is the fake Strava. Set fields before the first request; use
// Update to change athletes later.
type Server struct {
	*httptest.Server
	Windows []vendorbudget.Window
	// Now is when activity times are measured back from.
	Now time.Time
	// Code is the authorization code the token endpoint accepts; it
	// issues access token CodeToken.
	Code, CodeToken string

	mu       sync.Mutex
	athletes map[string]*Athlete // by access token
	used     map[string]int

	Requests, Refused, Streams, Pages atomic.Int64
}

// New starts a fake with the given athletes (by access token).
func New(t testing.TB, windows []vendorbudget.Window, athletes map[string]*Athlete) *Server {
	s := &Server{Windows: windows, Now: time.Now().UTC().Truncate(time.Second), athletes: athletes, used: map[string]int{}}
	s.Server = httptest.NewServer(s)
	t.Cleanup(s.Close)
	return s
}

// Update changes an athlete under the server's lock.
func (s *Server) Update(token string, f func(a *Athlete)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.athletes[token])
}

// ActivityID is the Strava id of activity i.
func ActivityID(i int) int64 { return 1000000 + int64(i) }

// Start is when activity i started.
func (s *Server) Start(i int) time.Time { return s.Now.Add(-time.Duration(i)*10*time.Hour - time.Hour) }

func (s *Server) activityJSON(i int) map[string]any {
	return map[string]any{
		"resource_state": 2, "id": ActivityID(i), "name": fmt.Sprintf("Ride %d", i), "type": "Ride", "sport_type": "Ride",
		"distance": 30000.0, "moving_time": 3600, "elapsed_time": 3700, "total_elevation_gain": 250.0,
		"start_date": s.Start(i).Format(time.RFC3339), "timezone": "(GMT+00:00) UTC",
		"average_speed": 8.33, "max_speed": 14.0, "average_watts": 200.0, "device_watts": true, "kilojoules": 720.0,
		"has_heartrate": true, "average_heartrate": 140.0, "max_heartrate": 172.0, "manual": false, "trainer": false,
	}
}

func fail(w http.ResponseWriter, status int, resource, field, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	msg := map[int]string{401: "Authorization Error", 404: "Record Not Found", 429: "Rate Limit Exceeded"}[status]
	json.NewEncoder(w).Encode(map[string]any{"message": msg, "errors": []map[string]string{{"resource": resource, "field": field, "code": code}}})
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/oauth/token" {
		s.token(w, r)
		return
	}
	s.Requests.Add(1)
	now := time.Now()
	s.mu.Lock()
	var limits, usage []string
	refuse := false
	for i, win := range s.Windows {
		key := fmt.Sprint(i, ":", now.UnixNano()/int64(win.Length))
		s.used[key]++
		if s.used[key] > win.Limit {
			refuse = true
		}
		limits = append(limits, strconv.Itoa(win.Limit))
		usage = append(usage, strconv.Itoa(s.used[key]))
	}
	a := s.athletes[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	var ath Athlete
	if a != nil {
		ath = *a
	}
	s.mu.Unlock()
	w.Header().Set("X-RateLimit-Limit", strings.Join(limits, ","))
	w.Header().Set("X-RateLimit-Usage", strings.Join(usage, ","))
	if refuse {
		s.Refused.Add(1)
		fail(w, http.StatusTooManyRequests, "Application", "rate limit", "exceeded")
		return
	}
	if a == nil || ath.Deauthorized {
		fail(w, http.StatusUnauthorized, "Athlete", "access_token", "invalid")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	path := strings.TrimPrefix(r.URL.Path, "/api")
	athletePath := fmt.Sprintf("/athletes/%d/stats", ath.ID)
	switch {
	case path == "/athlete":
		json.NewEncoder(w).Encode(map[string]any{"id": ath.ID, "firstname": "Marianne", "lastname": "T", "sex": "F", "resource_state": 3})
	case path == athletePath:
		json.NewEncoder(w).Encode(map[string]any{"all_ride_totals": map[string]any{"count": ath.Activities, "distance": 30000.0 * float64(ath.Activities),
			"moving_time": 3600 * ath.Activities, "elapsed_time": 3700 * ath.Activities, "elevation_gain": 250.0 * float64(ath.Activities)}})
	case path == "/athlete/activities":
		s.Pages.Add(1)
		q := r.URL.Query()
		before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
		page, _ := strconv.Atoi(q.Get("page"))
		per, _ := strconv.Atoi(q.Get("per_page"))
		list := []map[string]any{}
		for i := range ath.Activities {
			if !ath.Deleted[i] && s.Start(i).Unix() < before {
				list = append(list, s.activityJSON(i))
			}
		}
		from := min(max(page-1, 0)*per, len(list))
		json.NewEncoder(w).Encode(list[from:min(from+per, len(list))])
	case strings.HasPrefix(path, "/activities/"):
		rest := strings.TrimPrefix(path, "/activities/")
		idText, sub, _ := strings.Cut(rest, "/")
		id, _ := strconv.ParseInt(idText, 10, 64)
		i := int(id - ActivityID(0))
		if i < 0 || i >= ath.Activities || ath.Deleted[i] {
			fail(w, http.StatusNotFound, "Activity", "id", "invalid")
			return
		}
		if sub == "streams" {
			s.Streams.Add(1)
			json.NewEncoder(w).Encode(streams(60))
			return
		}
		a := s.activityJSON(i)
		a["resource_state"] = 3
		json.NewEncoder(w).Encode(a)
	default:
		fail(w, http.StatusNotFound, "Path", "path", "invalid")
	}
}

func streams(pts int) map[string]any {
	stream := func(v func(int) any) map[string]any {
		data := make([]any, pts)
		for i := range data {
			data[i] = v(i)
		}
		return map[string]any{"data": data, "series_type": "time", "original_size": pts, "resolution": "high"}
	}
	return map[string]any{
		"time":      stream(func(i int) any { return i }),
		"heartrate": stream(func(i int) any { return 120 + i%30 }),
		"watts":     stream(func(i int) any { return 180 + i%50 }),
	}
}

// token answers Strava's POST /oauth/token for the authorization code.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	w.Header().Set("Content-Type", "application/json")
	s.mu.Lock()
	a := s.athletes[s.CodeToken]
	s.mu.Unlock()
	if r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("code") != s.Code || a == nil {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"message": "Bad Request", "errors": []map[string]string{{"resource": "AuthorizationCode", "field": "code", "code": "invalid"}}})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"token_type": "Bearer", "access_token": s.CodeToken, "refresh_token": s.CodeToken + "-refresh",
		"expires_at": time.Now().Add(6 * time.Hour).Unix(), "expires_in": 21600,
		"athlete": map[string]any{"id": a.ID, "firstname": "Marianne"}})
}
