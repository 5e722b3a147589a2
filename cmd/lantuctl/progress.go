package main

import (
	"context"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"lantu/layers"
	"lantu/layers/terrain"
)

// progress draws one bar on the command's stderr for the stage running
// (indexing layers, reading, computing, storing tiles), and draws nothing
// when quiet: with --json, or when stderr is not a terminal. It is safe for
// concurrent use (layers reports from worker goroutines).
type progress struct {
	mu    sync.Mutex
	w     io.Writer // nil when quiet
	bar   *progressbar.ProgressBar
	stage string
	total int
}

// isTerminal reports whether w is a terminal (tests replace it).
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newProgress returns the progress of cmd; quiet silences it.
func newProgress(cmd *cobra.Command, quiet bool) *progress {
	w := cmd.ErrOrStderr()
	if quiet || !isTerminal(w) {
		return &progress{}
	}
	return &progress{w: w}
}

// set shows done of total for stage, replacing the bar of another stage.
func (p *progress) set(stage string, done, total int) {
	if p.w == nil || total <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar == nil || stage != p.stage {
		p.finishLocked()
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(p.w), progressbar.OptionSetDescription(stage),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
		p.stage, p.total = stage, total
	}
	if total != p.total {
		p.bar.ChangeMax(total)
		p.total = total
	}
	p.bar.Set(done)
}

// terrain returns ctx with p as the terrain progress hook.
func (p *progress) terrain(ctx context.Context) context.Context {
	if p.w == nil {
		return ctx
	}
	return terrain.WithProgress(ctx, p.set)
}

// done clears the bar.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finishLocked()
}

func (p *progress) finishLocked() {
	if p.bar != nil {
		p.bar.Finish()
		p.bar = nil
	}
}

// openBlueprint opens path with the layer indexing shown by p, and stops
// waiting for it when ctx is done (Ctrl-C).
func openBlueprint(ctx context.Context, path string, readOnly bool, p *progress) (*layers.Blueprint, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: readOnly, Background: true,
		Progress: func(done, total int) { p.set("index layers", done, total) }})
	if err != nil {
		return nil, err
	}
	err = bp.WaitLoaded(ctx)
	if err == nil {
		err = ctx.Err() // both ready: the interrupt wins
	}
	if err != nil {
		bp.Close()
		return nil, err
	}
	p.done()
	return bp, nil
}
