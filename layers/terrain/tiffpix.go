package terrain

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// layout describes how band 1's pixels are stored.
type layout struct {
	width, height   int
	bps, format     int // bits per sample, SampleFormat (1 uint, 2 int, 3 float)
	spp, planar     int
	compression     int
	predictor       int
	blockW, blockH  int // strip: width x rowsPerStrip
	tiled           bool
	offsets, counts []float64
}

func (t *tiffFile) layout() (layout, error) {
	l := layout{
		width: int(t.num(tagWidth, 0)), height: int(t.num(tagHeight, 0)),
		bps: int(t.num(tagBitsPerSample, 1)), format: int(t.num(tagSampleFormat, 1)),
		spp: int(t.num(tagSamplesPerPx, 1)), planar: int(t.num(tagPlanarConfig, 1)),
		compression: int(t.num(tagCompression, 1)), predictor: int(t.num(tagPredictor, 1)),
	}
	if l.width <= 0 || l.height <= 0 {
		return l, t.errf("image width/height tags 256/257 missing or zero")
	}
	if int64(l.width)*int64(l.height) > maxCells {
		return l, fmt.Errorf("%w: %s: %d x %d pixels", ErrTooLarge, t.name, l.width, l.height)
	}
	if err := t.checkSampleType(l); err != nil {
		return l, err
	}
	switch l.compression {
	case 1, 5, 8, 32946, 32773:
	default:
		return l, t.unsupported("compression %d (tag 259); supported: none, LZW, Deflate, PackBits", l.compression)
	}
	if l.predictor < 1 || l.predictor > 3 || (l.predictor == 3 && l.format != 3) {
		return l, t.unsupported("predictor %d (tag 317) with sample format %d", l.predictor, l.format)
	}
	if l.spp < 1 || l.spp > 64 {
		return l, t.errf("samples per pixel tag 277 = %d", l.spp)
	}
	return l, t.blocks(&l)
}

func (t *tiffFile) checkSampleType(l layout) error {
	ok := false
	switch l.format {
	case 1, 2:
		ok = l.bps == 8 || l.bps == 16 || l.bps == 32
	case 3:
		ok = l.bps == 32 || l.bps == 64
	}
	if !ok {
		return t.unsupported("sample format %d (tag 339) with %d bits per sample (tag 258)", l.format, l.bps)
	}
	return nil
}

func (t *tiffFile) blocks(l *layout) error {
	if _, ok := t.tags[tagTileOffsets]; ok {
		l.tiled = true
		l.blockW, l.blockH = int(t.num(tagTileWidth, 0)), int(t.num(tagTileLength, 0))
		l.offsets, l.counts = t.tags[tagTileOffsets].nums, t.tags[tagTileBytes].nums
	} else {
		l.blockW, l.blockH = l.width, int(t.num(tagRowsPerStrip, float64(l.height)))
		if rps, ok := t.tags[tagRowsPerStrip]; ok && len(rps.nums) > 0 && rps.nums[0] < 1 {
			return t.errf("RowsPerStrip tag 278 is %v", rps.nums[0])
		}
		if l.blockH > l.height || l.blockH <= 0 {
			l.blockH = l.height // larger than the image (e.g. 2^32-1): one strip
		}
		l.offsets, l.counts = t.tags[tagStripOffsets].nums, t.tags[tagStripBytes].nums
	}
	if l.blockW <= 0 || l.blockH <= 0 || l.blockW > 1<<16 || l.blockH > 1<<20 {
		return t.errf("block size %d x %d", l.blockW, l.blockH)
	}
	across := (l.width + l.blockW - 1) / l.blockW
	down := (l.height + l.blockH - 1) / l.blockH
	need := across * down
	if l.planar == 2 {
		need *= l.spp
	}
	if len(l.offsets) < across*down || len(l.counts) < across*down {
		return t.errf("%d block offsets/byte counts (tags 273/279 or 324/325) for %d blocks", len(l.offsets), need)
	}
	return t.checkBlocks(*l)
}

// Largest decoded/stored byte ratios of the codecs (Deflate's is 1032:1;
// a 12-bit LZW code yields at most 4096 bytes; a PackBits run 128 bytes
// from 2): a block claiming more decoded bytes than its stored bytes can
// hold is refused before anything is allocated.
const (
	deflateRatio  = 1032
	lzwRatio      = 2731
	packBitsRatio = 64
	codecSlack    = 64
)

// maxBlockBytes bounds one decoded block (1 GiB), whatever its codec.
const maxBlockBytes = 1 << 30

