package tools

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/store"
)

type echoArgs struct {
	Name  string   `json:"name"`
	Limit *int     `json:"limit"`
	Ratio float64  `json:"ratio"`
	Day   string   `json:"day"`
	When  string   `json:"when"`
	Tags  []string `json:"tags"`
	Kind  string   `json:"kind"`
	Flag  bool     `json:"flag"`
	Items []struct {
		ID    int     `json:"id"`
		Grams float64 `json:"grams"`
	} `json:"items"`
}

func testRegistry(h Handler[echoArgs]) *Registry {
	r := NewRegistry(nil)
	r.Add(New(Spec{Name: "echo", Input: Object(map[string]*Schema{
		"name":  StringLen("a name", 1, 20),
		"limit": Integer("how many", 1, 200),
		"ratio": Number("a ratio", 0, 1),
		"day":   Date("a day"),
		"when":  DateOrTime("a moment"),
		"tags":  Array("tags", String("tag"), 0, 3),
		"kind":  Enum("kind", "a", "b"),
		"flag":  Boolean("flag"),
		"items": Array("items", Object(map[string]*Schema{
			"id":    Integer("id", 1, 1e9),
			"grams": Number("grams", 0, 10000),
		}, "id"), 1, 10),
	}, "name")}, h))
	return r
}

func echo(_ context.Context, _ *Call, in echoArgs) (any, error) { return in, nil }

func TestArgumentErrorsNameTheField(t *testing.T) {
	r := testRegistry(echo)
	cases := map[string]string{
		`{}`:                                         `invalid argument "name": is required`,
		`{"name":""}`:                                `invalid argument "name": must not be empty`,
		`{"name":5}`:                                 `invalid argument "name": must be a string, got a number`,
		`{"name":"x","limit":"5"}`:                   `invalid argument "limit": must be an integer, got a string`,
		`{"name":"x","limit":0}`:                     `invalid argument "limit": must be between 1 and 200 (got 0)`,
		`{"name":"x","limit":2.5}`:                   `invalid argument "limit": must be a whole number (got 2.5)`,
		`{"name":"x","ratio":1.5}`:                   `invalid argument "ratio": must be between 0 and 1 (got 1.5)`,
		`{"name":"x","day":"2026-13-01"}`:            `invalid argument "day": must be a date like 2026-05-01`,
		`{"name":"x","when":"yesterday"}`:            `invalid argument "when": must be a date like 2026-05-01 or a date-time`,
		`{"name":"x","tags":["a","b","c","d"]}`:      `invalid argument "tags": must have at most 3 items (got 4)`,
		`{"name":"x","tags":[1]}`:                    `invalid argument "tags[0]": must be a string`,
		`{"name":"x","kind":"c"}`:                    `invalid argument "kind": must be one of a, b (got "c")`,
		`{"name":"x","flag":"yes"}`:                  `invalid argument "flag": must be true or false, got a string`,
		`{"name":"x","items":[]}`:                    `invalid argument "items": must not be empty`,
		`{"name":"x","items":[{"grams":1}]}`:         `invalid argument "items[0].id": is required`,
		`{"name":"x","items":[{"id":1,"grams":-1}]}`: `invalid argument "items[0].grams": must be between 0 and 10000 (got -1)`,
		`{"name":"x","items":[{"id":1,"g":1}]}`:      `invalid argument "items[0].g": is not a known argument; expected one of: grams, id`,
		`{"name":"x","limt":5}`:                      `invalid argument "limt": is not a known argument; expected one of: day, flag, format`,
		`{"name":"x","format":"xml"}`:                `invalid argument "format": must be one of json, toon (got "xml")`,
		`[1,2]`:                                      `invalid arguments: must be an object, got an array`,
		`{"name":`:                                   `invalid arguments: arguments are not valid JSON`,
	}
	for args, want := range cases {
		_, err := r.Call(context.Background(), &Call{}, "echo", json.RawMessage(args))
		var ae *ArgumentError
		if !errors.As(err, &ae) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s:\n  want %q\n  got  %v", args, want, err)
		}
	}
}

