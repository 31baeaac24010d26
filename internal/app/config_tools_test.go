package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/pierre-fitness/pierre/internal/store/storetest"
)

// tool calls name and fails the test unless it answers without error.
func tool(t testing.TB, cs *mcp.ClientSession, name string, args map[string]any) map[string]any {
	t.Helper()
	res, out := call(t, cs, name, args)
	if res.IsError {
		t.Fatalf("%s(%v) failed: %s", name, args, text(res))
	}
	return out
}

// toolErr calls name and returns the error it must give: a JSON-RPC error
// (bad arguments) or an isError result.
func toolErr(t testing.TB, cs *mcp.ClientSession, name string, args map[string]any) string {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		return err.Error()
	}
	if !res.IsError {
		t.Fatalf("%s(%v) should fail, answered %s", name, args, text(res))
	}
	return text(res)
}

func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// dig walks a decoded JSON value: dig(m, "power_zones", "zones", 1, "min_watts").
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func numAt(t testing.TB, v any, path ...any) float64 {
	t.Helper()
	f, ok := dig(v, path...).(float64)
	if !ok {
		b, _ := json.Marshal(v)
		t.Fatalf("no number at %v in %s", path, b)
	}
	return f
}

func future(days int) string { return time.Now().UTC().AddDate(0, 0, days).Format(time.DateOnly) }