// checkBlocks refuses blocks of band 1 whose stored bytes cannot hold the
// pixels they must give, so the image buffer is only allocated for files
// that can fill it.
func (t *tiffFile) checkBlocks(l layout) error {
	across := (l.width + l.blockW - 1) / l.blockW
	down := (l.height + l.blockH - 1) / l.blockH
	var sparse int64 // pixels of blocks with no stored bytes
	for i := 0; i < across*down; i++ {
		off, n := l.offsets[i], l.counts[i]
		if n == 0 {
			sparse += int64(l.blockW) * int64(l.rowsOf(i))
			continue // sparse block: reads as nodata, as GDAL does
		}
		if off < 0 || n < 0 || off > float64(len(t.data)) || n > float64(len(t.data))-off {
			return t.errf("%s at %v+%v outside the file", l.blockName(i), off, n)
		}
		want := l.blockBytes(i)
		if want > maxBlockBytes && (l.compression != 1 || l.predictor != 1) { // only these allocate
			return fmt.Errorf("%w: %s: %s of %d x %d pixels", ErrTooLarge, t.name, l.blockName(i), l.blockW, l.blockH)
		}
		if limit := l.maxDecoded(int64(n)); int64(want) > limit {
			return t.errf("%s holds %v bytes, too few for the %d bytes of its %d x %d pixels", l.blockName(i), n, want, l.blockW, l.rowsOf(i))
		}
	}
	if total := int64(l.width) * int64(l.height); sparse > maxSparseCells && sparse*5 > total*4 {
		return fmt.Errorf("%w: %s: %d x %d pixels of which %d are in empty (sparse) blocks: nothing to read", ErrTooLarge, t.name, l.width, l.height, sparse)
	}
	return nil
}

// maxSparseCells bounds the empty (sparse) part of an image that is mostly
// empty: a few bytes must not claim gigabytes of nodata.
const maxSparseCells = 1 << 24

// maxDecoded is the most bytes n stored bytes decode to.
func (l layout) maxDecoded(n int64) int64 {
	switch l.compression {
	case 1:
		return n
	case 5:
		return n*lzwRatio + codecSlack
	case 32773:
		return n*packBitsRatio + codecSlack
	}
	return n*deflateRatio + codecSlack
}

// rowsOf is how many of block i's rows lie inside the image.
func (l layout) rowsOf(i int) int {
	across := (l.width + l.blockW - 1) / l.blockW
	return min(l.blockH, l.height-(i/across)*l.blockH)
}

// rowBytes is the byte length of one row of a block of band 1.
func (l layout) rowBytes() int {
	stride := l.spp
	if l.planar == 2 {
		stride = 1
	}
	return l.blockW * stride * (l.bps / 8)
}

// blockBytes is how many decoded bytes of block i are needed: its rows
// inside the image (a tile taller than the image decodes only those).
func (l layout) blockBytes(i int) int { return l.rowBytes() * l.rowsOf(i) }

func (l layout) blockName(i int) string {
	if l.tiled {
		return fmt.Sprintf("tile %d", i)
	}
	return fmt.Sprintf("strip %d", i)
}

// readPixels decodes band 1 into dst (width*height); sparse blocks are
// filled with fill.
// It stops between blocks once ctx is done, and reports the blocks decoded
// as stage "read".
func (t *tiffFile) readPixels(ctx context.Context, l layout, dst []float32, fill float32) error {
	m := startMeter(ctx, "read", l.blocksAcross()*l.blocksDown())
	return t.readBlockRows(ctx, l, 0, l.blocksDown(), dst, fill, m)
}

func (l layout) blocksAcross() int { return (l.width + l.blockW - 1) / l.blockW }

func (l layout) blocksDown() int { return (l.height + l.blockH - 1) / l.blockH }