func TestValidCallRendersJSONTwice(t *testing.T) {
	r := testRegistry(echo)
	res, err := r.Call(context.Background(), &Call{}, "echo",
		json.RawMessage(`{"name":"x","limit":5,"day":"2026-05-01","when":"2026-05-01T07:30:00Z","items":[{"id":3,"grams":120.5}]}`))
	if err != nil || res.IsError {
		t.Fatalf("%v %+v", err, res)
	}
	if res.Text != string(res.JSON) || !strings.Contains(res.Text, `"grams":120.5`) || !strings.Contains(res.Text, `"limit":5`) {
		t.Fatalf("rendered %s", res.Text)
	}
	// Empty and null arguments are an empty object.
	r2 := NewRegistry(nil)
	r2.Add(New(Spec{Name: "noargs"}, func(context.Context, *Call, struct{}) (any, error) { return map[string]int{"ok": 1}, nil }))
	for _, a := range []string{``, `null`, `{}`} {
		if res, err := r2.Call(context.Background(), &Call{}, "noargs", json.RawMessage(a)); err != nil || res.Text != `{"ok":1}` {
			t.Errorf("%q: %v %+v", a, err, res)
		}
	}
}

func TestUnknownTool(t *testing.T) {
	_, err := testRegistry(echo).Call(context.Background(), &Call{}, "nope", nil)
	if !errors.Is(err, ErrUnknownTool) || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatal(err)
	}
}

func TestTOONNeedsEncoder(t *testing.T) {
	r := testRegistry(echo)
	_, err := r.Call(context.Background(), &Call{}, "echo", json.RawMessage(`{"name":"x","format":"toon"}`))
	if err == nil || !strings.Contains(err.Error(), `"format"`) {
		t.Fatalf("toon without encoder: %v", err)
	}
	r.SetTOONEncoder(func(b []byte) ([]byte, error) { return []byte("name: x"), nil })
	res, err := r.Call(context.Background(), &Call{}, "echo", json.RawMessage(`{"name":"x","format":"toon"}`))
	if err != nil || res.Text != "name: x" || !strings.HasPrefix(string(res.JSON), "{") {
		t.Fatalf("toon: %v %+v", err, res)
	}
}

func TestHandlerFailuresBecomeToolErrors(t *testing.T) {
	var logged error
	r := NewRegistry(func(_ context.Context, _ string, err error) { logged = err })
	fail := func(err error) Handler[struct{}] {
		return func(context.Context, *Call, struct{}) (any, error) { return nil, err }
	}
	r.Add(
		New(Spec{Name: "not_connected"}, fail(&provider.Error{Provider: "strava", Kind: provider.KindNotConnected})),
		New(Spec{Name: "rate_limited"}, fail(&provider.Error{Provider: "strava", Kind: provider.KindRateLimited, RetryAfter: 900e9})),
		New(Spec{Name: "missing"}, fail(store.ErrNotFound)),
		New(Spec{Name: "boom"}, fail(errors.New("db password=hunter2 exploded"))),
		New(Spec{Name: "arg"}, fail(Invalid("after", "must be earlier than before"))),
	)
	check := func(name, code, text string) {
		res, err := r.Call(context.Background(), &Call{}, name, nil)
		if err != nil || !res.IsError || !strings.Contains(string(res.JSON), `"code":"`+code+`"`) || !strings.Contains(res.Text, text) {
			t.Errorf("%s: %v %s / %s", name, err, res.JSON, res.Text)
		}
	}
	check("not_connected", CodeProviderNotConnected, `call connect_provider with provider="strava"`)
	check("rate_limited", CodeProviderRateLimited, "retry in 15m0s")
	check("missing", CodeNotFound, "does not exist")
	check("boom", CodeInternal, "internal error")
	if logged == nil {
		t.Error("internal error not reported for logging")
	}
	res, _ := r.Call(context.Background(), &Call{}, "boom", nil)
	if strings.Contains(res.Text, "hunter2") {
		t.Error("internal details leaked to the assistant")
	}
	if _, err := r.Call(context.Background(), &Call{}, "arg", nil); err == nil || !strings.Contains(err.Error(), `"after"`) {
		t.Errorf("argument error from handler must be a protocol error: %v", err)
	}
}

func TestUnsupportedSchemaKeywordsAreRejected(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a schema with an unenforced keyword must not register")
		}
	}()
	s := Object(map[string]*Schema{"x": String("x")})
	s.Properties["x"].MultipleOf = new(float64)
	New(Spec{Name: "bad", Input: s}, echo)
}

func FuzzToolArguments(f *testing.F) {
	r := testRegistry(echo)
	for _, s := range []string{`{"name":"x"}`, `{"name":"x","items":[{"id":1}]}`, `{"limit":1e309}`, `{"name":"\u0000"}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, args []byte) {
		res, err := r.Call(context.Background(), &Call{}, "echo", args)
		if err != nil {
			var ae *ArgumentError
			if !errors.As(err, &ae) {
				t.Fatalf("non-argument error %v", err)
			}
			return
		}
		if res.IsError {
			t.Fatalf("valid arguments failed in the handler: %s", res.Text)
		}
	})
}
