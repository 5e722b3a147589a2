package mapview

import (
	"context"
	"image"
	"time"

	"lantu/layers/render"
)

// redraw starts a frame for the current state on a worker goroutine,
// cancelling the one in flight; the finished image is published with
// fyne.Do. Until it arrives the previous frame is shown shifted and scaled.
// Redraw renders the current view again (after the data changed).
func (m *MapView) Redraw() { m.redraw() }

func (m *MapView) redraw() {
	m.Refresh()
	if m.r == nil || !m.sized {
		return
	}
	req := m.req
	req.View = m.view
	req.Reserve = overlayRects(m.view.W, m.view.H, m.scale)
	ctx, cancel := context.WithCancel(context.Background())
	m.mu.Lock()
	if m.cancel != nil {
		m.cancel()
	}
	m.cancel = cancel
	m.seq++
	seq := m.seq
	m.pending++
	m.mu.Unlock()
	r := m.r
	go func() {
		start := time.Now()
		img, err := r.Render(ctx, req)
		ms := float64(time.Since(start).Microseconds()) / 1000
		m.post(func() { m.publish(seq, req, img, err, ms) })
	}()
}

// publish shows a finished frame unless a newer one was asked for.
func (m *MapView) publish(seq uint64, req render.Request, img image.Image, err error, ms float64) {
	m.mu.Lock()
	m.pending--
	latest := seq == m.seq
	m.mu.Unlock()
	if m.Trace != nil {
		m.Trace(req, ms, err)
	}
	if !latest || err != nil || img == nil {
		return
	}
	m.frame, m.frameAt = img, req.View
	m.Refresh()
}

// Busy reports whether a frame is being drawn.
func (m *MapView) Busy() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.pending > 0
}

// Frame returns the last finished frame and the view it shows.
func (m *MapView) Frame() (image.Image, render.Viewport) { return m.frame, m.frameAt }