func TestConfigToolsOnDemoAthlete(t *testing.T) {
	for _, d := range storetest.Engines(t) {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			s := startServer(t, d)
			cs := connect(t, s, demoToken(t, s), nil)

			cat := tool(t, cs, "get_configuration_catalog", nil)
			if algos, _ := cat["algorithms"].([]any); len(algos) != 9 || len(dig(cat, "parameters").([]any)) == 0 {
				t.Fatalf("catalog: %v", cat)
			}
			prof := tool(t, cs, "get_configuration_profiles", nil)
			if ps, _ := prof["profiles"].([]any); len(ps) != 5 || dig(ps[0], "name") != "research" {
				t.Fatalf("profiles: %v", prof)
			}
			if uc := tool(t, cs, "get_user_configuration", nil); dig(uc, "effective_algorithms", "maxhr") != "tanaka" {
				t.Fatalf("defaults before any change: %v", uc)
			}
			v := tool(t, cs, "validate_configuration", map[string]any{"parameters": map[string]any{"max_hr": 150, "resting_hr": 60, "threshold_hr": 160}})
			if v["valid"] != false || !strings.Contains(fmt.Sprint(v["errors"]), "parameters.threshold_hr (160) must be less than max_hr (150)") {
				t.Fatalf("validate: %v", v)
			}
			if v := tool(t, cs, "validate_configuration", map[string]any{"parameters": map[string]any{"ftp": 250, "max_hr": 190}}); v["valid"] != true {
				t.Fatalf("valid configuration: %v", v)
			}

			// Stored FTP and LTHR give Coggan's published zones.
			up := tool(t, cs, "update_user_configuration", map[string]any{"profile": "Elite",
				"parameters": map[string]any{"ftp": 250, "lthr": 170, "max_hr": 190, "resting_hr": 50},
				"algorithms": map[string]any{"tss": "AVG_POWER"}})
			if dig(up, "stored", "profile") != "elite" || dig(up, "stored", "algorithms", "tss") != "avg_power" ||
				dig(up, "effective_algorithms", "maxhr") != "nes" || dig(up, "effective_algorithms", "tss") != "avg_power" {
				t.Fatalf("update: %v", up)
			}
			z := tool(t, cs, "calculate_personalized_zones", nil)
			// Coggan power zones from FTP 250 W: lower bounds 0, 55, 75, 90, 105, 120, 150 % of FTP.
			for i, want := range []float64{0, 137.5, 187.5, 225, 262.5, 300, 375} {
				if got := numAt(t, z, "power_zones", "zones", i, "min_watts"); math.Abs(got-want) > 1e-9 {
					t.Errorf("power zone %d starts at %v W, want %v", i+1, got, want)
				}
			}
			// Coggan heart-rate zones from LTHR 170: 69, 84, 95, 106 % of LTHR.
			for i, want := range []float64{0, 117.3, 142.8, 161.5, 180.2} {
				if got := numAt(t, z, "lthr_zones", "zones", i, "min_bpm"); math.Abs(got-want) > 1e-9 {
					t.Errorf("LTHR zone %d starts at %v bpm, want %v", i+1, got, want)
				}
			}
			// Karvonen from 190/50: zone 1 starts at 50 % of reserve = 120 bpm.
			if got := numAt(t, z, "heart_rate_zones", "zones", 0, "min_bpm"); got != 120 || dig(z, "inputs", "ftp", "source") != "your configuration" {
				t.Fatalf("karvonen %v, inputs %v", got, z["inputs"])
			}
			// A new stored FTP changes the zones answered.
			tool(t, cs, "update_user_configuration", map[string]any{"parameters": map[string]any{"ftp": 300}})
			if got := numAt(t, tool(t, cs, "calculate_personalized_zones", nil), "power_zones", "zones", 3, "min_watts"); got != 270 {
				t.Fatalf("threshold zone after FTP 300: %v W, want 270", got)
			}
			// An argument wins for that answer only.
			if got := numAt(t, tool(t, cs, "calculate_personalized_zones", map[string]any{"ftp": 200}), "power_zones", "ftp_watts"); got != 200 {
				t.Fatalf("ftp argument: %v", got)
			}

			// Bad input names the field and stores nothing.
			for _, c := range []struct {
				args map[string]any
				want []string
			}{
				{map[string]any{"parameters": map[string]any{"ftp": -5}}, []string{"parameters.ftp", "between 50 and 600 W, got -5"}},
				{map[string]any{"parameters": map[string]any{"max_hr": 100, "resting_hr": 100}}, []string{"parameters.resting_hr", "must be less than max_hr (100)"}},
				{map[string]any{"algorithms": map[string]any{"tss": "magic"}}, []string{"algorithms.tss", "avg_power, normalized_power, hybrid"}},
				{map[string]any{"algorithms": map[string]any{"warp": "x"}}, []string{"algorithms.warp", "training_load"}},
				{map[string]any{"profile": "pro", "parameters": map[string]any{"ftp": 310}}, []string{"profile", "research, elite, recreational, beginner, medical"}},
			} {
				msg := toolErr(t, cs, "update_user_configuration", c.args)
				for _, w := range c.want {
					if !strings.Contains(msg, w) {
						t.Errorf("update %v: error %q lacks %q", c.args, msg, w)
					}
				}
			}
			if uc := tool(t, cs, "get_user_configuration", nil); numAt(t, uc, "stored", "parameters", "ftp") != 300 || dig(uc, "stored", "profile") != "elite" {
				t.Fatalf("a refused update must store nothing: %v", uc["stored"])
			}
			if msg := toolErr(t, cs, "calculate_personalized_zones", map[string]any{"max_hr": 150, "resting_hr": 160}); !strings.Contains(msg, "resting_hr (160) must be less than max_hr (150)") {
				t.Fatalf("max below resting: %s", msg)
			}

			// Fitness configurations.
			set := tool(t, cs, "set_fitness_config", map[string]any{"configuration_name": "race-season", "configuration": map[string]any{
				"ftp": 260, "weight_kg": 68, "power_zones": map[string]any{"z1": map[string]any{"min": 0, "max": 140}}}})
			if set["created"] != true {
				t.Fatalf("set: %v", set)
			}
			if g := tool(t, cs, "get_fitness_config", map[string]any{"configuration_name": "race-season"}); numAt(t, g, "configuration", "power_zones", "z1", "max") != 140 {
				t.Fatalf("get: %v", g)
			}
			if msg := toolErr(t, cs, "set_fitness_config", map[string]any{"configuration": map[string]any{"ftp": -1}}); !strings.Contains(msg, "configuration.ftp") {
				t.Fatalf("bad fitness config: %s", msg)
			}
			if l := tool(t, cs, "list_fitness_configs", nil); l["count"] != float64(1) {
				t.Fatalf("list: %v", l)
			}
			tool(t, cs, "delete_fitness_config", map[string]any{"configuration_name": "race-season"})
			if msg := toolErr(t, cs, "get_fitness_config", map[string]any{"configuration_name": "race-season"}); !strings.Contains(msg, "configuration_name") {
				t.Fatalf("deleted config: %s", msg)
			}

			// Goals.
			sg := tool(t, cs, "suggest_goals", map[string]any{"goal_category": "all"})
			sugg, _ := sg["suggestions"].([]any)
			if len(sugg) == 0 {
				t.Fatalf("suggest_goals: %v", sg)
			}
			first, _ := dig(sugg[0], "set_goal_arguments").(map[string]any)
			fromSuggestion := tool(t, cs, "set_goal", first)
			if dig(fromSuggestion, "goal", "goal_id") == nil {
				t.Fatalf("set_goal from a suggestion: %v", fromSuggestion)
			}
			goal := tool(t, cs, "set_goal", map[string]any{"title": "Run 300 km", "goal_type": "distance", "target_value": 300000,
				"target_date": future(70), "sport_type": "run"})
			id, _ := dig(goal, "goal", "goal_id").(string)
			feas := tool(t, cs, "analyze_goal_feasibility", map[string]any{"goal_id": id})
			if dig(feas, "feasibility", "level") == nil || numAt(t, feas, "weekly_volume", "required") <= 0 {
				t.Fatalf("feasibility: %v", feas)
			}
			race := tool(t, cs, "set_goal", map[string]any{"title": "Faster 10 km", "goal_type": "performance", "target_value": 2400,
				"distance_meters": 10000, "target_date": future(90), "sport_type": "run"})
			if numAt(t, race, "baseline", "value") <= 0 {
				t.Fatalf("race baseline is measured from the demo runs: %v", race)
			}
			raceID, _ := dig(race, "goal", "goal_id").(string)
			if f := tool(t, cs, "analyze_goal_feasibility", map[string]any{"goal_id": raceID}); dig(f, "feasibility", "kind") != "performance" {
				t.Fatalf("race feasibility: %v", f)
			}
			if p := tool(t, cs, "track_progress", map[string]any{"goal_id": id}); dig(p, "progress", "status") == nil {
				t.Fatalf("track_progress: %v", p)
			}
			if l := tool(t, cs, "track_progress", nil); l["count"] != float64(3) {
				t.Fatalf("goal list: %v", l)
			}
			for _, c := range []struct {
				name string
				args map[string]any
				want string
			}{
				{"analyze_goal_feasibility", map[string]any{"goal_id": "nope"}, `goal_id "nope"`},
				{"track_progress", map[string]any{"goal_id": "nope"}, `goal_id "nope"`},
				{"set_goal", map[string]any{"title": "x", "goal_type": "distance", "target_value": 1000, "target_date": "2020-01-01"}, "target_date"},
				{"set_goal", map[string]any{"title": "x", "goal_type": "distance", "target_value": -3, "target_date": future(9)}, "target_value"},
				{"set_goal", map[string]any{"title": "x", "goal_type": "custom", "target_value": 3, "target_date": future(9)}, "unit"},
			} {
				if msg := toolErr(t, cs, c.name, c.args); !strings.Contains(msg, c.want) {
					t.Errorf("%s(%v): %q lacks %q", c.name, c.args, msg, c.want)
				}
			}
		})
	}
}

