package wire

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
)

// A snapshot is every live feature of one collection at one change-feed
// cursor, for the first sync of a big layer:
//
//	GET /collections/{id}/snapshot[?crs=URI]
//
// The body is a GeoJSON text sequence (RFC 8142, MediaGeoJSONSeq): each
// record is RS (0x1E), one Feature exactly as Feature.AppendJSON writes it
// (one line: no LF inside), then LF. Coordinates are in the crs asked for
// (CRS84 by default), x=east first, as in the change feed. GDAL reads the
// file as it is (driver GeoJSONSeq).
//
// The answer's headers:
//   - ETag: strong; the same ETag is the same bytes for as long as the
//     server keeps that snapshot;
//   - Content-Length, Accept-Ranges: bytes;
//   - Repr-Digest: sha-256=:BASE64: (RFC 9530), the SHA-256 of the whole
//     body (also on a 206, where it is still that of the whole file);
//   - Lantu-Snapshot-Cursor: the cursor the snapshot is consistent with:
//     after applying it, pull the change feed with since=that cursor;
//   - Lantu-Snapshot-Count: the number of features.
//
// A download cut off is resumed with Range: bytes=N- and If-Range: the
// ETag: the server answers 206 with the rest of the same file, or 200 with
// a whole newer snapshot when that one is gone. A malformed or
// unsatisfiable Range gets 416 with Content-Range: bytes */SIZE. The
// SHA-256 of the whole file (the header's) must be checked before any of
// it is used.
const (
	MediaGeoJSONSeq      = "application/geo+json-seq"
	HeaderSnapshotCursor = "Lantu-Snapshot-Cursor"
	HeaderSnapshotCount  = "Lantu-Snapshot-Count"
	HeaderReprDigest     = "Repr-Digest"
)

// ErrChecksum is wrapped by the error of a snapshot whose bytes do not
// have the SHA-256 the server sent.
var ErrChecksum = errors.New("wire: snapshot checksum mismatch")

const recordSeparator = 0x1E

// AppendSnapshotRecord appends f as one record of a snapshot.
func AppendSnapshotRecord(b []byte, f *Feature) ([]byte, error) {
	b = append(b, recordSeparator)
	b, err := f.AppendJSON(b)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// FormatReprDigest is the Repr-Digest field value of a SHA-256 sum.
func FormatReprDigest(sum []byte) string {
	return "sha-256=:" + base64.StdEncoding.EncodeToString(sum) + ":"
}

// ParseReprDigest reads the SHA-256 out of a Repr-Digest field value (a
// dictionary of algorithm=:base64:; other algorithms are ignored).
func ParseReprDigest(v string) ([]byte, error) {
	for _, item := range strings.Split(v, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok || strings.TrimSpace(k) != "sha-256" {
			continue
		}
		val = strings.TrimSpace(val)
		if len(val) < 2 || val[0] != ':' || val[len(val)-1] != ':' {
			return nil, fmt.Errorf("%w: %s: sha-256 is not :base64:", ErrDecode, HeaderReprDigest)
		}
		sum, err := base64.StdEncoding.DecodeString(val[1 : len(val)-1])
		if err != nil || len(sum) != 32 {
			return nil, fmt.Errorf("%w: %s: sha-256 is not 32 bytes of base64", ErrDecode, HeaderReprDigest)
		}
		return sum, nil
	}
	return nil, fmt.Errorf("%w: %s %q has no sha-256", ErrDecode, HeaderReprDigest, v)
}

// SnapshotReader reads the features of a snapshot one by one. It is not
// safe for concurrent use.
type SnapshotReader struct {
	r      *bufio.Reader
	name   string // for errors: the file
	offset int64  // of the next record
	n      int    // records read
	buf    []byte
}

// NewSnapshotReader reads a snapshot from r; name (a file name) is put in
// its errors.
func NewSnapshotReader(r io.Reader, name string) *SnapshotReader {
	return &SnapshotReader{r: bufio.NewReaderSize(r, 1<<20), name: name}
}

// Count is the number of features read so far.
func (s *SnapshotReader) Count() int { return s.n }

// Next decodes the next feature into f; io.EOF after the last. A record
// that is not RS, a valid Feature and LF (cut short, say) is an error
// wrapping ErrDecode naming the record's number and byte offset.
func (s *SnapshotReader) Next(f *Feature) error {
	rec, err := s.record()
	if err != nil {
		return err
	}
	if err := f.decodeUnchecked(rec); err != nil {
		return s.errorf("%w", err)
	}
	s.offset += int64(len(s.buf))
	s.n++
	return nil
}

func (s *SnapshotReader) record() ([]byte, error) {
	s.buf = s.buf[:0]
	for {
		part, err := s.r.ReadSlice('\n')
		s.buf = append(s.buf, part...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(s.buf) == 0 {
			return nil, io.EOF
		}
		if err == io.EOF {
			return nil, s.errorf("%w: cut short (no LF at the end)", ErrDecode)
		}
		if err != nil {
			return nil, s.errorf("reading: %w", err)
		}
		break
	}
	if s.buf[0] != recordSeparator {
		return nil, s.errorf("%w: does not start with RS (0x1E)", ErrDecode)
	}
	rec := bytes.TrimSpace(s.buf[1 : len(s.buf)-1])
	if len(rec) == 0 {
		return nil, s.errorf("%w: empty record", ErrDecode)
	}
	return rec, nil
}

func (s *SnapshotReader) errorf(format string, args ...any) error {
	return fmt.Errorf("wire: snapshot %s: record %d at byte %d: %w", s.name, s.n+1, s.offset, fmt.Errorf(format, args...))
}
