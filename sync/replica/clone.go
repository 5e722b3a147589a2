package replica

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"

	"lantu/layers"
)

// CloneOptions say what a clone holds.
type CloneOptions struct {
	Token    string
	District string   // district code: only features meeting its XZ_QXXZQ polygon
	Layers   []string // catalog codes or tables; empty: all
	Sync     Options  // how to pull (rules, client, page size)
	User     string   // the blueprint's user; "" for the default
	Progress Progress
}

// Clone makes a replica blueprint at path of the server at url and pulls
// every collection it holds. A clone that was cut off is resumed by
// calling Clone again on the same path: the remote remembered in it is
// used and each collection continues from its durable cursor.
func Clone(ctx context.Context, url, path string, opt CloneOptions) (*layers.Blueprint, Result, error) {
	bp, err := openOrCreate(ctx, url, path, opt)
	if err != nil {
		return nil, Result{}, err
	}
	s, err := NewSyncer(ctx, bp, opt.Sync)
	if err != nil {
		bp.Close()
		return nil, Result{}, err
	}
	res, err := s.Sync(ctx, opt.Progress)
	return bp, res, err
}

func openOrCreate(ctx context.Context, url, path string, opt CloneOptions) (*layers.Blueprint, error) {
	if _, err := os.Stat(path); err == nil {
		bp, err := layers.Open(path, layers.OpenOptions{})
		if err != nil {
			return nil, err
		}
		r, err := LoadRemote(ctx, bp, RemoteName)
		switch {
		case errors.Is(err, ErrNoRemote):
			bp.Close()
			return nil, fmt.Errorf("%w: %s exists and is not a replica: clone into a new file", ErrBadInput, path)
		case err != nil:
			bp.Close()
			return nil, err
		case r.URL != url:
			bp.Close()
			return nil, fmt.Errorf("%w: %s is a replica of %s, not %s", ErrBadInput, path, r.URL, url)
		}
		return bp, nil
	}
	if _, err := NewClient(url, opt.Token, nil); err != nil {
		return nil, err
	}
	if err := createReplica(ctx, url, path, opt); err != nil {
		return nil, err
	}
	return layers.Open(path, layers.OpenOptions{})
}

// createReplica makes the new replica's file: the blueprint and its
// remote are written to path+".new", closed, and then renamed to path, so
// that a clone killed meanwhile leaves no file at path that is not a
// replica (the next clone removes the leftover and starts again).
func createReplica(ctx context.Context, url, path string, opt CloneOptions) error {
	tmp := path + ".new"
	for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
		if err := rmIfExists(p); err != nil {
			return fmt.Errorf("replica: a clone's leftover: %w", err)
		}
	}
	bp, err := layers.Create(tmp, layers.CreateOptions{User: opt.User})
	if err != nil {
		return err
	}
	r := Remote{Name: RemoteName, URL: url, Token: opt.Token, ReplicaID: newID(), District: opt.District, Layers: opt.Layers}
	err = SaveRemote(ctx, bp, r)
	if cerr := bp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("replica: create %s: %w", path, err)
	}
	if r.Token == "" {
		return nil
	}
	return saveToken(r.ReplicaID, path, url, r.Token) // the entry names the file where it now is
}

// newID is a random UUID (version 4).
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// Attach remembers url and token as the blueprint's remote: a new remote
// gets a new replica id, an existing one keeps its id, district and layers.
func Attach(ctx context.Context, bp *layers.Blueprint, url, token string) error {
	if _, err := NewClient(url, token, nil); err != nil {
		return err
	}
	r, err := LoadRemote(ctx, bp, RemoteName)
	switch {
	case errors.Is(err, ErrNoRemote):
		r = Remote{Name: RemoteName, ReplicaID: newID()}
	case err != nil:
		return err
	}
	r.URL, r.Token = url, token
	return SaveRemote(ctx, bp, r)
}