// TestGoalsAndConfigurationSurviveRestart: goals, the user configuration
// and fitness configurations are in the database, not in memory.
func TestGoalsAndConfigurationSurviveRestart(t *testing.T) {
	db := storetest.DatabaseURL(t, "sqlite")
	mek := []string{"PIERRE_MASTER_ENCRYPTION_KEY", "K7xL9mP2qR4vT6yZ8aB0cD2eF4gH6iJ8kL0mN2oP4qR="}
	s1 := startServerOn(t, db, mek...)
	cs := connect(t, s1, demoToken(t, s1), nil)
	g := tool(t, cs, "set_goal", map[string]any{"title": "Ride 5 times a week", "goal_type": "frequency", "target_value": 5, "target_date": future(60)})
	id, _ := dig(g, "goal", "goal_id").(string)
	tool(t, cs, "update_user_configuration", map[string]any{"parameters": map[string]any{"ftp": 275}})
	tool(t, cs, "set_fitness_config", map[string]any{"configuration": map[string]any{"lthr": 165}})
	cs.Close()
	s1.stop()

	s2 := startServerOn(t, db, mek...)
	cs2 := connect(t, s2, demoToken(t, s2), nil)
	if p := tool(t, cs2, "track_progress", map[string]any{"goal_id": id}); dig(p, "goal", "title") != "Ride 5 times a week" {
		t.Fatalf("goal after restart: %v", p)
	}
	z := tool(t, cs2, "calculate_personalized_zones", nil)
	if numAt(t, z, "power_zones", "ftp_watts") != 275 || numAt(t, z, "lthr_zones", "lthr_bpm") != 165 {
		t.Fatalf("configuration after restart: %v", z["inputs"])
	}
}

