package shapefile

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// textCodec is an attribute encoding: its canonical name, the x/text
// encoding (nil for UTF-8), the DBF language driver byte written with it
// and the .cpg text.
type textCodec struct {
	name string
	enc  encoding.Encoding
	ldid byte
	cpg  string
}

var (
	codecUTF8    = textCodec{name: "UTF-8", cpg: "UTF-8"}
	codecGBK     = textCodec{"GBK", simplifiedchinese.GBK, 0x4D, "GBK"}
	codecGB18030 = textCodec{"GB18030", simplifiedchinese.GB18030, 0, "GB18030"}
	codecLatin1  = textCodec{"ISO-8859-1", charmap.ISO8859_1, 0x57, "ISO-8859-1"}
)

// codePages maps Windows/DOS code page numbers to codecs.
var codePages = map[int]textCodec{
	437:   {"IBM437", charmap.CodePage437, 0x01, "437"},
	850:   {"IBM850", charmap.CodePage850, 0x02, "850"},
	852:   {"IBM852", charmap.CodePage852, 0x64, "852"},
	860:   {"IBM860", charmap.CodePage860, 0x24, "860"},
	863:   {"IBM863", charmap.CodePage863, 0x6C, "863"},
	865:   {"IBM865", charmap.CodePage865, 0x66, "865"},
	866:   {"IBM866", charmap.CodePage866, 0x65, "866"},
	874:   {"windows-874", charmap.Windows874, 0x57, "874"},
	932:   {"Shift_JIS", japanese.ShiftJIS, 0x13, "932"},
	936:   codecGBK,
	949:   {"EUC-KR", korean.EUCKR, 0x79, "949"},
	950:   {"Big5", traditionalchinese.Big5, 0x78, "950"},
	1250:  {"windows-1250", charmap.Windows1250, 0xC8, "1250"},
	1251:  {"windows-1251", charmap.Windows1251, 0xC9, "1251"},
	1252:  {"windows-1252", charmap.Windows1252, 0x03, "1252"},
	1253:  {"windows-1253", charmap.Windows1253, 0xCB, "1253"},
	1254:  {"windows-1254", charmap.Windows1254, 0xCA, "1254"},
	1255:  {"windows-1255", charmap.Windows1255, 0x7D, "1255"},
	1256:  {"windows-1256", charmap.Windows1256, 0x7E, "1256"},
	1257:  {"windows-1257", charmap.Windows1257, 0xCC, "1257"},
	1258:  {"windows-1258", charmap.Windows1258, 0, "1258"},
	28591: codecLatin1,
	54936: codecGB18030,
	65001: codecUTF8,
}

// ldidCodePages maps DBF language driver ids (byte 29) to code pages, after
// the table GDAL and ESRI use; 0x57 ("ANSI") is read as ISO-8859-1.
var ldidCodePages = map[byte]int{
	0x01: 437, 0x02: 850, 0x03: 1252, 0x08: 865, 0x09: 437, 0x0A: 850, 0x0B: 437,
	0x0D: 437, 0x0E: 850, 0x0F: 437, 0x10: 850, 0x11: 437, 0x12: 850, 0x13: 932,
	0x14: 850, 0x15: 437, 0x16: 850, 0x17: 865, 0x18: 437, 0x19: 437, 0x1A: 850,
	0x1B: 437, 0x1C: 863, 0x1D: 850, 0x1F: 852, 0x22: 852, 0x23: 852, 0x24: 860,
	0x25: 850, 0x26: 866, 0x37: 850, 0x40: 852, 0x4D: 936, 0x4E: 949, 0x4F: 950,
	0x50: 874, 0x57: 28591, 0x58: 1252, 0x59: 1252, 0x64: 852, 0x65: 866, 0x66: 865,
	0x6C: 863, 0x78: 950, 0x79: 949, 0x7A: 936, 0x7B: 932, 0x7C: 874, 0x7D: 1255,
	0x7E: 1256, 0x87: 852, 0xC8: 1250, 0xC9: 1251, 0xCA: 1254, 0xCB: 1253, 0xCC: 1257,
}

// namedCodecs maps the usual .cpg spellings (upper case, without '-', '_'
// or spaces) to codecs.
var namedCodecs = map[string]textCodec{
	"UTF8": codecUTF8, "CP65001": codecUTF8,
	"GBK": codecGBK, "CP936": codecGBK, "MS936": codecGBK, "WINDOWS936": codecGBK,
	"GB2312": codecGBK, "EUCCN": codecGBK, "ANSI936": codecGBK,
	"GB18030": codecGB18030, "CP54936": codecGB18030,
	"ISO88591": codecLatin1, "LATIN1": codecLatin1, "88591": codecLatin1, "L1": codecLatin1,
}

