// Package tools is Pierre's protocol-agnostic tool registry. Each tool is
// declared once (name, description, input schema, handler) and served
// unchanged by MCP, A2A and the REST listing. The registry validates
// arguments against the schema, naming the offending field, runs the
// handler as the calling principal, and renders the answer as JSON (or
// TOON when the call asks for "format": "toon").
package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/pierre-fitness/pierre/internal/auth"
)

// Annotations are hints about a tool's behaviour (MCP tool annotations).
type Annotations struct {
	ReadOnly    bool // does not modify anything
	Destructive bool // may delete or overwrite user data
	Idempotent  bool // repeating the call has no further effect
	OpenWorld   bool // reaches outside Pierre (a vendor API)
}

// Spec declares a tool.
type Spec struct {
	Name        string
	Title       string
	Category    string
	Description string // when to use it and what it returns
	Input       *jsonschema.Schema
	Annotations Annotations
}

// Tool is a registered tool.
type Tool struct {
	Spec
	run func(ctx context.Context, c *Call, raw []byte) (any, error)
}

// InputSchema is the schema published to clients: the declared arguments
// plus the reserved "format" argument every tool accepts.
func (t *Tool) InputSchema() *jsonschema.Schema { return t.Input }

// Handler is a tool's implementation. It returns the answer (any value
// that marshals to a JSON object) or an error; a *Failure is shown to the
// assistant as a tool error, anything else is logged and reported as an
// internal failure.
type Handler[In any] func(ctx context.Context, c *Call, in In) (any, error)

// formatArg is the reserved output-format argument.
var formatArg = Enum("Output format: json (default) or toon (compact, fewer tokens for long lists).", "json", "toon")

// New declares a tool whose arguments decode into In.
func New[In any](s Spec, h Handler[In]) *Tool {
	if s.Input == nil {
		s.Input = Object(nil)
	}
	if s.Input.Type != "object" {
		panic(fmt.Sprintf("tool %s: input schema must be an object", s.Name))
	}
	if _, clash := s.Input.Properties["format"]; clash {
		panic(fmt.Sprintf("tool %s: argument name \"format\" is reserved", s.Name))
	}
	s.Input.Properties["format"] = formatArg
	checkSchemaSupported(s.Input, "")
	return &Tool{Spec: s, run: func(ctx context.Context, c *Call, raw []byte) (any, error) {
		var in In
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &in); err != nil {
				return nil, &ArgumentError{Reason: "arguments do not decode: " + err.Error()}
			}
		}
		return h(ctx, c, in)
	}}
}

// Sampler asks the client's language model for a completion (MCP
// sampling). It is nil when the client does not offer sampling.
type Sampler interface {
	Sample(ctx context.Context, systemPrompt, prompt string, maxTokens int) (string, error)
}

// Call is the context of one tool invocation.
type Call struct {
	Principal auth.Principal
	// Progress reports progress on long work; never nil.
	Progress func(ctx context.Context, done, total float64, message string)
	// Sampler is nil when the client cannot sample.
	Sampler Sampler
}

// Result is a rendered answer.
type Result struct {
	// JSON is the answer as a JSON object (MCP structuredContent).
	JSON json.RawMessage
	// Text is the answer for the model: the same JSON, or TOON.
	Text    string
	IsError bool
}

// Registry holds the tools.
type Registry struct {
	tools  []*Tool
	byName map[string]*Tool
	// encodeTOON renders JSON as TOON; nil until the encoder is plugged in.
	encodeTOON func([]byte) ([]byte, error)
	onInternal func(ctx context.Context, tool string, err error)
	// annotate adds a field to every successful object answer (see
	// SetAnnotation).
	annotateKey string
	annotate    func(context.Context) (context.Context, func() any)
}

// NewRegistry returns an empty registry. onInternal is told about
// unexpected handler errors (for logging); it may be nil.
func NewRegistry(onInternal func(ctx context.Context, tool string, err error)) *Registry {
	if onInternal == nil {
		onInternal = func(context.Context, string, error) {}
	}
	return &Registry{byName: map[string]*Tool{}, onInternal: onInternal}
}

// SetTOONEncoder plugs in the TOON renderer for "format": "toon".
func (r *Registry) SetTOONEncoder(f func([]byte) ([]byte, error)) { r.encodeTOON = f }

