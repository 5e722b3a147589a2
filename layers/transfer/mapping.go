package transfer

import (
	"fmt"
	"strings"

	"lantu/layers"
	"lantu/layers/catalog"
)

// aliases are source field names of Chinese survey files that mean a
// catalog field of another Chinese name (the boundary-point TXT's parcel
// fields for a proposal).
var aliases = map[string][]string{
	"地块名称": {"项目名称"},
	"地类编码": {"拟用地用海代码", "地类编码"},
	"地块用途": {"备注"},
}

// systemNames are columns the blueprint maintains.
var systemNames = map[string]bool{"fid": true, "geom": true, "uid": true, "version": true, "updated_at": true, "updated_by": true}

// Mapping is source field -> target column, with the source fields that go
// nowhere. A plain value.
type Mapping struct {
	Fields   map[string]string `json:"fields"`
	Unmapped []string          `json:"unmapped,omitempty"`
}

// targetFields are a layer's writable attribute columns with their types
// and Chinese names (from the catalog when it has the layer).
func targetFields(l *layers.Layer) []catalog.Field {
	var out []catalog.Field
	for _, c := range l.Columns {
		if systemNames[c.Name] || c.Name == l.PK || c.Name == l.GeomColumn {
			continue
		}
		f := catalog.Field{Name: c.Name, Type: sqlKind(c.Type)}
		if l.Def != nil {
			for _, d := range l.Def.Fields {
				if d.Name == c.Name {
					f = d
				}
			}
		}
		out = append(out, f)
	}
	return out
}

// sqlKind maps a column's SQL type to a catalog field type.
func sqlKind(t string) string {
	switch t = strings.ToUpper(t); {
	case strings.Contains(t, "INT"):
		return "integer"
	case strings.Contains(t, "REAL") || strings.Contains(t, "FLOAT") || strings.Contains(t, "DOUBLE") || strings.Contains(t, "NUMERIC"):
		return "real"
	case t == "DATE" || t == "DATETIME":
		return "date"
	}
	return "text"
}

// mapFields matches source fields to target columns: --map overrides first
// (dst by column name or Chinese name), then equal names (case-insensitive),
// then the catalog's Chinese names, then aliases. A target column takes one
// source field.
func mapFields(src []Field, target []catalog.Field, overrides map[string]string, layer string) (Mapping, error) {
	m := Mapping{Fields: map[string]string{}}
	taken := map[string]string{}
	byName := func(pred func(catalog.Field) bool) string {
		for _, t := range target {
			if pred(t) && taken[t.Name] == "" {
				return t.Name
			}
		}
		return ""
	}
	for s, d := range overrides {
		if !hasField(src, s) {
			return m, fmt.Errorf("%w: --map %s=%s: the source has no field %q", ErrInput, s, d, s)
		}
		dst := byName(func(t catalog.Field) bool { return t.Name == d || t.NameZh == d })
		if dst == "" {
			return m, fmt.Errorf("%w: --map %s=%s: layer %s has no free field %q", ErrInput, s, d, layer, d)
		}
		m.Fields[s], taken[dst] = dst, s
	}
	for _, f := range src {
		if _, done := m.Fields[f.Name]; done {
			continue
		}
		dst := byName(func(t catalog.Field) bool { return strings.EqualFold(t.Name, f.Name) })
		if dst == "" {
			dst = byName(func(t catalog.Field) bool { return t.NameZh != "" && t.NameZh == f.Name })
		}
		for _, a := range aliases[f.Name] {
			if dst == "" {
				dst = byName(func(t catalog.Field) bool { return t.NameZh == a })
			}
		}
		if dst == "" {
			m.Unmapped = append(m.Unmapped, f.Name)
			continue
		}
		m.Fields[f.Name], taken[dst] = dst, f.Name
	}
	return m, nil
}

func hasField(fs []Field, name string) bool {
	for _, f := range fs {
		if f.Name == name {
			return true
		}
	}
	return false
}

// importedFields are the columns of a new imported layer: the source's
// fields, a name the blueprint maintains (uid, version...) prefixed with
// "src_", names equal but for case made unique.
func importedFields(src []Field) ([]layers.ImportedField, Mapping) {
	m := Mapping{Fields: map[string]string{}}
	seen := map[string]bool{}
	var out []layers.ImportedField
	for _, f := range src {
		name := f.Name
		if systemNames[strings.ToLower(name)] || strings.TrimSpace(name) == "" {
			name = "src_" + name
		}
		base := name
		for i := 2; seen[strings.ToLower(name)]; i++ {
			name = fmt.Sprintf("%s_%d", base, i)
		}
		seen[strings.ToLower(name)] = true
		out = append(out, layers.ImportedField{Name: name, Type: f.Type})
		m.Fields[f.Name] = name
	}
	return out, m
}
