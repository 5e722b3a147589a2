package main

import (
	"fmt"
	"io"

	"lantu/layers"
)

// problemInfo is one entry of `lantuctl info`'s problem list.
type problemInfo struct {
	Kind   string `json:"kind"` // layer_skipped, unreadable_geometry, outside_crs, far_from_area_of_use (a warning), style_unused
	Table  string `json:"table"`
	FID    int64  `json:"fid,omitempty"`
	Reason string `json:"reason"`
}

var problemKinds = map[layers.ProblemKind]string{
	layers.LayerSkipped: "layer_skipped", layers.BadGeometry: "unreadable_geometry", layers.OutsideCRS: "outside_crs",
	layers.FarFromAreaOfUse: "far_from_area_of_use", layers.StyleUnused: "style_unused",
}

// problems lists what the blueprint could not read (Blueprint.Problems).
func problems(bp *layers.Blueprint) []problemInfo {
	var out []problemInfo
	for _, p := range bp.Problems() {
		out = append(out, problemInfo{Kind: problemKinds[p.Kind], Table: p.Table, FID: p.FID, Reason: p.Err.Error()})
	}
	return out
}

// printProblems prints the skipped layers, then the other problems.
func printProblems(w io.Writer, ps []problemInfo) {
	if len(ps) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%d problems (the rest of the file was read):\n", len(ps))
	for _, p := range ps {
		switch p.Kind {
		case "layer_skipped":
			fmt.Fprintf(w, "  skipped layer %s: %s\n", p.Table, p.Reason)
		case "unreadable_geometry":
			fmt.Fprintf(w, "  %s fid %d: geometry unreadable (feature kept without it): %s\n", p.Table, p.FID, p.Reason)
		case "style_unused":
			fmt.Fprintf(w, "  %s: its layer_styles style is not used (drawn in the default style): %s\n", p.Table, p.Reason)
		case "far_from_area_of_use":
			fmt.Fprintf(w, "  %s (warning): %s\n", p.Table, p.Reason)
		default:
			fmt.Fprintf(w, "  %s: %s\n", p.Table, p.Reason)
		}
	}
}
