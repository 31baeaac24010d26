package provider

import (
	"slices"
	"sort"
)

// Registry holds the providers this server offers.
type Registry struct {
	byName map[string]Provider
	names  []string // activity-priority order, then alphabetical
}

// NewRegistry registers ps. A later provider with the same name replaces
// an earlier one.
func NewRegistry(ps ...Provider) *Registry {
	r := &Registry{byName: map[string]Provider{}}
	for _, p := range ps {
		r.byName[p.Descriptor().Name] = p
	}
	for n := range r.byName {
		r.names = append(r.names, n)
	}
	rank := func(n string) int {
		if i := slices.Index(ActivityPriority, n); i >= 0 {
			return i
		}
		return len(ActivityPriority)
	}
	sort.Slice(r.names, func(i, j int) bool {
		ri, rj := rank(r.names[i]), rank(r.names[j])
		if ri != rj {
			return ri < rj
		}
		return r.names[i] < r.names[j]
	})
	return r
}

// Get returns the provider called name.
func (r *Registry) Get(name string) (Provider, bool) {
	p, ok := r.byName[name]
	return p, ok
}

// Names lists registered providers in activity-priority order.
func (r *Registry) Names() []string { return slices.Clone(r.names) }
