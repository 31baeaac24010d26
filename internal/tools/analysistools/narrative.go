package analysistools

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/tools"
)

// Narrative sources.
const (
	SourceSampling = "sampling"
	SourceRules    = "rules"
)

// narrative is the plain-language reading of an analysis, written by the
// client's model when it can sample, else by Pierre's rules.
type narrative struct {
	Text   string `json:"narrative"`
	Source string `json:"narrative_source"`
	// Note says why the rules wrote it, when sampling was not used.
	Note string `json:"narrative_note,omitempty"`
}

const coachPrompt = "You are an endurance-sports coach explaining an athlete's data to them. " +
	"Use only the numbers in the facts; do not invent measurements. Be concrete and brief " +
	"(at most 6 sentences), plain language, no headings, no markdown tables."

// maxFactsBytes keeps the sampling prompt small: beyond it only the rule
// reading is sent, which already carries the key numbers.
const maxFactsBytes = 6000

// samplingTimeout bounds the wait for the client's model; the rules answer
// instead when it is slow.
const samplingTimeout = 45 * time.Second

// narrate asks the client's model (MCP sampling) to write the narrative
// from the facts and the rule-based reading, and falls back to the rules
// when the client cannot sample or sampling fails.
func narrate(ctx context.Context, c *tools.Call, task string, facts any, rules string) narrative {
	if c.Sampler == nil {
		return narrative{Text: rules, Source: SourceRules, Note: "the client does not support MCP sampling; Pierre's rule-based reading"}
	}
	var b strings.Builder
	b.WriteString(task)
	if body, err := json.Marshal(facts); err == nil && len(body) <= maxFactsBytes {
		b.WriteString("\n\nFacts (JSON):\n")
		b.Write(body)
	}
	b.WriteString("\n\nPierre's rule-based reading:\n")
	b.WriteString(rules)
	sctx, cancel := context.WithTimeout(ctx, samplingTimeout)
	defer cancel()
	txt, err := c.Sampler.Sample(sctx, coachPrompt, b.String(), 600)
	if err != nil {
		if ctx.Err() != nil {
			return narrative{Text: rules, Source: SourceRules, Note: "the request was cancelled before sampling finished"}
		}
		return narrative{Text: rules, Source: SourceRules, Note: "sampling failed (" + err.Error() + "); Pierre's rule-based reading"}
	}
	txt = strings.TrimSpace(txt)
	if txt == "" {
		return narrative{Text: rules, Source: SourceRules, Note: "the client's model returned no text; Pierre's rule-based reading"}
	}
	return narrative{Text: txt, Source: SourceSampling}
}