// TestConfigIsolation: another user of the same tenant and a user of
// another tenant see none of the demo athlete's goals or configurations,
// by tool or by REST, and cannot delete them.
func TestConfigIsolation(t *testing.T) {
	s := startServer(t, "sqlite")
	demo, err := s.App.EnsureDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cs := connect(t, s, demo.Token.AccessToken, nil)
	g := tool(t, cs, "set_goal", map[string]any{"title": "Mine", "goal_type": "distance", "target_value": 100000, "target_date": future(30)})
	id, _ := dig(g, "goal", "goal_id").(string)
	tool(t, cs, "update_user_configuration", map[string]any{"parameters": map[string]any{"ftp": 333}})
	tool(t, cs, "set_fitness_config", map[string]any{"configuration_name": "secret", "configuration": map[string]any{"ftp": 333}})

	// root: another tenant. eve: the demo tenant.
	var root tokenBody
	s.do(t, "POST", "/admin/setup", "", map[string]string{"email": "root@example.com", "password": pw}, &root)
	s.do(t, "POST", "/api/auth/register", "", map[string]string{"email": "eve@example.com", "password": pw, "tenant": "demo"}, nil)
	var list struct{ Users []struct{ ID, Email string } }
	s.do(t, "GET", "/api/admin/users?status=pending&tenant_id="+demo.User.TenantID, root.AccessToken, nil, &list)
	for _, u := range list.Users {
		if u.Email == "eve@example.com" {
			s.do(t, "POST", "/api/admin/users/"+u.ID+"/approve?tenant_id="+demo.User.TenantID, root.AccessToken, nil, nil)
		}
	}
	var eve tokenBody
	if r := s.do(t, "POST", "/api/auth/login", "", map[string]string{"email": "eve@example.com", "password": pw}, &eve); r.StatusCode != 200 {
		t.Fatalf("eve login: %d", r.StatusCode)
	}
	if eve.User.TenantID != demo.User.TenantID || root.User.TenantID == demo.User.TenantID {
		t.Fatalf("tenants: eve %s root %s demo %s", eve.User.TenantID, root.User.TenantID, demo.User.TenantID)
	}
	for who, token := range map[string]string{"same tenant": eve.AccessToken, "other tenant": root.AccessToken} {
		other := connect(t, s, token, nil)
		if msg := toolErr(t, other, "track_progress", map[string]any{"goal_id": id}); !strings.Contains(msg, "goal_id") {
			t.Errorf("%s reads the goal: %s", who, msg)
		}
		if l := tool(t, other, "track_progress", nil); l["count"] != float64(0) {
			t.Errorf("%s lists goals: %v", who, l)
		}
		if uc := tool(t, other, "get_user_configuration", nil); dig(uc, "stored", "parameters", "ftp") != nil {
			t.Errorf("%s sees the configuration: %v", who, uc["stored"])
		}
		if l := tool(t, other, "list_fitness_configs", nil); l["count"] != float64(0) {
			t.Errorf("%s lists fitness configurations: %v", who, l)
		}
		if msg := toolErr(t, other, "delete_fitness_config", map[string]any{"configuration_name": "secret"}); !strings.Contains(msg, "configuration_name") {
			t.Errorf("%s deletes: %s", who, msg)
		}
		if r := s.do(t, "GET", "/api/fitness-configurations/secret", token, nil, nil); r.StatusCode != 404 {
			t.Errorf("%s REST get: %d", who, r.StatusCode)
		}
		if r := s.do(t, "DELETE", "/api/fitness-configurations/secret", token, nil, nil); r.StatusCode != 404 {
			t.Errorf("%s REST delete: %d", who, r.StatusCode)
		}
	}
	if g := tool(t, cs, "get_fitness_config", map[string]any{"configuration_name": "secret"}); numAt(t, g, "configuration", "ftp") != 333 {
		t.Fatalf("the owner's configuration survives: %v", g)
	}
}

