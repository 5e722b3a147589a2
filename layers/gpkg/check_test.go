package gpkg

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckFindsDefects damages a sound file one way per case and expects
// Check to name the defect.
func TestCheckFindsDefects(t *testing.T) {
	cases := []struct {
		name, damage, want string
	}{
		{"trigger", `DROP TRIGGER "rtree_multipolygon_geom_update2"`, "rtree_multipolygon_geom_update2 missing"},
		{"extension row", `DELETE FROM gpkg_extensions WHERE table_name = 'multipolygon'`, "not registered in gpkg_extensions"},
		{"srs", `PRAGMA foreign_keys = OFF; DELETE FROM gpkg_spatial_ref_sys WHERE srs_id IN (0, 4550)`, "srs_id 4550"},
		{"required srs", `DELETE FROM gpkg_spatial_ref_sys WHERE srs_id = 0`, "required srs_id 0 missing"},
		{"geometry columns", `DELETE FROM gpkg_geometry_columns WHERE table_name = 'multipolygon'`, "without a gpkg_geometry_columns row"},
		{"extent", `UPDATE gpkg_contents SET max_x = 0 WHERE table_name = 'multipolygon'`, "does not cover"},
		{"no extent", `UPDATE gpkg_contents SET min_x = NULL WHERE table_name = 'multipolygon'`, "has no extent"},
		{"application id", `PRAGMA application_id = 7`, "application_id 0x00000007"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "check.gpkg")
			createFixtureFile(t, path)
			db, err := Open(path, false)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if probs := db.Check(context.Background()); len(probs) > 0 {
				t.Fatalf("sound file: %v", probs)
			}
			conn, err := db.W.Conn(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range strings.Split(c.damage, "; ") {
				if _, err := conn.ExecContext(context.Background(), s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
			conn.Close()
			probs := db.Check(context.Background())
			for _, p := range probs {
				if strings.Contains(p.String(), c.want) {
					return
				}
			}
			t.Fatalf("Check = %v, want a problem containing %q", probs, c.want)
		})
	}
}
