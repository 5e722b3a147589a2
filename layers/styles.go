package layers

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"strings"
	"time"

	"lantu/layers/catalog"
)

// StylesTable is Lantu's record of the catalog layers whose style was
// edited in Lantu: one row per layer code, the style as JSON (see
// EncodeStyle). It is made on the first edit and registered in
// gpkg_contents as an attributes table (with the INTEGER key GeoPackage
// requires of one).
const StylesTable = "lantu_styles"

const stylesDDL = `CREATE TABLE lantu_styles (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	code TEXT NOT NULL UNIQUE,
	style TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	updated_by TEXT NOT NULL)`

// ErrStyle is wrapped by the errors of a stored style that cannot be read.
var ErrStyle = errors.New("layers: style")

// storedStyle is the JSON of a lantu_styles row: the editable parts of a
// catalog.Style, colours as #rrggbbaa.
type storedStyle struct {
	Fill       string    `json:"fill"`
	Stroke     string    `json:"stroke"`
	Width      float64   `json:"width"`
	Dash       []float64 `json:"dash,omitempty"`
	Hatch      string    `json:"hatch,omitempty"`
	HatchColor string    `json:"hatch_color,omitempty"`
	Opacity    float64   `json:"opacity"`
	Size       float64   `json:"size,omitempty"`
}

// EditedStyle is base (a layer's catalog style) with the parts Lantu lets a
// user edit taken from edit: fill, stroke, width, dash, hatch and its
// colour, opacity and point size. Palette, classes and symbol stay base's,
// so a palette layer keeps its class colours.
func EditedStyle(base, edit catalog.Style) catalog.Style {
	s := base
	s.Fill, s.Stroke, s.Width, s.Opacity, s.Size = edit.Fill, edit.Stroke, edit.Width, edit.Opacity, edit.Size
	s.Dash, s.Hatch, s.HatchColor = append([]float64(nil), edit.Dash...), edit.Hatch, edit.HatchColor
	return s
}

// EncodeStyle is the JSON Lantu stores for an edited style (its editable
// parts only).
func EncodeStyle(s catalog.Style) string {
	b, _ := json.Marshal(storedStyle{Fill: hexColor(s.Fill), Stroke: hexColor(s.Stroke), Width: s.Width,
		Dash: s.Dash, Hatch: s.Hatch, HatchColor: hexColor(s.HatchColor), Opacity: s.Opacity, Size: s.Size})
	return string(b)
}

// DecodeStyle reads EncodeStyle's JSON over base (see EditedStyle). Bad
// JSON, a bad colour or a negative or non-finite number is an error
// wrapping ErrStyle that names the field.
func DecodeStyle(base catalog.Style, text string) (catalog.Style, error) {
	var st storedStyle
	if err := json.Unmarshal([]byte(text), &st); err != nil {
		return base, fmt.Errorf("%w: %v", ErrStyle, err)
	}
	var e catalog.Style
	var err error
	for _, c := range []struct {
		name, text string
		out        *color.NRGBA
	}{{"fill", st.Fill, &e.Fill}, {"stroke", st.Stroke, &e.Stroke}, {"hatch_color", st.HatchColor, &e.HatchColor}} {
		if *c.out, err = parseHex(c.text); err != nil {
			return base, fmt.Errorf("%w: %s: %v", ErrStyle, c.name, err)
		}
	}
	e.Width, e.Dash, e.Hatch, e.Opacity, e.Size = st.Width, st.Dash, st.Hatch, st.Opacity, st.Size
	if err := checkNumbers(e); err != nil {
		return base, err
	}
	return EditedStyle(base, e), nil
}

func checkNumbers(s catalog.Style) error {
	nums := map[string]float64{"width": s.Width, "opacity": s.Opacity, "size": s.Size}
	for i, d := range s.Dash {
		nums[fmt.Sprintf("dash[%d]", i)] = d
	}
	for name, v := range nums {
		if !(v >= 0 && v < 1e6) {
			return fmt.Errorf("%w: %s %v out of range", ErrStyle, name, v)
		}
	}
	if s.Opacity > 1 {
		return fmt.Errorf("%w: opacity %v above 1", ErrStyle, s.Opacity)
	}
	return nil
}

func hexColor(c color.NRGBA) string {
	return fmt.Sprintf("#%02x%02x%02x%02x", c.R, c.G, c.B, c.A)
}

