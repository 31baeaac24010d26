// Package version reports the build's version, set at link time with
// -ldflags "-X github.com/pierre-fitness/pierre/internal/version.Version=v1.2.3".
package version

import "runtime/debug"

// Version is the release version; "dev" for local builds.
var Version = "dev"

// String returns the version, with the VCS revision for dev builds when
// the toolchain recorded one.
func String() string {
	if Version != "dev" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev+" + s.Value[:12]
			}
		}
	}
	return Version
}