// SetAnnotation adds the field key to every successful answer that is a
// JSON object: before a call, begin derives the call's context and a
// function that, after it, returns the value (nil adds nothing). The data
// layer uses it to say how fresh each answer's data is.
func (r *Registry) SetAnnotation(key string, begin func(context.Context) (context.Context, func() any)) {
	r.annotateKey, r.annotate = key, begin
}

// Add registers tools; a duplicate name is a programming error.
func (r *Registry) Add(ts ...*Tool) {
	for _, t := range ts {
		if _, dup := r.byName[t.Name]; dup {
			panic("duplicate tool " + t.Name)
		}
		r.byName[t.Name] = t
		r.tools = append(r.tools, t)
	}
	sort.Slice(r.tools, func(i, j int) bool { return r.tools[i].Name < r.tools[j].Name })
}

// Tools lists the tools by name.
func (r *Registry) Tools() []*Tool { return r.tools }

// Get returns the tool called name.
func (r *Registry) Get(name string) (*Tool, bool) {
	t, ok := r.byName[name]
	return t, ok
}

// ErrUnknownTool is returned for a call to a tool that does not exist.
var ErrUnknownTool = errors.New("unknown tool")

// Call validates args, runs the tool and renders its answer. It returns
// an error only for protocol-level problems: an unknown tool or invalid
// arguments (*ArgumentError). Failures of the tool itself come back as a
// Result with IsError set.
func (r *Registry) Call(ctx context.Context, c *Call, name string, args json.RawMessage) (Result, error) {
	t, ok := r.byName[name]
	if !ok {
		return Result{}, fmt.Errorf("%w %q; call tools/list for the available tools", ErrUnknownTool, name)
	}
	args = bytes.TrimSpace(args)
	if len(args) == 0 || string(args) == "null" {
		args = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(args))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return Result{}, &ArgumentError{Reason: "arguments are not valid JSON: " + err.Error()}
	}
	if err := validate(t.Input, v, ""); err != nil {
		return Result{}, err
	}
	format := "json"
	if m, ok := v.(map[string]any); ok {
		if f, ok := m["format"].(string); ok {
			format = f
		}
	}
	if format == "toon" && r.encodeTOON == nil {
		return Result{}, &ArgumentError{Field: "format", Reason: "toon output is not available on this server; use json"}
	}
	if c.Progress == nil {
		c.Progress = func(context.Context, float64, float64, string) {}
	}
	collect := func() any { return nil }
	if r.annotate != nil {
		ctx, collect = r.annotate(ctx)
	}
	out, err := t.run(ctx, c, args)
	if err != nil {
		var ae *ArgumentError
		if errors.As(err, &ae) {
			return Result{}, ae
		}
		return r.failure(ctx, name, err), nil
	}
	body, err := json.Marshal(out)
	if err != nil {
		return r.failure(ctx, name, fmt.Errorf("encode answer: %w", err)), nil
	}
	if extra := collect(); extra != nil && len(body) > 2 && body[0] == '{' {
		if eb, err := json.Marshal(extra); err == nil {
			kb, _ := json.Marshal(r.annotateKey)
			// {...} becomes {..., "key": extra}.
			grown := make([]byte, 0, len(body)+len(kb)+len(eb)+2)
			grown = append(grown, body[:len(body)-1]...)
			grown = append(append(append(append(grown, ','), kb...), ':'), eb...)
			body = append(grown, '}')
		}
	}
	res := Result{JSON: body, Text: string(body)}
	if format == "toon" {
		txt, err := r.encodeTOON(body)
		if err != nil {
			return r.failure(ctx, name, fmt.Errorf("encode TOON: %w", err)), nil
		}
		res.Text = string(txt)
	}
	return res, nil
}

func (r *Registry) failure(ctx context.Context, tool string, err error) Result {
	f := AsFailure(err)
	if f.Code == CodeInternal {
		r.onInternal(ctx, tool, err)
	}
	body, _ := json.Marshal(map[string]any{"error": f})
	var b strings.Builder
	b.WriteString(f.Message)
	if f.Hint != "" {
		b.WriteString("\nNext step: ")
		b.WriteString(f.Hint)
	}
	return Result{JSON: body, Text: b.String(), IsError: true}
}