func TestFitnessConfigurationsREST(t *testing.T) {
	s := startServer(t, "sqlite")
	token := demoToken(t, s)
	if r := s.do(t, "GET", "/api/fitness-configurations", "", nil, nil); r.StatusCode != 401 {
		t.Fatalf("no token: %d", r.StatusCode)
	}
	var created struct {
		Name          string         `json:"configuration_name"`
		Configuration map[string]any `json:"configuration"`
	}
	body := map[string]any{"ftp": 250, "lthr": 165, "max_hr": 190, "resting_hr": 50, "weight_kg": 70,
		"heart_rate_zones": map[string]any{"zone1": map[string]any{"min": 100, "max": 120}}}
	if r := s.do(t, "PUT", "/api/fitness-configurations/default", token, body, &created); r.StatusCode != 201 || created.Configuration["ftp"] != float64(250) {
		t.Fatalf("create: %d %+v", r.StatusCode, created)
	}
	body["ftp"] = 255
	if r := s.do(t, "PUT", "/api/fitness-configurations/default", token, body, nil); r.StatusCode != 200 {
		t.Fatalf("replace: %d", r.StatusCode)
	}
	var e errBody
	if r := s.do(t, "PUT", "/api/fitness-configurations/default", token, map[string]any{"max_hr": 150, "resting_hr": 90, "lthr": 160}, &e); r.StatusCode != 400 ||
		e.Error.Field != "lthr" || !strings.Contains(e.Error.Message, "lthr (160) must be less than max_hr (150)") {
		t.Fatalf("bad body: %d %+v", r.StatusCode, e)
	}
	if r := s.do(t, "PUT", "/api/fitness-configurations/default", token, map[string]any{"ftpp": 1}, &e); r.StatusCode != 400 || e.Error.Field != "ftpp" {
		t.Fatalf("unknown field: %d %+v", r.StatusCode, e)
	}
	var list struct{ Count int }
	if s.do(t, "GET", "/api/fitness-configurations", token, nil, &list); list.Count != 1 {
		t.Fatalf("list: %+v", list)
	}
	// The default configuration feeds the tools.
	cs := connect(t, s, token, nil)
	if z := tool(t, cs, "calculate_personalized_zones", nil); numAt(t, z, "power_zones", "ftp_watts") != 255 {
		t.Fatalf("zones from the REST-stored default: %v", z["inputs"])
	}
	if r := s.do(t, "DELETE", "/api/fitness-configurations/default", token, nil, nil); r.StatusCode != 204 {
		t.Fatalf("delete: %d", r.StatusCode)
	}
	if r := s.do(t, "GET", "/api/fitness-configurations/default", token, nil, &e); r.StatusCode != 404 || e.Error.Code != "not_found" {
		t.Fatalf("after delete: %d %+v", r.StatusCode, e)
	}
}

// BenchmarkConfigTools measures whole MCP round trips (go-sdk client, one
// session) of the configuration and goal tools on the demo athlete's year
// of synthetic data.
func BenchmarkConfigTools(b *testing.B) {
	s := startServer(b, "sqlite")
	cs := connect(b, s, demoToken(b, s), nil)
	tool(b, cs, "update_user_configuration", map[string]any{"parameters": map[string]any{"ftp": 250, "lthr": 170}})
	g := tool(b, cs, "set_goal", map[string]any{"title": "Run 300 km", "goal_type": "distance", "target_value": 300000, "target_date": future(70)})
	id, _ := dig(g, "goal", "goal_id").(string)
	for _, c := range []struct {
		name string
		args map[string]any
	}{
		{"calculate_personalized_zones", nil},
		{"get_user_configuration", nil},
		{"analyze_goal_feasibility", map[string]any{"goal_id": id}},
		{"track_progress", map[string]any{"goal_id": id}},
		{"suggest_goals", nil},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				tool(b, cs, c.name, c.args)
			}
		})
	}
}