// parseHex reads #rrggbbaa; "" is no colour.
func parseHex(s string) (color.NRGBA, error) {
	var c color.NRGBA
	if s == "" {
		return c, nil
	}
	h, ok := strings.CutPrefix(s, "#")
	if !ok || len(h) != 8 {
		return c, fmt.Errorf("colour %q is not #rrggbbaa", s)
	}
	if _, err := fmt.Sscanf(h, "%02x%02x%02x%02x", &c.R, &c.G, &c.B, &c.A); err != nil {
		return c, fmt.Errorf("colour %q is not #rrggbbaa", s)
	}
	return c, nil
}

// WriteStyle records in lantu_styles that layer code (a catalog code or
// table) is drawn in style (EditedStyle over its catalog style), or with a
// nil style that it is drawn in its catalog style again, and runs fn in
// the same transaction (the QGIS tables' writes: lantu/layers/qgis calls
// it). When the transaction commits, the layer's CurrentDef has the new
// style; the catalog's definition is never changed. An imported or raster
// layer is an error wrapping ErrStyle. Safe for concurrent use, like Write.
func (b *Blueprint) WriteStyle(ctx context.Context, code string, style *catalog.Style, fn func(tx *sql.Tx) error) error {
	l := b.Layer(code)
	if l == nil || l.Imported {
		return fmt.Errorf("%w: %s: no catalog layer %q", ErrStyle, b.path, code)
	}
	base := b.cat.Layer(l.Code)
	def := base
	err := b.Write(ctx, func(tx *sql.Tx) error {
		if err := b.putStyleRow(ctx, tx, l.Code, base, style); err != nil {
			return fmt.Errorf("layers: %s: %s: %s: %w", b.path, StylesTable, l.Code, err)
		}
		return fn(tx)
	})
	if err != nil {
		return err
	}
	if style != nil {
		def = withStyle(base, EditedStyle(base.Style, *style))
	}
	l.cur.Store(def)
	return nil
}

// putStyleRow writes or (style nil) deletes layer code's row.
func (b *Blueprint) putStyleRow(ctx context.Context, tx *sql.Tx, code string, base *catalog.Layer, style *catalog.Style) error {
	ok, err := TableExists(ctx, tx, StylesTable)
	if err != nil {
		return err
	}
	if style == nil {
		if ok {
			_, err = tx.ExecContext(ctx, `DELETE FROM lantu_styles WHERE code = ?`, code)
		}
		return err
	}
	if !ok {
		if err := createAttributesTable(ctx, tx, StylesTable, stylesDDL, "Layer styles edited in Lantu"); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO lantu_styles (code, style, updated_at, updated_by) VALUES (?,?,?,?)
		ON CONFLICT (code) DO UPDATE SET style = excluded.style, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		code, EncodeStyle(EditedStyle(base.Style, *style)), time.Now().UTC().Format(time.RFC3339Nano), b.user)
	return err
}

// withStyle is a copy of def drawn in s.
func withStyle(def *catalog.Layer, s catalog.Style) *catalog.Layer {
	c := *def
	c.Style = s
	return &c
}

// applyStoredStyles gives each catalog layer with a lantu_styles row a copy
// of its definition in that style. A row that cannot be read is a
// StyleUnused problem; the layer keeps its catalog style.
func (b *Blueprint) applyStoredStyles(ctx context.Context, ls []*Layer) {
	rows, err := b.readStyleRows(ctx)
	if err != nil {
		b.addProblem(Problem{Kind: StyleUnused, Table: StylesTable, Err: fmt.Errorf("%w: %v", ErrStyle, err)})
		return
	}
	for _, l := range ls {
		text, ok := rows[l.Code]
		if !ok {
			continue
		}
		s, err := DecodeStyle(l.Def.Style, text)
		if err != nil {
			b.addProblem(Problem{Kind: StyleUnused, Table: l.Table, Err: fmt.Errorf("%s code %s: %w", StylesTable, l.Code, err)})
			continue
		}
		l.Def = withStyle(l.Def, s)
	}
}

// readStyleRows is code -> style JSON, empty when there is no table.
func (b *Blueprint) readStyleRows(ctx context.Context) (map[string]string, error) {
	m := map[string]string{}
	var n int
	if err := b.db.R.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = ?`, StylesTable).Scan(&n); err != nil || n == 0 {
		return m, err
	}
	rows, err := b.db.R.QueryContext(ctx, `SELECT code, style FROM lantu_styles`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var code, text string
		if err := rows.Scan(&code, &text); err != nil {
			return nil, err
		}
		m[code] = text
	}
	return m, rows.Err()
}

// CurrentDef is the layer's definition as drawn now: Def, or after a
// WriteStyle in this session the copy in the new style. Safe for
// concurrent use.
func (l *Layer) CurrentDef() *catalog.Layer {
	if d := l.cur.Load(); d != nil {
		return d
	}
	return l.Def
}