// readBlockRows decodes the blocks of block rows by0..by1-1 into dst,
// whose first row is image row by0*blockH, on every core.
func (t *tiffFile) readBlockRows(ctx context.Context, l layout, by0, by1 int, dst []float32, fill float32, m *meter) error {
	across := l.blocksAcross()
	stride := l.spp
	if l.planar == 2 {
		stride = 1
	}
	rowBytes := l.rowBytes()
	y0 := by0 * l.blockH
	// Blocks are independent: decode them on every core.
	i0, n := by0*across, by1*across
	var next atomic.Int64
	next.Store(int64(i0))
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range max(1, min(runtime.NumCPU(), n-i0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if err := ctx.Err(); err != nil {
					once.Do(func() { first = err })
					return
				}
				m.add(1)
				if l.counts[i] == 0 {
					t.fillBlock(l, i%across, i/across, y0, dst, fill)
					continue
				}
				raw, err := t.blockBytes(l, i, l.blockBytes(i))
				if err != nil {
					once.Do(func() { first = err })
					return
				}
				if t.float32LE(l, stride) && l.predictor == 3 {
					placeFloatPredicted(l, raw, i%across, i/across, y0, dst)
				} else {
					t.unpredict(l, raw, rowBytes, stride)
					t.place(l, raw, i%across, i/across, y0, stride, dst)
				}
				if l.compression != 1 || l.predictor != 1 { // raw is ours, not the file's bytes
					putBlockBuf(raw)
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// fillBlock sets the pixels of a sparse block to fill; dst's first row is
// image row y0.
func (t *tiffFile) fillBlock(l layout, bx, by, y0 int, dst []float32, fill float32) {
	for y := by * l.blockH; y < min(l.height, (by+1)*l.blockH); y++ {
		row := dst[(y-y0)*l.width+bx*l.blockW : (y-y0)*l.width+min(l.width, (bx+1)*l.blockW)]
		for c := range row {
			row[c] = fill
		}
	}
}

// blockBytes returns the first want decoded bytes of block i (checkBlocks
// has bounded want by the stored bytes); a block that decodes to fewer is
// an error, never zero-filled.
func (t *tiffFile) blockBytes(l layout, i, want int) ([]byte, error) {
	off, n := int(l.offsets[i]), int(l.counts[i])
	src := t.data[off : off+n]
	switch l.compression {
	case 1:
		if len(src) < want {
			return nil, t.errf("%s holds %d bytes, want %d", l.blockName(i), len(src), want)
		}
		if l.predictor == 1 {
			return src[:want:want], nil // read only: no copy needed
		}
		out := getBlockBuf(want)
		copy(out, src)
		return out, nil
	case 32773:
		out := getBlockBuf(want)
		if got := unpackBits(src, out); got < want {
			return nil, t.errf("%s: PackBits data gives %d of %d bytes", l.blockName(i), got, want)
		}
		return out, nil
	case 5:
		out := getBlockBuf(want)
		if got, err := lzwDecode(src, out); got < want {
			putBlockBuf(out)
			if err == nil {
				err = io.ErrUnexpectedEOF // EOI before the block's bytes
			}
			return nil, t.errf("decompress %s: %d of %d bytes: %v", l.blockName(i), got, want, err)
		}
		return out, nil
	default:
		out := getBlockBuf(want)
		if got, err := zlibDecode(src, out); got < want || err != nil {
			putBlockBuf(out)
			if err == nil {
				err = io.ErrUnexpectedEOF // the stream ends before the block's bytes
			}
			return nil, t.errf("decompress %s: %d of %d bytes: %v", l.blockName(i), got, want, err)
		}
		return out, nil
	}
}

// blockBufs keeps decode buffers for the next block, so reading a file
// allocates a few blocks' worth, not the file's.
var blockBufs sync.Pool

// getBlockBuf returns a buffer of n bytes from the pool or a new one.
func getBlockBuf(n int) []byte {
	if b, ok := blockBufs.Get().(*[]byte); ok && cap(*b) >= n {
		return (*b)[:n]
	}
	return make([]byte, n)
}

func putBlockBuf(b []byte) { blockBufs.Put(&b) }

// unpackBits decodes PackBits src into dst and returns the bytes written.
func unpackBits(src, dst []byte) int {
	o := 0
	for i := 0; i < len(src) && o < len(dst); {
		n := int(int8(src[i]))
		i++
		switch {
		case n >= 0:
			k := min(n+1, len(src)-i, len(dst)-o)
			copy(dst[o:], src[i:i+k])
			i, o = i+n+1, o+k
		case n != -128:
			if i >= len(src) {
				return o
			}
			for k := 0; k < 1-n && o < len(dst); k++ {
				dst[o] = src[i]
				o++
			}
			i++
		}
	}
	return o
}

// unpredict reverses TIFF predictors 2 (horizontal) and 3 (floating point).
func (t *tiffFile) unpredict(l layout, raw []byte, rowBytes, stride int) {
	switch l.predictor {
	case 2:
		for r := 0; r+rowBytes <= len(raw); r += rowBytes {
			t.undiffRow(raw[r:r+rowBytes], l.bps/8, stride)
		}
	case 3:
		tmp := make([]byte, rowBytes)
		for r := 0; r+rowBytes <= len(raw); r += rowBytes {
			undiffFloatRow(raw[r:r+rowBytes], tmp, l.bps/8)
		}
	}
}

func (t *tiffFile) undiffRow(row []byte, size, stride int) {
	n := len(row) / size
	for i := stride; i < n; i++ {
		switch size {
		case 1:
			row[i] += row[i-stride]
		case 2:
			t.order.PutUint16(row[2*i:], t.order.Uint16(row[2*i:])+t.order.Uint16(row[2*(i-stride):]))
		case 4:
			t.order.PutUint32(row[4*i:], t.order.Uint32(row[4*i:])+t.order.Uint32(row[4*(i-stride):]))
		case 8:
			t.order.PutUint64(row[8*i:], t.order.Uint64(row[8*i:])+t.order.Uint64(row[8*(i-stride):]))
		}
	}
}

// undiffFloatRow undoes predictor 3: byte differences over the row, then the
// byte planes are woven back as libtiff does on a little-endian host (the
// writers in use): plane 0 lands on the last byte of each value's buffer
// slot, whatever the file's byte order.
func undiffFloatRow(row, tmp []byte, size int) {
	for i := 1; i < len(row); i++ {
		row[i] += row[i-1]
	}
	n := len(row) / size
	for i := 0; i < n; i++ {
		for b := 0; b < size; b++ {
			tmp[i*size+size-1-b] = row[b*n+i]
		}
	}
	copy(row, tmp)
}

// float32LE reports whether band 1 is little-endian Float32 stored alone
// (one sample per pixel, or planar): its bytes are the values as they are
// in memory.
func (t *tiffFile) float32LE(l layout, stride int) bool {
	return l.format == 3 && l.bps == 32 && stride == 1 && t.order == binary.LittleEndian
}

// placeFloatPredicted undoes the floating-point predictor of a block of
// little-endian Float32 rows and stores it into dst (first row: image row
// y0) in one pass per row: the byte differences are summed in raw, then
// the four byte planes (most significant first) are woven straight into
// the values of the image row.
func placeFloatPredicted(l layout, raw []byte, bx, by, y0 int, dst []float32) {
	bw := l.blockW
	x0, n := bx*bw, min(bw, l.width-bx*bw)
	for r := 0; r < l.blockH && by*l.blockH+r < l.height; r++ {
		if (r+1)*4*bw > len(raw) {
			return
		}
		row := raw[r*4*bw : (r+1)*4*bw]
		var sum byte
		for k, b := range row {
			sum += b
			row[k] = sum
		}
		p0, p1, p2, p3 := row[:n], row[bw:bw+n], row[2*bw:2*bw+n], row[3*bw:3*bw+n]
		y := by*l.blockH + r - y0
		out := dst[y*l.width+x0 : y*l.width+x0+n]
		for c := range out {
			out[c] = math.Float32frombits(uint32(p0[c])<<24 | uint32(p1[c])<<16 | uint32(p2[c])<<8 | uint32(p3[c]))
		}
	}
}

// place stores a decoded block into dst, whose first row is image row y0.
func (t *tiffFile) place(l layout, raw []byte, bx, by, y0, stride int, dst []float32) {
	size := l.bps / 8
	fast := t.float32LE(l, stride)
	for r := 0; r < l.blockH; r++ {
		y := by*l.blockH + r
		if y >= l.height {
			break
		}
		if fast {
			x0, n := bx*l.blockW, min(l.blockW, l.width-bx*l.blockW)
			p := r * l.blockW * 4
			if p+4*n > len(raw) {
				return
			}
			row := dst[(y-y0)*l.width+x0 : (y-y0)*l.width+x0+n]
			if nativeLE && n > 0 { // the bytes are the values: one copy
				copy(unsafe.Slice((*byte)(unsafe.Pointer(&row[0])), 4*n), raw[p:p+4*n])
				continue
			}
			for c := range row {
				row[c] = math.Float32frombits(binary.LittleEndian.Uint32(raw[p+4*c:]))
			}
			continue
		}
		for c := 0; c < l.blockW; c++ {
			x := bx*l.blockW + c
			if x >= l.width {
				break
			}
			p := (r*l.blockW + c) * stride * size
			if p+size > len(raw) {
				return
			}
			dst[(y-y0)*l.width+x] = t.sample(l, raw[p:p+size])
		}
	}
}

func (t *tiffFile) sample(l layout, b []byte) float32 {
	o := t.order
	switch {
	case l.format == 3 && l.bps == 32:
		return math.Float32frombits(o.Uint32(b))
	case l.format == 3:
		return float32(math.Float64frombits(o.Uint64(b)))
	case l.bps == 8 && l.format == 2:
		return float32(int8(b[0]))
	case l.bps == 8:
		return float32(b[0])
	case l.bps == 16 && l.format == 2:
		return float32(int16(o.Uint16(b)))
	case l.bps == 16:
		return float32(o.Uint16(b))
	case l.format == 2:
		return float32(int32(o.Uint32(b)))
	default:
		return float32(o.Uint32(b))
	}
}
