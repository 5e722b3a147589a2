package layerstyle

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxDocument is the largest style document read, in bytes: a QML of a
// few hundred categories is well under 1 MiB.
const maxDocument = 16 << 20

// node is one element of a parsed XML document, named by its local name
// (namespaces are dropped: SLD 1.0's sld: and SLD 1.1's se: elements read
// alike).
type node struct {
	name string
	attr map[string]string // by local name
	kids []*node
	text string // the element's own character data, not its children's
}

// parseXML reads a whole document into a tree, without recursion.
func parseXML(data []byte) (*node, error) {
	if len(data) > maxDocument {
		return nil, fmt.Errorf("%w: document of %d bytes (at most %d)", ErrMalformed, len(data), maxDocument)
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	var root *node
	var stack []*node
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name.Local, attr: make(map[string]string, len(t.Attr))}
			for _, a := range t.Attr {
				n.attr[a.Name.Local] = a.Value
			}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.kids = append(top.kids, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: no root element", ErrMalformed)
	}
	return root, nil
}

// child is the first child element of that name, or nil.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// children are the child elements of that name.
func (n *node) children(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// find lists the descendants of that name in document order, not looking
// inside a match.
func (n *node) find(name string) []*node {
	var out []*node
	todo := []*node{n}
	for len(todo) > 0 {
		k := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if k != n && k.name == name {
			out = append(out, k)
			continue
		}
		for i := len(k.kids) - 1; i >= 0; i-- {
			todo = append(todo, k.kids[i])
		}
	}
	return out
}

// deepText is the character data of n and its descendants, trimmed.
func (n *node) deepText() string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	todo := []*node{n}
	for len(todo) > 0 {
		k := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		b.WriteString(k.text)
		for i := len(k.kids) - 1; i >= 0; i-- {
			todo = append(todo, k.kids[i])
		}
	}
	return strings.TrimSpace(b.String())
}

// get is an attribute, "" when absent (also on a nil node).
func (n *node) get(key string) string {
	if n == nil {
		return ""
	}
	return n.attr[key]
}
