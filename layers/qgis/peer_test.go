package qgis_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"lantu/layers"
	"lantu/layers/demo"
	"lantu/layers/peer"
	"lantu/layers/peer/peertest"
	"lantu/layers/qgis"
)

// The tiny demo, generated once per test binary, with the QGIS styles and
// project written as `lantuctl demo` writes them.
var (
	demoOnce sync.Once
	demoDir  string
	demoErr  error
)

const demoName = "blueprint"

func TestMain(m *testing.M) {
	code := m.Run()
	if demoDir != "" {
		os.RemoveAll(demoDir)
	}
	os.Exit(code)
}

// tinyDemo returns the path of the tiny demo blueprint (do not write it).
func tinyDemo(t *testing.T) string {
	t.Helper()
	demoOnce.Do(func() {
		if demoDir, demoErr = os.MkdirTemp("", "lantu-qgis-"); demoErr != nil {
			return
		}
		path := filepath.Join(demoDir, demoName+".gpkg")
		if _, demoErr = demo.Generate(context.Background(), path, demo.Options{Scale: "tiny"}); demoErr != nil {
			return
		}
		bp, err := layers.Open(path, layers.OpenOptions{Lazy: true})
		if demoErr = err; err != nil {
			return
		}
		defer bp.Close()
		demoErr = qgis.Write(context.Background(), bp)
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return filepath.Join(demoDir, demoName+".gpkg")
}

// runQGIS runs a script of testdata with QGIS's Python and decodes its
// JSON output into v.
func runQGIS(t *testing.T, v any, script string, args ...string) {
	t.Helper()
	py := peertest.PythonQGIS(t)
	cmd := exec.Command(py, append([]string{filepath.Join("testdata", script)}, args...)...)
	cmd.Env = peer.QGISEnv()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, errb.String())
	}
	if err := json.Unmarshal(out.Bytes(), v); err != nil {
		t.Fatalf("%s: output: %v\n%s", script, err, out.String())
	}
}

type rendererInfo struct {
	Type       string `json:"type"`
	Attr       string `json:"attr"`
	Color      string `json:"color"`
	Categories []struct {
		Value, Label, Color string
	} `json:"categories"`
}

type layerInfo struct {
	Valid         bool         `json:"valid"`
	Name          string       `json:"name"`
	Source        string       `json:"source"`
	Opacity       float64      `json:"opacity"`
	Blend         int          `json:"blend"`
	ScaleBased    bool         `json:"scaleBased"`
	MinScale      float64      `json:"minScale"`
	MaxScale      float64      `json:"maxScale"`
	Renderer      rendererInfo `json:"renderer"`
	Labels        bool         `json:"labels"`
	LabelField    string       `json:"labelField"`
	LabelFont     string       `json:"labelFont"`
	RasterOpacity float64      `json:"rasterOpacity"`
}

type treeNode struct {
	Group    string     `json:"group"`
	Layer    string     `json:"layer"`
	Name     string     `json:"name"`
	Checked  bool       `json:"checked"`
	Children []treeNode `json:"children"`
}

type projectCheck struct {
	Read        bool                          `json:"read"`
	CRS         string                        `json:"crs"`
	Tree        treeNode                      `json:"tree"`
	Layers      map[string]layerInfo          `json:"layers"`
	CustomOrder []string                      `json:"customOrder"`
	ViewExtent  [4]float64                    `json:"viewExtent"`
	Classified  map[string]map[string]*string `json:"classified"`
	Alone       struct {
		Valid    bool         `json:"valid"`
		Renderer rendererInfo `json:"renderer"`
	} `json:"alone"`
}

// treeLayers lists the layer nodes under n in tree order.
func treeLayers(n treeNode) []treeNode {
	if n.Layer != "" {
		return []treeNode{n}
	}
	var out []treeNode
	for _, c := range n.Children {
		out = append(out, treeLayers(c)...)
	}
	return out
}

func hexRGB(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }
