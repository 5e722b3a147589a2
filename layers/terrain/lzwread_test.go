package terrain

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"

	"golang.org/x/image/tiff/lzw"
)

// refLZW decodes src with golang.org/x/image/tiff/lzw, the decoder
// lzwDecode replaces, up to n bytes.
func refLZW(src []byte, n int) ([]byte, error) {
	r := lzw.NewReader(bytes.NewReader(src), lzw.MSB, 8)
	defer r.Close()
	out := make([]byte, n)
	got, err := io.ReadFull(r, out)
	return out[:got], err
}

// lzwSamples are inputs of every kind of compressibility, from runs
// (long strings, table resets) to noise (wide codes).
func lzwSamples(seed uint64) [][]byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	noise := make([]byte, 50000)
	for i := range noise {
		noise[i] = byte(rng.IntN(256))
	}
	runs := bytes.Repeat([]byte{3}, 100000)
	text := bytes.Repeat([]byte("slope aspect hillshade gdaldem "), 3000)
	mixed := append(append([]byte{}, text[:7000]...), noise[:9000]...)
	return [][]byte{{}, {42}, noise, runs, text, mixed, predictFloatRows(encodePixels(synthDEM(300, 200), Float32), 300)}
}

// TestLZWDecodeRoundTrip: what lzwEncode writes, lzwDecode gives back,
// byte for byte as x/image's decoder, also into a short buffer.
func TestLZWDecodeRoundTrip(t *testing.T) {
	seed := uint64(rand.Int64())
	t.Logf("seed %d", seed)
	for i, src := range lzwSamples(seed) {
		enc := lzwEncode(src)
		got := make([]byte, len(src))
		n, err := lzwDecode(enc, got)
		if err != nil || n != len(src) || !bytes.Equal(got, src) {
			t.Fatalf("sample %d (%d bytes): got %d bytes, err %v, equal %v", i, len(src), n, err, bytes.Equal(got[:n], src[:n]))
		}
		if ref, _ := refLZW(enc, len(src)); !bytes.Equal(ref, src) {
			t.Fatalf("sample %d: x/image disagrees with the encoder", i)
		}
		if len(src) > 10 {
			short := make([]byte, len(src)/3)
			if n, err := lzwDecode(enc, short); n != len(short) || err != nil || !bytes.Equal(short, src[:len(short)]) {
				t.Fatalf("sample %d into %d bytes: %d, %v", i, len(short), n, err)
			}
		}
	}
}

// TestLZWDecodeTruncated: data cut before EOI gives what it holds and
// io.ErrUnexpectedEOF; a code past the table is an error.
func TestLZWDecodeTruncated(t *testing.T) {
	src := lzwSamples(1)[4]
	enc := lzwEncode(src)
	n, err := lzwDecode(enc[:len(enc)/2], make([]byte, len(src)))
	if err != io.ErrUnexpectedEOF || n == 0 || n >= len(src) {
		t.Fatalf("truncated: %d of %d bytes, %v", n, len(src), err)
	}
	if _, err := lzwDecode([]byte{0x80, 0x7f, 0xff}, make([]byte, 10)); err != errLZWCode { // Clear, then code 511
		t.Fatalf("code past the table: %v", err)
	}
}

// FuzzLZWDecode: on any input, lzwDecode never panics, and where
// x/image's decoder fills the buffer it gives the same bytes.
func FuzzLZWDecode(f *testing.F) {
	for _, s := range lzwSamples(3) {
		if len(s) < 5000 {
			f.Add(lzwEncode(s), uint16(len(s)))
		}
	}
	f.Add([]byte{0x80, 0x7f, 0xff}, uint16(10))
	f.Fuzz(func(t *testing.T, src []byte, n uint16) {
		got := make([]byte, n)
		k, err := lzwDecode(src, got)
		if k > int(n) {
			t.Fatalf("wrote %d bytes into %d", k, n)
		}
		ref, rerr := refLZW(src, int(n))
		if rerr == nil && (err != nil || !bytes.Equal(got, ref)) {
			t.Fatalf("x/image decoded %d bytes, ours %d (%v), equal %v", len(ref), k, err, bytes.Equal(got[:k], ref[:min(k, len(ref))]))
		}
	})
}

// BenchmarkLZWDecode decodes one 256 x 256 Float32 tile of the whole-process
// benchmark's surface, as stored without a predictor and with the
// floating-point one.
func BenchmarkLZWDecode(b *testing.B) {
	g := benchSurface(TileSize)
	pix := encodePixels(g, Float32)
	for _, c := range []struct {
		name string
		raw  []byte
	}{{"pred1", pix}, {"pred3", predictFloatRows(append([]byte{}, pix...), TileSize)}} {
		b.Run(c.name, func(b *testing.B) {
			enc := lzwEncode(c.raw)
			dst := make([]byte, len(c.raw))
			b.SetBytes(int64(len(c.raw)))
			for b.Loop() {
				if n, err := lzwDecode(enc, dst); n != len(dst) || err != nil {
					b.Fatalf("%d of %d bytes: %v", n, len(dst), err)
				}
			}
		})
	}
}
