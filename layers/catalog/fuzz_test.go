package catalog

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"lantu/assets"
)

// FuzzParse feeds arbitrary TOML to the catalog parser, seeded with the
// shipped catalog files: it must return a catalog or an error, never panic.
func FuzzParse(f *testing.F) {
	files, err := fs.Glob(assets.Sub("catalog"), "*.toml")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := fs.ReadFile(assets.Sub("catalog"), name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("[[layer]]\ncode = \"A\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(fstest.MapFS{"x.toml": {Data: data}})
		if err == nil && c == nil {
			t.Fatal("nil catalog without an error")
		}
	})
}
