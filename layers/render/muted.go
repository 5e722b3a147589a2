package render

import (
	"image/color"
	"math"
	"sync"
)

// Class colours come from the standards' tables (GB/T 21010 / 三调, the
// 用地用海 guideline, GB 50137) at full saturation, as the catalog keeps
// them. Printed 国土空间规划 maps lay them down muted: the same hue at
// lower chroma and a little lighter, each patch outlined in a darker shade
// of its own hue. Muted and ClassOutline do that in Oklab, so the hue and
// the perceived lightness order of the standard's classes are kept.

// Muting, in Oklab: chroma C is compressed to mutedMax·tanh(C/mutedMax),
// which halves the standards' saturated colours and leaves pastel ones
// nearly as they are, and lightness moves towards white by mutedBase plus
// up to mutedLift in proportion to the chroma taken away (dark classes
// such as 公用设施 lighten a little too). Outlines take outlineDark of the
// muted fill's lightness and outlineChroma times its chroma.
const (
	mutedMax      = 0.11
	mutedBase     = 0.12
	mutedLift     = 0.3
	outlineDark   = 0.7
	outlineChroma = 1.3
)

// mutedCache memoises Muted and ClassOutline by colour (palettes have a
// few dozen classes); safe for concurrent use.
var mutedCache sync.Map // [2]color.NRGBA{c, kind} -> color.NRGBA

// Muted is the printed-map fill of a standard class colour: its hue at
// lower chroma, lifted towards white (pastel colours change little).
// Alpha is kept. Safe for concurrent use.
func Muted(c color.NRGBA) color.NRGBA {
	return memoShade(c, 0, func(l, a, b float64) (float64, float64, float64) {
		ch := math.Hypot(a, b)
		if ch < 1e-9 {
			return l, a, b
		}
		k := mutedMax * math.Tanh(ch/mutedMax) / ch
		return l + (1-l)*(mutedBase+mutedLift*(1-k)), a * k, b * k
	})
}

// ClassOutline is the outline of a patch of class colour c: a darker
// shade of its muted fill's hue (Muted). Alpha is kept. Safe for
// concurrent use.
func ClassOutline(c color.NRGBA) color.NRGBA {
	m := Muted(color.NRGBA{c.R, c.G, c.B, 0xff})
	return memoShade(m, 1, func(l, a, b float64) (float64, float64, float64) {
		return l * outlineDark, a * outlineChroma, b * outlineChroma
	})
}

func memoShade(c color.NRGBA, kind uint8, f func(l, a, b float64) (float64, float64, float64)) color.NRGBA {
	key := [2]color.NRGBA{c, {A: kind}}
	if v, ok := mutedCache.Load(key); ok {
		return v.(color.NRGBA)
	}
	l, a, b := toOklab(c)
	out := fromOklabInGamut(f(l, a, b))
	out.A = c.A
	mutedCache.Store(key, out)
	return out
}

// srgbToLinear and linearToSRGB are the sRGB transfer functions on 0..1.
func srgbToLinear(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

func linearToSRGB(v float64) float64 {
	if v <= 0.0031308 {
		return 12.92 * v
	}
	return 1.055*math.Pow(v, 1/2.4) - 0.055
}

// toOklab converts an sRGB colour to Oklab (Björn Ottosson, 2020).
func toOklab(c color.NRGBA) (L, A, B float64) {
	r, g, b := srgbToLinear(float64(c.R)/255), srgbToLinear(float64(c.G)/255), srgbToLinear(float64(c.B)/255)
	l := math.Cbrt(0.4122214708*r + 0.5363325363*g + 0.0514459929*b)
	m := math.Cbrt(0.2119034982*r + 0.6806995451*g + 0.1073969566*b)
	s := math.Cbrt(0.0883024619*r + 0.2817188376*g + 0.6299787005*b)
	return 0.2104542553*l + 0.7936177850*m - 0.0040720468*s,
		1.9779984951*l - 2.4285922050*m + 0.4505937099*s,
		0.0259040371*l + 0.7827717662*m - 0.8086757660*s
}

// fromOklab converts Oklab to linear sRGB (possibly out of 0..1).
func fromOklab(L, A, B float64) (r, g, b float64) {
	l := L + 0.3963377774*A + 0.2158037573*B
	m := L - 0.1055613458*A - 0.0638541728*B
	s := L - 0.0894841775*A - 1.2914855480*B
	l, m, s = l*l*l, m*m*m, s*s*s
	return 4.0767416621*l - 3.3077115913*m + 0.2309699292*s,
		-1.2684380046*l + 2.6097574011*m - 0.3413193965*s,
		-0.0041960863*l - 0.7034186147*m + 1.7076147010*s
}

// fromOklabInGamut converts to sRGB, reducing chroma (hue and lightness
// kept) until the colour fits.
func fromOklabInGamut(L, A, B float64) color.NRGBA {
	L = min(max(L, 0), 1)
	k := 1.0
	for range 24 {
		r, g, b := fromOklab(L, A*k, B*k)
		if inUnit(r) && inUnit(g) && inUnit(b) {
			return color.NRGBA{to8(r), to8(g), to8(b), 0xff}
		}
		k *= 0.9
	}
	r, g, b := fromOklab(L, 0, 0)
	return color.NRGBA{to8(r), to8(g), to8(b), 0xff}
}

func inUnit(v float64) bool { return v >= -1e-6 && v <= 1+1e-6 }

func to8(v float64) uint8 {
	return uint8(math.Round(255 * linearToSRGB(min(max(v, 0), 1))))
}
