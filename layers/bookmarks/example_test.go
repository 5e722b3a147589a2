package bookmarks_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"lantu/layers"
	"lantu/layers/bookmarks"
)

// Save a view under a name, list the bookmarks, go to one.
func Example() {
	dir, _ := os.MkdirTemp("", "bm")
	defer os.RemoveAll(dir)
	bp, err := layers.Create(filepath.Join(dir, "city.gpkg"), layers.CreateOptions{User: "planner"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer bp.Close()
	ctx := context.Background()
	if _, err := bookmarks.Save(ctx, bp, bookmarks.Bookmark{Name: "中街", X: 41505000, Y: 4629000, Res: 0.5}, false); err != nil {
		fmt.Println(err)
		return
	}
	bms, _ := bookmarks.List(ctx, bp)
	for _, b := range bms {
		fmt.Printf("%s (%.0f, %.0f) %.1f m/px by %s\n", b.Name, b.X, b.Y, b.Res, b.CreatedBy)
	}
	// Output: 中街 (41505000, 4629000) 0.5 m/px by planner
}