// TestStoredConfigurationReachesAnalyses: what update_user_configuration
// stores is what the analysis tools use (a.Settings is the stored reader).
func TestStoredConfigurationReachesAnalyses(t *testing.T) {
	s := startServer(t, "sqlite")
	cs := connect(t, s, demoToken(t, s), nil)
	acts := tool(t, cs, "get_activities", map[string]any{"limit": 1})
	id, _ := dig(acts, "activities", 0, "id").(string)
	tool(t, cs, "update_user_configuration", map[string]any{"parameters": map[string]any{"ftp": 222, "max_hr": 201},
		"algorithms": map[string]any{"tss": "avg_power", "training_load": "ema"}})
	a := tool(t, cs, "analyze_activity", map[string]any{"activity_id": id})
	if numAt(t, a, "thresholds_used", "ftp_watts") != 222 || numAt(t, a, "thresholds_used", "max_heart_rate_bpm") != 201 ||
		dig(a, "algorithms", "tss") != "avg_power" || dig(a, "algorithms", "training_load") != "ema" {
		t.Fatalf("analysis ignores the stored configuration: thresholds %v algorithms %v", a["thresholds_used"], a["algorithms"])
	}
}

// TestGoalKinds: each goal type measures what it says, in its unit.
func TestGoalKinds(t *testing.T) {
	s := startServer(t, "sqlite")
	cs := connect(t, s, demoToken(t, s), nil)

	// A custom goal is reported by the user; progress counts from the baseline, downwards here.
	w := tool(t, cs, "set_goal", map[string]any{"title": "Race weight", "goal_type": "custom", "unit": "kg",
		"target_value": 75, "current_value": 80, "target_date": future(120)})
	wid, _ := dig(w, "goal", "goal_id").(string)
	if p := tool(t, cs, "track_progress", map[string]any{"goal_id": wid, "current_value": 77.5}); numAt(t, p, "progress", "progress_percent") != 50 {
		t.Fatalf("custom progress: %v", p["progress"])
	}
	if msg := toolErr(t, cs, "track_progress", map[string]any{"goal_id": wid}); !strings.Contains(msg, "current_value") {
		t.Fatalf("a custom goal needs current_value: %s", msg)
	}
	if p := tool(t, cs, "track_progress", map[string]any{"goal_id": wid, "current_value": 74}); dig(p, "goal", "status") != "achieved" {
		t.Fatalf("reaching the target marks the goal achieved: %v", p["goal"])
	}

	// Frequency: sessions per week of the last 4 weeks, compared with the target.
	f := tool(t, cs, "set_goal", map[string]any{"title": "More sessions", "goal_type": "frequency", "target_value": 9, "target_date": future(60)})
	if dig(f, "goal", "unit") != "sessions_per_week" || numAt(t, f, "baseline", "value") <= 0 {
		t.Fatalf("frequency baseline: %v", f)
	}
	fid, _ := dig(f, "goal", "goal_id").(string)
	fe := tool(t, cs, "analyze_goal_feasibility", map[string]any{"goal_id": fid})
	if dig(fe, "feasibility", "kind") != "frequency" || !strings.Contains(fmt.Sprint(dig(fe, "feasibility", "reasons")), "more than 7 sessions") {
		t.Fatalf("frequency feasibility: %v", fe["feasibility"])
	}

	// FTP goal from the stored FTP; race-time goals count down.
	tool(t, cs, "update_user_configuration", map[string]any{"parameters": map[string]any{"ftp": 240}})
	ftp := tool(t, cs, "set_goal", map[string]any{"title": "FTP 260", "goal_type": "performance", "target_value": 260, "target_date": future(100)})
	if numAt(t, ftp, "baseline", "value") != 240 || dig(ftp, "goal", "unit") != "watts" {
		t.Fatalf("FTP baseline: %v", ftp)
	}
	r := tool(t, cs, "set_goal", map[string]any{"title": "5 km", "goal_type": "time", "distance_meters": 5000, "target_value": 1000, "target_date": future(100)})
	rid, _ := dig(r, "goal", "goal_id").(string)
	if p := tool(t, cs, "track_progress", map[string]any{"goal_id": rid}); numAt(t, p, "progress", "remaining_value") >= 0 || dig(p, "goal", "unit") != "seconds" {
		t.Fatalf("a race time must come down to the target: %v", p)
	}
}
