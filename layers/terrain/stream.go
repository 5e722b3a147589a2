package terrain

import (
	"context"
	"sync"
)

// chunkRows is about how many rows a streamed row block holds: enough
// that every core has rows to compute, few enough to stay small.
const chunkRows = 128

// streamer computes one product from a GeoTIFF to a stripWriter row block
// by row block: a reader decodes block rows ahead (each on every core),
// the rows of a block are computed on every core, and a writer writes the
// block before; a block is computed once the first row of the next is in,
// its halo. Used by one DeriveFile call.
type streamer struct {
	t  *tiffFile
	l  layout // band 1 as read: uncompressed strips are seen row by row
	g  *Grid  // the input's description (no Data)
	mf *mappedFile
	op op
	w  *stripWriter
}

// chunk is rows r0..r1-1 of the input decoded into data from its second
// row; the first and last rows are the halo (image rows r0-1 and r1).
type chunk struct {
	r0, r1 int
	data   []float32
	err    error
}

// outBlock is computed rows r0.. on their way to the writer.
type outBlock struct {
	r0   int
	data []float32
}

func (s *streamer) run(parent context.Context) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	per := max(1, (chunkRows+s.l.blockH-1)/s.l.blockH) // block rows per chunk
	W := s.g.Width
	size := (per*s.l.blockH + 2) * W
	// Three input chunks live at once (computing, its halo, being read)
	// and two output blocks (computing, being written).
	free := make(chan []float32, 3)
	for range 3 {
		free <- nil
	}
	in := make(chan chunk)
	readDone := make(chan struct{})
	go func() { defer close(readDone); s.read(ctx, per, size, free, in) }()
	defer func() { cancel(); <-readDone }() // the mapping outlives the reader
	outFree := make(chan []float32, 2)
	for range 2 {
		outFree <- nil
	}
	outs := make(chan outBlock)
	werr := make(chan error, 1)
	go func() { werr <- s.write(outs, outFree, cancel) }()
	err := s.compute(ctx, in, free, outs, outFree, per*s.l.blockH*W)
	close(outs)
	if e := <-werr; e != nil {
		err = e // a failed write cancelled the rest
	}
	if err == nil {
		err = parent.Err()
	}
	return err
}

// read decodes the chunks in order into buffers from free and sends them
// on out; it stops at the first error (sent) or once ctx is done.
func (s *streamer) read(ctx context.Context, per, size int, free chan []float32, out chan<- chunk) {
	defer close(out)
	down := s.l.blocksDown()
	m := startMeter(ctx, "read", s.l.blocksAcross()*down)
	W, fill := s.g.Width, s.g.fill()
	for by := 0; by < down; by += per {
		var buf []float32
		select {
		case buf = <-free:
		case <-ctx.Done():
			return
		}
		if buf == nil {
			buf = make([]float32, size)
		}
		by1 := min(down, by+per)
		c := chunk{r0: by * s.l.blockH, r1: min(s.g.Height, by1*s.l.blockH), data: buf}
		c.err = s.t.readBlockRows(ctx, s.l, by, by1, buf[W:], fill, m)
		s.dropBlocks(by, by1)
		select {
		case out <- c:
		case <-ctx.Done():
			return
		}
		if c.err != nil {
			return
		}
	}
}

// dropBlocks lets go of the mapped bytes of block rows by0..by1-1, blocks
// that lie end to end (an uncompressed strip's rows) in one call.
func (s *streamer) dropBlocks(by0, by1 int) {
	across := s.l.blocksAcross()
	off, n := 0, 0
	for i := by0 * across; i < by1*across; i++ {
		o, c := int(s.l.offsets[i]), int(s.l.counts[i])
		if n > 0 && o == off+n {
			n += c
			continue
		}
		s.mf.drop(off, n)
		off, n = o, c
	}
	s.mf.drop(off, n)
}

// compute takes the chunks in order, gives each its bottom halo from the
// next (and the next its top halo), computes its rows and sends them to
// the writer.
func (s *streamer) compute(ctx context.Context, in <-chan chunk, free chan<- []float32, outs chan<- outBlock,
	outFree <-chan []float32, outSize int) error {
	m := startMeter(ctx, s.op.stage, s.g.Height)
	W := s.g.Width
	cur, ok := <-in
	for ok {
		if cur.err != nil {
			return cur.err
		}
		next, more := <-in
		if more && next.err == nil {
			copy(cur.data[(cur.r1-cur.r0+1)*W:], next.data[W:2*W])
			copy(next.data[:W], cur.data[(cur.r1-cur.r0)*W:(cur.r1-cur.r0+1)*W])
		}
		var dst []float32
		select {
		case dst = <-outFree:
		case <-ctx.Done():
			return ctx.Err()
		}
		if dst == nil {
			dst = make([]float32, outSize)
		}
		b := newBand(W, s.g.Height, cur.r0-1, cur.data, s.g.HasNoData, s.g.NoData)
		computeRows(ctx, s.op, b, dst, cur.r0, cur.r1, m)
		if err := ctx.Err(); err != nil {
			return err
		}
		outs <- outBlock{cur.r0, dst[:(cur.r1-cur.r0)*W]}
		free <- cur.data
		cur, ok = next, more
	}
	return ctx.Err()
}

// write writes the blocks from outs as they come, returning their buffers
// to outFree; after an error it cancels the run and drains outs.
func (s *streamer) write(outs <-chan outBlock, outFree chan<- []float32, cancel func()) error {
	var first error
	var once sync.Once
	for b := range outs {
		if first == nil {
			if err := s.w.writeRows(b.r0, b.data); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}
		outFree <- b.data[:cap(b.data)]
	}
	return first
}
