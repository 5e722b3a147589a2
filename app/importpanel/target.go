package importpanel

import (
	"sort"
	"strings"

	"fyne.io/fyne/v2/widget"

	"lantu/app/i18n"
	"lantu/layers"
	"lantu/layers/catalog"
	"lantu/layers/transfer"
)

// fillTargets lists the new-layer choice and the catalog layers the
// source fits and Import can write; the previous choice is kept if it is
// still offered.
func (p *preview) fillTargets() {
	prev := p.target.Selected
	p.targets = map[string]*layers.Layer{}
	opts := []string{i18n.T("import.new_layer")}
	for _, l := range p.bp.Layers() {
		if l.Def == nil || l.Imported || !l.Editable() || !transfer.Fits(p.src, l) {
			continue
		}
		o := layerLabel(l)
		p.targets[o] = l
		opts = append(opts, o)
	}
	// Editable (journaled) layers first, then by code.
	sort.SliceStable(opts[1:], func(i, j int) bool {
		a, b := p.targets[opts[1+i]], p.targets[opts[1+j]]
		if a.Def.Editable != b.Def.Editable {
			return a.Def.Editable
		}
		return a.Code < b.Code
	})
	p.target.OnChanged = nil
	p.target.Options = opts
	if _, ok := p.targets[prev]; !ok {
		prev = opts[0]
	}
	p.target.SetSelected(prev)
	p.target.OnChanged = func(string) { p.targetChanged() }
	if p.name.Text == "" {
		p.name.SetText(defaultName(p.path))
	}
	p.targetChanged()
}

// layerLabel names a target layer: code, Chinese name, and a mark when
// the catalog makes it editable (the import is journaled).
func layerLabel(l *layers.Layer) string {
	name := l.Def.NameZh
	if i18n.Current() == i18n.En && l.Def.NameEn != "" {
		name = l.Def.NameEn
	}
	s := l.Code + " " + name
	if l.Def.Editable {
		s += i18n.T("import.editable_mark")
	}
	return s
}

// defaultName is the file's base name without extension.
func defaultName(path string) string {
	base := path[strings.LastIndexAny(path, `/\`)+1:]
	if i := strings.LastIndex(base, "."); i > 0 {
		base = base[:i]
	}
	return base
}

// layer is the chosen catalog layer, nil for a new layer.
func (p *preview) layer() *layers.Layer { return p.targets[p.target.Selected] }

func (p *preview) newLayer() bool { return p.layer() == nil }

// targetChanged shows the name entry or the mapping for the target.
func (p *preview) targetChanged() {
	p.maps = map[string]*widget.Select{}
	p.mapBox.Objects = nil
	l := p.layer()
	if l == nil {
		p.name.Show()
		p.mapBox.Add(widget.NewLabel(i18n.T("import.mapping_new")))
		for _, f := range p.src.Fields {
			p.mapBox.Add(widget.NewLabel(f.Name + "  →  " + transfer.ImportedMapping(p.src).Fields[f.Name]))
		}
	} else {
		p.name.Hide()
		p.mappingRows(l)
	}
	p.mapBox.Refresh()
	p.checkReady()
}

// mappingRows adds one select per source field, pre-set to the target
// field transfer's matching picks.
func (p *preview) mappingRows(l *layers.Layer) {
	fields := transfer.TargetFields(l)
	opts := []string{i18n.T("import.no_field")}
	for _, f := range fields {
		opts = append(opts, fieldLabel(f))
	}
	m, _ := transfer.PlanMapping(p.src, l, nil)
	for _, sf := range p.src.Fields {
		sel := widget.NewSelect(opts, nil)
		sel.SetSelected(opts[0])
		for _, f := range fields {
			if m.Fields[sf.Name] == f.Name {
				sel.SetSelected(fieldLabel(f))
			}
		}
		p.maps[sf.Name] = sel
		p.mapBox.Add(widgetRow(sf.Name, sel))
	}
}

// fieldLabel names a target field: column, Chinese name, required mark.
func fieldLabel(f catalog.Field) string {
	s := f.Name
	name := f.NameZh
	if i18n.Current() == i18n.En && f.NameEn != "" {
		name = f.NameEn
	}
	if name != "" && name != f.Name {
		s += " " + name
	}
	if f.Required {
		s += i18n.T("edit.required_mark")
	}
	return s
}

// chosenMapping is what the selects say: source field -> target column
// for the mapped fields, and the source fields set to "not imported".
func (p *preview) chosenMapping() (overrides map[string]string, skipped map[string]bool) {
	overrides, skipped = map[string]string{}, map[string]bool{}
	l := p.layer()
	if l == nil {
		return nil, nil
	}
	byLabel := map[string]string{}
	for _, f := range transfer.TargetFields(l) {
		byLabel[fieldLabel(f)] = f.Name
	}
	for s, sel := range p.maps {
		if d, ok := byLabel[sel.Selected]; ok {
			overrides[s] = d
		} else {
			skipped[s] = true
		}
	}
	return overrides, skipped
}
