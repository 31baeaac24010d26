package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/intelligence"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/store/sqlstore"
	"github.com/pierre-fitness/pierre/internal/usersettings"
)

// owners creates a user, a second user of the same tenant and a user of
// another tenant.
func owners(t *testing.T, s *sqlstore.Store) (me, neighbour, stranger store.User) {
	t.Helper()
	ctx := context.Background()
	ta, tb := tenant("a-"+uuid.NewString()[:8], t0), tenant("b-"+uuid.NewString()[:8], t0)
	for _, tn := range []store.Tenant{ta, tb} {
		if err := s.CreateTenant(ctx, tn); err != nil {
			t.Fatal(err)
		}
	}
	me, neighbour, stranger = user(ta.ID, uuid.NewString()+"@a.example", t0), user(ta.ID, uuid.NewString()+"@a.example", t0), user(tb.ID, uuid.NewString()+"@b.example", t0)
	for _, u := range []store.User{me, neighbour, stranger} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	return me, neighbour, stranger
}

func TestGoals(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		me, neighbour, stranger := owners(t, s)
		g := usersettings.Goal{ID: uuid.NewString(), Title: "Sub-20 5k", Description: "spring race", GoalType: "time",
			TargetValue: 1199, Unit: "seconds", SportType: "run", DistanceMeters: 5000,
			StartDate: intelligence.NewDate(2026, 3, 1), TargetDate: intelligence.NewDate(2026, 6, 30),
			StartValue: 1260.5, Status: usersettings.GoalActive, CreatedAt: t0, UpdatedAt: t0}
		if err := s.CreateGoal(ctx, me.TenantID, me.ID, g); err != nil {
			t.Fatal(err)
		}
		later := g
		later.ID, later.Title, later.CreatedAt = uuid.NewString(), "200 km", t0.Add(time.Hour)
		if err := s.CreateGoal(ctx, me.TenantID, me.ID, later); err != nil {
			t.Fatal(err)
		}
		got, err := s.Goal(ctx, me.TenantID, me.ID, g.ID)
		if err != nil || got.Title != g.Title || got.TargetValue != 1199 || got.StartValue != 1260.5 || got.DistanceMeters != 5000 ||
			got.TargetDate != g.TargetDate || got.StartDate != g.StartDate || !got.CreatedAt.Equal(t0) || got.Description != "spring race" {
			t.Fatalf("round trip: %+v %v", got, err)
		}
		list, err := s.ListGoals(ctx, me.TenantID, me.ID)
		if err != nil || len(list) != 2 || list[0].ID != later.ID {
			t.Fatalf("list, newest first: %+v %v", list, err)
		}
		if err := s.SetGoalStatus(ctx, me.TenantID, me.ID, g.ID, usersettings.GoalAchieved, t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Goal(ctx, me.TenantID, me.ID, g.ID); got.Status != usersettings.GoalAchieved || !got.UpdatedAt.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("status: %+v", got)
		}
		// Another user of the tenant, and a user of another tenant (even
		// when naming my tenant), see nothing and change nothing.
		for _, o := range []store.User{neighbour, stranger, {ID: stranger.ID, TenantID: me.TenantID}, {ID: me.ID, TenantID: stranger.TenantID}} {
			if _, err := s.Goal(ctx, o.TenantID, o.ID, g.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("%s/%s reads my goal: %v", o.TenantID, o.ID, err)
			}
			if l, err := s.ListGoals(ctx, o.TenantID, o.ID); err != nil || len(l) != 0 {
				t.Fatalf("%s lists my goals: %v %v", o.ID, l, err)
			}
			if err := s.SetGoalStatus(ctx, o.TenantID, o.ID, g.ID, usersettings.GoalActive, t0); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("%s updates my goal: %v", o.ID, err)
			}
		}
		if err := s.CreateGoal(ctx, me.TenantID, me.ID, g); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate id: %v", err)
		}
	})
}

func TestUserConfiguration(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		me, neighbour, stranger := owners(t, s)
		if _, err := s.UserConfig(ctx, me.TenantID, me.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("nothing stored yet: %v", err)
		}
		c := usersettings.UserConfig{Profile: "elite", Algorithms: map[string]string{"tss": "avg_power"},
			Parameters: usersettings.Physiology{FTPWatts: 280, LTHR: 168, MaxHR: 192, RestingHR: 45, WeightKg: 71.5, VO2max: 62, AgeYears: 34, Sex: "female"},
			UpdatedAt:  t0}
		if err := s.PutUserConfig(ctx, me.TenantID, me.ID, c); err != nil {
			t.Fatal(err)
		}
		got, err := s.UserConfig(ctx, me.TenantID, me.ID)
		if err != nil || got.Profile != "elite" || got.Algorithms["tss"] != "avg_power" || got.Parameters != c.Parameters || !got.UpdatedAt.Equal(t0) {
			t.Fatalf("round trip: %+v %v", got, err)
		}
		c.Profile, c.Parameters.FTPWatts, c.UpdatedAt = "", 290, t0.Add(time.Hour)
		if err := s.PutUserConfig(ctx, me.TenantID, me.ID, c); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.UserConfig(ctx, me.TenantID, me.ID); got.Profile != "" || got.Parameters.FTPWatts != 290 {
			t.Fatalf("replace: %+v", got)
		}
		for _, o := range []store.User{neighbour, stranger, {ID: me.ID, TenantID: stranger.TenantID}} {
			if _, err := s.UserConfig(ctx, o.TenantID, o.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("%s/%s reads my configuration: %v", o.TenantID, o.ID, err)
			}
		}
	})
}

