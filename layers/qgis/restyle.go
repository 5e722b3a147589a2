package qgis

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// styleElements are the <maplayer> (and QML <qgis>) children a style
// replaces.
var styleElements = map[string]bool{
	"renderer-v2": true, "labeling": true, "blendMode": true, "featureBlendMode": true,
	"layerOpacity": true, "aliases": true,
}

// fragment is style elements as XML text.
func fragment(nodes []*node) string {
	var b strings.Builder
	for _, n := range nodes {
		if n != nil {
			n.write(&b, 0)
		}
	}
	return b.String()
}

// styleFragment is the style elements of a QML document (the children of
// its <qgis> root that a style replaces) as XML text, for putting a stored
// style into a project layer.
func styleFragment(qml string) (string, error) {
	d := xml.NewDecoder(strings.NewReader(qml))
	var out strings.Builder
	enc := xml.NewEncoder(&out)
	depth, keep := 0, 0 // keep: the depth of the style element being copied
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("%w: style: %v", ErrProject, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if keep == 0 && depth == 2 && styleElements[t.Name.Local] {
				keep = depth
			}
		case xml.EndElement:
			depth--
		}
		if keep == 0 {
			continue
		}
		if err := enc.EncodeToken(xml.CopyToken(tok)); err != nil {
			return "", fmt.Errorf("%w: style: %v", ErrProject, err)
		}
		if _, end := tok.(xml.EndElement); end && depth < keep {
			keep = 0
		}
	}
	if err := enc.Flush(); err != nil {
		return "", fmt.Errorf("%w: style: %v", ErrProject, err)
	}
	return out.String(), nil
}

// restyleQGS returns the .qgs document qgs with the style elements of
// each <maplayer> whose <id> is a key of styles replaced by its value (XML
// text of style elements); everything else is kept. Layers not found are
// left out silently.
func restyleQGS(qgs string, styles map[string]string) (string, error) {
	d := xml.NewDecoder(strings.NewReader(qgs))
	var out strings.Builder
	enc := xml.NewEncoder(&out)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrProject, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "maplayer" {
			layer, err := readElement(d, se)
			if err != nil {
				return "", err
			}
			if err := writeLayer(enc, &out, layer, styles); err != nil {
				return "", err
			}
			continue
		}
		if err := enc.EncodeToken(xml.CopyToken(tok)); err != nil {
			return "", fmt.Errorf("%w: %v", ErrProject, err)
		}
	}
	if err := enc.Flush(); err != nil {
		return "", fmt.Errorf("%w: %v", ErrProject, err)
	}
	return out.String(), nil
}

// readElement reads the tokens of the element se starts, through its end.
func readElement(d *xml.Decoder, se xml.StartElement) ([]xml.Token, error) {
	toks := []xml.Token{se.Copy()}
	for depth := 1; depth > 0; {
		tok, err := d.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: in <maplayer>: %v", ErrProject, err)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
		toks = append(toks, xml.CopyToken(tok))
	}
	return toks, nil
}

// writeLayer writes a <maplayer>'s tokens; when styles has its id, it
// drops the layer's style children and writes the new ones before its end.
func writeLayer(enc *xml.Encoder, out *strings.Builder, toks []xml.Token, styles map[string]string) error {
	style, match := styles[layerIDOf(toks)]
	depth, skip := 0, 0 // depth after tok: 2 for the maplayer's children
	for i, tok := range toks {
		_, start := tok.(xml.StartElement)
		_, end := tok.(xml.EndElement)
		if start {
			depth++
		}
		if end {
			depth--
		}
		if match && start && depth == 2 && styleElements[tok.(xml.StartElement).Name.Local] {
			skip = depth
		}
		if skip > 0 {
			if end && depth < skip {
				skip = 0
			}
			continue
		}
		if match && i == len(toks)-1 {
			if err := enc.Flush(); err != nil {
				return fmt.Errorf("%w: %v", ErrProject, err)
			}
			out.WriteString(style)
		}
		if err := enc.EncodeToken(tok); err != nil {
			return fmt.Errorf("%w: %v", ErrProject, err)
		}
	}
	return nil
}

// layerIDOf is the text of a <maplayer>'s <id> child.
func layerIDOf(toks []xml.Token) string {
	depth := 0
	for i := 0; i+1 < len(toks); i++ {
		switch t := toks[i].(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && t.Name.Local == "id" {
				if cd, ok := toks[i+1].(xml.CharData); ok {
					return strings.TrimSpace(string(cd))
				}
				return ""
			}
		case xml.EndElement:
			depth--
		}
	}
	return ""
}
