package exchange

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	"lantu/layers"
)

// PublishStats counts what a publish did per collection.
type PublishStats struct {
	Collections []PublishedCollection
}

// PublishedCollection is one published layer: features written (new or
// changed: version 1 or version+1) and left alone (unchanged).
type PublishedCollection struct {
	ID, Code           string
	Written, Unchanged int
}

// publishChunk is how many features one publish transaction writes.
const publishChunk = 5000

// Publish loads the catalog's source = "exchange" layers (base data and
// approvals) of a blueprint into the store, keeping uids: a new feature
// becomes version 1, a changed one version+1 of what is stored, each with
// a change-feed entry; a feature whose geometry and fields are unchanged
// keeps its version and gets no entry. codes (catalog codes or tables)
// limits the layers; empty means all. Each non-empty layer's publish is
// audited as one entry by who; PublishStats lists those layers.
func Publish(ctx context.Context, s Store, path string, codes []string, who string) (PublishStats, error) {
	var st PublishStats
	bp, err := layers.Open(path, layers.OpenOptions{ReadOnly: true})
	if err != nil {
		return st, err
	}
	defer bp.Close()
	if err := EnsureCatalog(ctx, s, bp.Catalog(), bp.SRID()); err != nil {
		return st, err
	}
	ls, err := publishLayers(bp, codes)
	if err != nil {
		return st, err
	}
	for _, l := range ls {
		pc, err := publishLayer(ctx, s, bp, l, who)
		if err != nil {
			return st, fmt.Errorf("exchange: publish %s layer %s: %w", path, l.Code, err)
		}
		if pc.Written+pc.Unchanged > 0 {
			st.Collections = append(st.Collections, pc)
		}
	}
	return st, nil
}

// publishLayers picks the exchange layers, checking every named code exists.
func publishLayers(bp *layers.Blueprint, codes []string) ([]*layers.Layer, error) {
	var out []*layers.Layer
	for _, code := range codes {
		l := bp.Layer(code)
		if l == nil || l.Imported {
			return nil, fmt.Errorf("%w: %s has no catalog layer %q", ErrCollection, bp.Path(), code)
		}
		if l.Def.Source != "exchange" {
			return nil, fmt.Errorf("%w: layer %s is source %q: only source = \"exchange\" layers are published", ErrCollection, code, l.Def.Source)
		}
	}
	for _, l := range bp.Layers() {
		if l.Imported || l.Def.Source != "exchange" {
			continue
		}
		if len(codes) == 0 || slices.Contains(codes, l.Code) || slices.Contains(codes, l.Table) {
			out = append(out, l)
		}
	}
	return out, nil
}

func publishLayer(ctx context.Context, s Store, bp *layers.Blueprint, l *layers.Layer, who string) (PublishedCollection, error) {
	pc := PublishedCollection{ID: l.Table, Code: l.Code}
	c, err := s.Collection(ctx, l.Table)
	if err != nil {
		return pc, err
	}
	var chunk []Record
	flush := func() error {
		w, u, err := publishRecords(ctx, s, c, chunk)
		pc.Written, pc.Unchanged = pc.Written+w, pc.Unchanged+u
		chunk = chunk[:0]
		return err
	}
	err = bp.Query(ctx, layers.Query{Layers: []string{l.Table}}, func(f *layers.Feature) error {
		chunk = append(chunk, publishRecord(c, f, who))
		if len(chunk) >= publishChunk {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil || pc.Written+pc.Unchanged == 0 {
		return pc, err // an empty layer: nothing to record
	}
	err = s.Update(ctx, func(tx Tx) error {
		if err := tx.RecomputeExtent(ctx, c.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, AuditEntry{Time: time.Now().UTC(), Who: who, Role: RoleAdmin, Action: "publish", Collection: c.ID,
			Detail: fmt.Sprintf("%s from %s: %d written, %d unchanged", l.Code, bp.Path(), pc.Written, pc.Unchanged)})
	})
	return pc, err
}

// publishRecord is a blueprint feature as a record: the catalog fields only.
func publishRecord(c Collection, f *layers.Feature, who string) Record {
	props := make(map[string]any, len(c.Fields))
	for _, fl := range c.Fields {
		v, ok := f.Attrs[fl.Name]
		if !ok {
			continue
		}
		if b, isBytes := v.([]byte); isBytes {
			v = string(b)
		}
		props[fl.Name] = v
	}
	r := Record{Collection: c.ID, UID: f.UID, Geom: f.Geom, Props: props, UpdatedAt: time.Now().UTC(), UpdatedBy: who}
	r.Bound, _ = boundOf(f.Geom)
	return r
}

// publishRecords writes a chunk in one transaction; it returns how many
// were written and how many were unchanged.
func publishRecords(ctx context.Context, s Store, c Collection, recs []Record) (int, int, error) {
	if len(recs) == 0 {
		return 0, 0, nil
	}
	written, same := 0, 0
	err := s.Update(ctx, func(tx Tx) error {
		written, same = 0, 0
		uids := make([]string, len(recs))
		for i, r := range recs {
			uids[i] = r.UID
		}
		cur, err := tx.Load(ctx, c.ID, uids)
		if err != nil {
			return err
		}
		for i := range recs {
			r := &recs[i]
			old, had := cur[r.UID]
			if had && !old.Deleted && sameContent(old, *r) {
				same++
				continue
			}
			r.Version = old.Version + 1
			if err := tx.Put(ctx, r, had && !old.Deleted); err != nil {
				return err
			}
			written++
		}
		return nil
	})
	return written, same, err
}

// sameContent compares geometry and properties by their stored encodings.
func sameContent(a, b Record) bool {
	ga, err1 := encodeGeom(a.Geom)
	gb, err2 := encodeGeom(b.Geom)
	pa, err3 := encodeProps(a.Props)
	pb, err4 := encodeProps(b.Props)
	return err1 == nil && err2 == nil && err3 == nil && err4 == nil && bytes.Equal(ga, gb) && bytes.Equal(pa, pb)
}