func TestFitnessConfigurations(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		me, neighbour, stranger := owners(t, s)
		fc := usersettings.FitnessConfig{Name: "default", CreatedAt: t0, UpdatedAt: t0, Configuration: usersettings.FitnessConfiguration{
			Physiology:     usersettings.Physiology{FTPWatts: 250, LTHR: 165, MaxHR: 190, RestingHR: 50, WeightKg: 70},
			HeartRateZones: map[string]usersettings.ZoneRange{"zone1": {Min: 100, Max: 120}, "zone2": {Min: 120, Max: 140}},
		}}
		created, err := s.PutFitnessConfig(ctx, me.TenantID, me.ID, fc)
		if err != nil || !created {
			t.Fatalf("create: %v %v", created, err)
		}
		fc.Configuration.FTPWatts, fc.UpdatedAt, fc.CreatedAt = 260, t0.Add(time.Hour), t0.Add(time.Hour)
		if created, err := s.PutFitnessConfig(ctx, me.TenantID, me.ID, fc); err != nil || created {
			t.Fatalf("replace: %v %v", created, err)
		}
		got, err := s.FitnessConfig(ctx, me.TenantID, me.ID, "default")
		if err != nil || got.Configuration.FTPWatts != 260 || got.Configuration.HeartRateZones["zone2"].Max != 140 ||
			!got.CreatedAt.Equal(t0) || !got.UpdatedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("replace keeps created_at, updates the rest: %+v %v", got, err)
		}
		race := fc
		race.Name = "race-season"
		if _, err := s.PutFitnessConfig(ctx, me.TenantID, me.ID, race); err != nil {
			t.Fatal(err)
		}
		list, err := s.ListFitnessConfigs(ctx, me.TenantID, me.ID)
		if err != nil || len(list) != 2 || list[0].Name != "default" || list[1].Name != "race-season" {
			t.Fatalf("list by name: %+v %v", list, err)
		}
		// The same name in another user's space is independent.
		if _, err := s.PutFitnessConfig(ctx, neighbour.TenantID, neighbour.ID, usersettings.FitnessConfig{Name: "default", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		for _, o := range []store.User{stranger, {ID: me.ID, TenantID: stranger.TenantID}, {ID: stranger.ID, TenantID: me.TenantID}} {
			if _, err := s.FitnessConfig(ctx, o.TenantID, o.ID, "race-season"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("%s/%s reads my configuration: %v", o.TenantID, o.ID, err)
			}
			if l, _ := s.ListFitnessConfigs(ctx, o.TenantID, o.ID); len(l) != 0 {
				t.Fatalf("%s lists mine: %+v", o.ID, l)
			}
			if err := s.DeleteFitnessConfig(ctx, o.TenantID, o.ID, "race-season"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("%s deletes mine: %v", o.ID, err)
			}
		}
		if err := s.DeleteFitnessConfig(ctx, neighbour.TenantID, neighbour.ID, "default"); err != nil {
			t.Fatal(err)
		}
		if got, err := s.FitnessConfig(ctx, me.TenantID, me.ID, "default"); err != nil || got.Configuration.FTPWatts != 260 {
			t.Fatalf("my default survives the neighbour's delete: %+v %v", got, err)
		}
		if err := s.DeleteFitnessConfig(ctx, me.TenantID, me.ID, "race-season"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteFitnessConfig(ctx, me.TenantID, me.ID, "race-season"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
	})
}

// BenchmarkStoredSettings is the per-call cost analyses pay to read a
// user's settings (two primary-key reads and the merge).
func BenchmarkStoredSettings(b *testing.B) {
	for _, d := range Engines(b) {
		b.Run(string(d), func(b *testing.B) {
			s := Open(b, d)
			ctx := context.Background()
			tn := tenant("bench", t0)
			u := user(tn.ID, "bench@example.com", t0)
			if err := s.CreateTenant(ctx, tn); err != nil {
				b.Fatal(err)
			}
			if err := s.CreateUser(ctx, u); err != nil {
				b.Fatal(err)
			}
			s.PutUserConfig(ctx, tn.ID, u.ID, usersettings.UserConfig{Profile: "elite", Algorithms: map[string]string{"tss": "avg_power"},
				Parameters: usersettings.Physiology{FTPWatts: 250}, UpdatedAt: t0})
			s.PutFitnessConfig(ctx, tn.ID, u.ID, usersettings.FitnessConfig{Name: "default", CreatedAt: t0, UpdatedAt: t0,
				Configuration: usersettings.FitnessConfiguration{Physiology: usersettings.Physiology{LTHR: 165}}})
			r := usersettings.Stored{Store: s, Defaults: usersettings.Defaults{Algorithms: intelligence.DefaultAlgorithms()}}
			p := auth.Principal{TenantID: tn.ID, UserID: u.ID}
			for b.Loop() {
				if set, err := r.Settings(ctx, p); err != nil || set.Overrides.LTHRBPM != 165 {
					b.Fatal(set, err)
				}
			}
		})
	}
}
