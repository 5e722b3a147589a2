// Package layout composes a printable map sheet from a blueprint: a map
// frame rendered by package render at exactly 1:N on an ISO A paper
// (A4 … A0, portrait or landscape) at a chosen DPI, a neat line and
// margins, a title block (title, subtitle, author, date, blueprint), a
// legend of the layers that have features in the frame (for land-use
// layers, the palette classes present in it), a scale bar of round ground
// lengths with the 1:N text, a grid-north arrow on a white backdrop, the
// CRS name and the sheet's size and DPI.
//
// The contract:
//   - Compose(ctx, bp, spec, opt) checks spec (a scale N > 0, a known
//     paper, DPI MinDPI..MaxDPI, a centre or a box in the blueprint's CRS)
//     and refuses a frame that shows none of the blueprint's data; every
//     error wraps ErrSheet or ErrOutside and names what was wrong.
//   - The frame is View.W x View.H pixels of Scale·0.0254/DPI metres each
//     and is placed on whole pixels, so L mm on the sheet are L·N/1000 m on
//     the ground in the PNG and in the PDF alike.
//   - Layers, opacity and labels are as the app draws them at 1:N (line
//     widths, symbols and labels the size they have on a 0.28 mm pixel).
//   - Sheet.WritePNG writes the whole sheet as one image of the paper's
//     pixel size at the DPI; Sheet.WritePDF writes one page of the paper's
//     size in points with the map as an image at the DPI and all text as
//     real text in the embedded CJK and Latin fonts (pdftotext finds it),
//     the neat line, scale bar, north arrow and swatches as vectors.
//
// The package has no user interface; app/printdialog and lantuctl print
// drive it. It reads the blueprint only.
package layout
