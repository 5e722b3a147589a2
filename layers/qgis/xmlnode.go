package qgis

import (
	"encoding/xml"
	"strings"
)

// node is one XML element being built: a name, attributes in the order
// given, child elements and text. QGIS reads attributes by name, so their
// order only keeps the output stable. Not safe for concurrent use.
type node struct {
	name  string
	attrs []string // name, value, name, value, ...
	kids  []*node
	text  string
	cdata bool
}

// el makes an element with attributes given as name, value pairs (an
// unpaired last name is dropped).
func el(name string, attrs ...string) *node {
	return &node{name: name, attrs: attrs}
}

// add appends children and returns n.
func (n *node) add(kids ...*node) *node {
	for _, k := range kids {
		if k != nil {
			n.kids = append(n.kids, k)
		}
	}
	return n
}

// child appends a new element and returns it.
func (n *node) child(name string, attrs ...string) *node {
	c := el(name, attrs...)
	n.kids = append(n.kids, c)
	return c
}

// textEl makes an element holding only text.
func textEl(name, text string, attrs ...string) *node {
	n := el(name, attrs...)
	n.text = text
	return n
}

// write renders n with one space of indent per level, as QGIS does.
func (n *node) write(b *strings.Builder, depth int) {
	b.WriteString(strings.Repeat(" ", depth))
	b.WriteByte('<')
	b.WriteString(n.name)
	for i := 0; i+1 < len(n.attrs); i += 2 {
		b.WriteByte(' ')
		b.WriteString(n.attrs[i])
		b.WriteString(`="`)
		escape(b, n.attrs[i+1])
		b.WriteByte('"')
	}
	switch {
	case len(n.kids) == 0 && n.text == "" && !n.cdata:
		b.WriteString("/>\n")
		return
	case len(n.kids) == 0:
		b.WriteByte('>')
		if n.cdata {
			b.WriteString("<![CDATA[" + strings.ReplaceAll(n.text, "]]>", "]]]]><![CDATA[>") + "]]>")
		} else {
			escape(b, n.text)
		}
	default:
		b.WriteString(">\n")
		for _, k := range n.kids {
			k.write(b, depth+1)
		}
		b.WriteString(strings.Repeat(" ", depth))
	}
	b.WriteString("</" + n.name + ">\n")
}

func (n *node) String() string {
	var b strings.Builder
	n.write(&b, 0)
	return b.String()
}

// escape writes s escaped for XML text and attribute values (quotes,
// newlines and tabs included, so attribute values survive as they are).
func escape(b *strings.Builder, s string) {
	_ = xml.EscapeText(writerOf{b}, []byte(s))
}

type writerOf struct{ b *strings.Builder }

func (w writerOf) Write(p []byte) (int, error) { return w.b.Write(p) }
