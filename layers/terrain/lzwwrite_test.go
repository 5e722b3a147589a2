package terrain

import (
	"bytes"
	"io"
	"math/rand"
	"testing"

	"golang.org/x/image/tiff/lzw"
)

func TestLZWRoundTrip(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	random := make([]byte, 200000)
	rnd.Read(random)
	runs := bytes.Repeat([]byte("abcabcabdabcabcabd"), 20000)
	ramp := make([]byte, 300000)
	for i := range ramp {
		ramp[i] = byte(i / 700)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil}, {"one", []byte{7}}, {"two", []byte{7, 7}},
		{"random (table resets)", random}, {"runs", runs}, {"ramp", ramp},
	} {
		enc := lzwEncode(tc.data)
		got, err := io.ReadAll(lzw.NewReader(bytes.NewReader(enc), lzw.MSB, 8))
		if err != nil {
			t.Fatalf("%s: decode: %v", tc.name, err)
		}
		if !bytes.Equal(got, tc.data) {
			t.Fatalf("%s: round trip differs (%d bytes in, %d out)", tc.name, len(tc.data), len(got))
		}
	}
}

func TestLZWGeoTIFFRoundTrip(t *testing.T) {
	g := NewGrid(300, 70, [6]float64{1000, 30, 0, 5000, 0, -30}, 4550)
	for i := range g.Data {
		g.Data[i] = float32(i%300)*0.37 + float32(i/300)*1.5 - 20
	}
	b, err := EncodeLZWGeoTIFF(g)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeGeoTIFF("lzw.tif", b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range g.Data {
		if back.Data[i] != g.Data[i] {
			t.Fatalf("cell %d: %v, want %v", i, back.Data[i], g.Data[i])
		}
	}
	if len(b) >= 4*len(g.Data) {
		t.Errorf("LZW tile is %d bytes, raw is %d", len(b), 4*len(g.Data))
	}
}

func BenchmarkLZWTile(b *testing.B) {
	g := NewGrid(TileSize, TileSize, [6]float64{0, 30, 0, 0, 0, -30}, 4550)
	for i := range g.Data {
		g.Data[i] = 50 + float32(i%TileSize)*0.2 + float32(i/TileSize)*0.1
	}
	b.SetBytes(int64(4 * len(g.Data)))
	for b.Loop() {
		if _, err := EncodeLZWGeoTIFF(g); err != nil {
			b.Fatal(err)
		}
	}
}