// lookupCodec finds the codec for an encoding name or code page as found in
// a .cpg file or ReadOptions/WriteOptions.
func lookupCodec(name string) (textCodec, error) {
	key := strings.ToUpper(strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.TrimSpace(name)))
	if c, ok := namedCodecs[key]; ok {
		return c, nil
	}
	for _, prefix := range []string{"ANSI", "CP", "WINDOWS", "IBM", "OEM", "LDID/"} {
		if n, err := strconv.Atoi(strings.TrimPrefix(key, prefix)); err == nil && strings.HasPrefix(key, prefix) {
			return codeOrLDID(prefix, n, name)
		}
	}
	if n, err := strconv.Atoi(key); err == nil {
		return codeOrLDID("", n, name)
	}
	if e, err := ianaindex.IANA.Encoding(strings.TrimSpace(name)); err == nil && e != nil {
		canon, _ := ianaindex.IANA.Name(e)
		return textCodec{name: canon, enc: e, cpg: canon}, nil
	}
	return textCodec{}, fmt.Errorf("%w: unknown encoding %q", ErrEncoding, name)
}

func codeOrLDID(prefix string, n int, name string) (textCodec, error) {
	if prefix == "LDID/" {
		if cp, ok := ldidCodePages[byte(n)]; ok && n < 256 {
			n = cp
		}
	}
	if c, ok := codePages[n]; ok {
		return c, nil
	}
	return textCodec{}, fmt.Errorf("%w: unknown encoding %q", ErrEncoding, name)
}

// detectCodec picks the encoding of the DBF byte strings in sample that name no code page: UTF-8
// when valid, else GBK or GB18030 when the bytes are valid Chinese, else
// ISO-8859-1 (which decodes any byte).
func detectCodec(sample [][]byte) textCodec {
	valid, kind := true, 2
	for _, b := range sample {
		valid = valid && utf8.Valid(b)
	}
	if valid {
		return codecUTF8
	}
	for _, b := range sample {
		k := chineseKind(b)
		if k == 0 {
			return codecLatin1
		}
		kind = max(kind, k)
	}
	if kind == 4 {
		return codecGB18030
	}
	return codecGBK
}

// chineseKind reports 2 when b is valid GBK, 4 when it is valid GB18030
// only (it has four-byte sequences), 0 otherwise.
func chineseKind(b []byte) int {
	kind := 2
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < 0x80:
			i++
		case c == 0x80 || c == 0xFF || i+1 >= len(b):
			return 0
		case b[i+1] >= 0x40 && b[i+1] <= 0xFE && b[i+1] != 0x7F:
			i += 2
		case i+3 < len(b) && isDigit(b[i+1]) && b[i+2] >= 0x81 && b[i+2] <= 0xFE && isDigit(b[i+3]):
			kind, i = 4, i+4
		default:
			return 0
		}
	}
	return kind
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// decoder turns encoded bytes into Go strings; it is not safe for
// concurrent use (the x/text decoder keeps state).
type decoder struct {
	codec textCodec
	dec   *encoding.Decoder
}

func newDecoder(c textCodec) *decoder {
	d := &decoder{codec: c}
	if c.enc != nil {
		d.dec = c.enc.NewDecoder()
	}
	return d
}

// text decodes b; bytes the encoding cannot decode become U+FFFD.
func (d *decoder) text(b []byte) string {
	if isASCII(b) {
		return string(b)
	}
	if d.dec == nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	s, err := d.dec.Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(s)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// encoder turns Go strings into encoded bytes; not safe for concurrent use.
type encoder struct {
	codec textCodec
	enc   *encoding.Encoder
}

func newEncoder(c textCodec) *encoder {
	e := &encoder{codec: c}
	if c.enc != nil {
		e.enc = c.enc.NewEncoder()
	}
	return e
}

// bytes encodes s, failing with ErrEncoding on a character the encoding
// cannot hold (or on invalid UTF-8).
func (e *encoder) bytes(s string) ([]byte, error) {
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("%w: %q is not valid UTF-8", ErrEncoding, s)
	}
	if e.enc == nil || isASCII([]byte(s)) {
		return []byte(s), nil
	}
	b, err := e.enc.Bytes([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("%w: %q cannot be written in %s", ErrEncoding, s, e.codec.name)
	}
	return b, nil
}
