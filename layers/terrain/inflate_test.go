package terrain

import (
	"bytes"
	"compress/zlib"
	"io"
	"math/rand/v2"
	"testing"
)

// refZlib decodes src with the standard library, up to n bytes.
func refZlib(src []byte, n int) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(src))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(r, int64(n)+1))
	if err == nil {
		err = r.Close()
	}
	return out, err
}

// zlibSamples are the LZW samples compressed at every level (stored,
// fixed and dynamic blocks) and with Huffman coding only.
func zlibSamples(seed uint64) (raw, enc [][]byte) {
	for _, src := range lzwSamples(seed) {
		for _, level := range []int{zlib.NoCompression, zlib.BestSpeed, 6, zlib.BestCompression, zlib.HuffmanOnly} {
			var b bytes.Buffer
			w, _ := zlib.NewWriterLevel(&b, level)
			w.Write(src)
			w.Close()
			raw, enc = append(raw, src), append(enc, b.Bytes())
		}
	}
	return raw, enc
}

// TestZlibDecode: what the standard library writes, zlibDecode gives back
// byte for byte, also into a short buffer; cut data, a bad checksum and a
// bad header are errors.
func TestZlibDecode(t *testing.T) {
	seed := uint64(rand.Int64())
	t.Logf("seed %d", seed)
	raw, enc := zlibSamples(seed)
	for i, src := range raw {
		got := make([]byte, len(src))
		if n, err := zlibDecode(enc[i], got); err != nil || n != len(src) || !bytes.Equal(got, src) {
			t.Fatalf("sample %d (%d bytes): got %d bytes, err %v, equal %v", i, len(src), n, err, bytes.Equal(got[:n], src[:n]))
		}
		if len(src) > 10 {
			short := make([]byte, len(src)/3)
			if n, err := zlibDecode(enc[i], short); n != len(short) || err != nil || !bytes.Equal(short, src[:len(short)]) {
				t.Fatalf("sample %d into %d bytes: %d, %v", i, len(short), n, err)
			}
			if n, err := zlibDecode(enc[i][:len(enc[i])/2], got); err != io.ErrUnexpectedEOF {
				t.Fatalf("sample %d cut in half: %d bytes, %v", i, n, err)
			}
		}
		bad := append([]byte{}, enc[i]...)
		bad[len(bad)-1] ^= 1
		if _, err := zlibDecode(bad, make([]byte, len(src)+1)); err != errAdler {
			t.Fatalf("sample %d with a bad checksum: %v", i, err)
		}
	}
	if _, err := zlibDecode([]byte{0x78, 0x9d, 3, 0}, make([]byte, 4)); err != errZlibHead {
		t.Fatalf("bad header check: %v", err)
	}
}

// FuzzZlibDecode: on any input, zlibDecode never panics, and where the
// standard library decodes the whole stream it gives the same bytes.
func FuzzZlibDecode(f *testing.F) {
	raw, enc := zlibSamples(3)
	for i := range raw {
		if len(enc[i]) < 4000 {
			f.Add(enc[i], uint16(len(raw[i])))
		}
	}
	f.Fuzz(func(t *testing.T, src []byte, n uint16) {
		got := make([]byte, n)
		k, err := zlibDecode(src, got)
		if k > int(n) {
			t.Fatalf("wrote %d bytes into %d", k, n)
		}
		ref, rerr := refZlib(src, int(n))
		if rerr == nil && (k != min(len(ref), int(n)) || !bytes.Equal(got[:k], ref[:k])) {
			t.Fatalf("the standard library decoded %d bytes, ours %d (%v)", len(ref), k, err)
		}
		if rerr == nil && len(ref) >= int(n) && err != nil {
			t.Fatalf("the standard library decoded %d bytes, ours failed filling %d: %v", len(ref), n, err)
		}
	})
}

// BenchmarkZlibDecode decodes one 256 x 256 Float32 tile of the
// whole-process benchmark's surface, Deflate at zlib's default level, with
// this decoder (checking Adler-32) and, to weigh it, with the standard
// library's reader (reading just the tile's bytes, which leaves its
// checksum unchecked).
func BenchmarkZlibDecode(b *testing.B) {
	pix := encodePixels(benchSurface(TileSize), Float32)
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(pix)
	w.Close()
	dst := make([]byte, len(pix))
	for _, name := range []string{"ours", "stdlib"} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(pix)))
			for b.Loop() {
				var n int
				var err error
				if name == "ours" {
					n, err = zlibDecode(buf.Bytes(), dst)
				} else {
					var r io.Reader
					if r, err = zlib.NewReader(bytes.NewReader(buf.Bytes())); err == nil {
						n, err = io.ReadFull(r, dst)
					}
				}
				if n != len(dst) || err != nil {
					b.Fatalf("%d of %d bytes: %v", n, len(dst), err)
				}
			}
		})
	}
}
