package main

import (
	"strings"
	"testing"
)

// --help and --version are answered before any window exists (they
// panicked with "GLFW not initialized" without a display); a file is kept.
func TestParseArgs(t *testing.T) {
	for _, c := range []struct {
		args      []string
		done      bool
		code      int
		out, file string
	}{
		{[]string{"--help"}, true, 0, "usage: lantu", ""},
		{[]string{"-h"}, true, 0, "usage: lantu", ""},
		{[]string{"--version"}, true, 0, "lantu " + version, ""},
		{[]string{"--bogus"}, true, 2, "usage: lantu", ""},
		{[]string{"a.gpkg", "b.gpkg"}, true, 2, "at most one file", ""},
		{[]string{"city.gpkg"}, false, 0, "", "city.gpkg"},
		{nil, false, 0, "", ""},
	} {
		var b strings.Builder
		opt, done, code := parseArgs(c.args, &b)
		if done != c.done || code != c.code || opt.file != c.file || !strings.Contains(b.String(), c.out) {
			t.Errorf("%q: done %v code %d file %q output %q; want %v %d %q containing %q",
				c.args, done, code, opt.file, b.String(), c.done, c.code, c.file, c.out)
		}
	}
}
