package shapefile

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

const (
	dbfHeaderLen = 32
	dbfFieldLen  = 32
	dbfFieldEnd  = 0x0D
	dbfEOF       = 0x1A
)

// table is a decoded .dbf: its fields, one row of values per record and
// whether each record is marked deleted.
type table struct {
	fields  []Field
	rows    [][]any
	deleted []bool
	codec   textCodec
}

// dbfLayout is the fixed part of a .dbf header.
type dbfLayout struct {
	records, headerLen, recordLen int64
	ldid                          byte
}

// decodeDBF decodes a whole .dbf. The encoding is override when not "",
// else the .cpg text cpg when not "", else the language driver byte, else
// detected from the bytes.
func decodeDBF(b []byte, cpg, override string) (*table, error) {
	l, err := parseDBFHeader(b)
	if err != nil {
		return nil, err
	}
	fields, names, offsets, err := parseFields(b[dbfHeaderLen:l.headerLen], l.recordLen)
	if err != nil {
		return nil, err
	}
	body := b[l.headerLen : l.headerLen+l.records*l.recordLen]
	codec, err := chooseCodec(append(names, body), l.ldid, cpg, override)
	if err != nil {
		return nil, err
	}
	dec := newDecoder(codec)
	for i := range fields {
		fields[i].Name = strings.TrimSpace(dec.text(names[i]))
	}
	t := &table{fields: fields, codec: codec,
		rows: make([][]any, l.records), deleted: make([]bool, l.records)}
	for i := range t.rows {
		rec := body[int64(i)*l.recordLen:][:l.recordLen]
		t.deleted[i] = rec[0] == '*'
		if t.rows[i], err = parseRow(rec, fields, offsets, dec); err != nil {
			return nil, fmt.Errorf("record %d: %w", i+1, err)
		}
	}
	return t, nil
}

// parseDBFHeader reads the record count and sizes and checks that the
// bytes hold them all (the trailing 0x1A is optional).
func parseDBFHeader(b []byte) (dbfLayout, error) { return parseDBFLayout(b, int64(len(b))) }

// parseDBFLayout is parseDBFHeader on the first bytes b of a .dbf of size
// bytes (b holds at least the header, or the whole file when shorter).
func parseDBFLayout(b []byte, size int64) (dbfLayout, error) {
	var l dbfLayout
	if len(b) < dbfHeaderLen+1 {
		return l, fmt.Errorf("%w: .dbf header is %d bytes, want at least %d", ErrTruncated, size, dbfHeaderLen+1)
	}
	l.records = int64(le.Uint32(b[4:]))
	l.headerLen, l.recordLen = int64(le.Uint16(b[8:])), int64(le.Uint16(b[10:]))
	l.ldid = b[29]
	if l.headerLen < dbfHeaderLen+1 || l.recordLen < 1 {
		return l, fmt.Errorf("%w: .dbf header of %d bytes, records of %d bytes", ErrFormat, l.headerLen, l.recordLen)
	}
	if l.headerLen > size {
		return l, fmt.Errorf("%w: .dbf header says %d bytes, file has %d", ErrTruncated, l.headerLen, size)
	}
	if have := (size - l.headerLen) / l.recordLen; have < l.records {
		return l, fmt.Errorf("%w: .dbf header says %d records of %d bytes, the file holds %d",
			ErrTruncated, l.records, l.recordLen, have)
	}
	return l, nil
}

// chooseCodec picks the attribute encoding (see decodeDBF).
func chooseCodec(sample [][]byte, ldid byte, cpg, override string) (textCodec, error) {
	switch {
	case override != "":
		return lookupCodec(override)
	case strings.TrimSpace(cpg) != "":
		c, err := lookupCodec(cpg)
		if err != nil {
			return c, fmt.Errorf("the .cpg: %w (set ReadOptions.Encoding to read it anyway)", err)
		}
		return c, nil
	}
	if cp, ok := ldidCodePages[ldid]; ok {
		return codePages[cp], nil
	}
	return detectCodec(sample), nil
}

// parseFields decodes the field descriptors up to the 0x0D terminator and
// returns the fields (names still undecoded, in names) and each one's byte
// offset in a record.
func parseFields(b []byte, recordLen int64) (fields []Field, names [][]byte, offsets []int, err error) {
	at := int64(1) // after the deletion flag
	for i := 0; i+dbfFieldLen <= len(b) && b[i] != dbfFieldEnd; i += dbfFieldLen {
		d := b[i : i+dbfFieldLen]
		name := d[:11]
		if n := bytes.IndexByte(name, 0); n >= 0 {
			name = name[:n]
		}
		f := Field{Type: FieldType(d[11]), Length: int(d[16]), Decimals: int(d[17])}
		if f.Length == 0 { // each field must take record bytes: that bounds the values
			return nil, nil, nil, fmt.Errorf("%w: field %d has width 0", ErrFormat, len(fields)+1)
		}
		if at+int64(f.Length) > recordLen {
			return nil, nil, nil, fmt.Errorf("%w: field %d of %d bytes at byte %d overruns the %d-byte record",
				ErrFormat, len(fields)+1, f.Length, at, recordLen)
		}
		fields, names, offsets = append(fields, f), append(names, name), append(offsets, int(at))
		at += int64(f.Length)
	}
	return fields, names, offsets, nil
}

// parseRow decodes the values of one record.
func parseRow(rec []byte, fields []Field, offsets []int, dec *decoder) ([]any, error) {
	row := make([]any, len(fields))
	for j, f := range fields {
		v, err := parseValue(rec[offsets[j]:offsets[j]+f.Length], f, dec)
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", f.Name, err)
		}
		row[j] = v
	}
	return row, nil
}

// parseValue decodes one value; blank values are nil.
func parseValue(raw []byte, f Field, dec *decoder) (any, error) {
	if f.Type == Character || !isKnownType(f.Type) {
		s := bytes.TrimRight(raw, " \x00")
		if len(s) == 0 {
			return nil, nil
		}
		return dec.text(s), nil
	}
	s := string(bytes.TrimSpace(bytes.TrimRight(raw, "\x00")))
	if s == "" {
		return nil, nil
	}
	switch f.Type {
	case Numeric, Float:
		return parseNumber(s, f)
	case Date:
		return parseDate(s)
	}
	return parseLogical(s)
}

func isKnownType(t FieldType) bool {
	return t == Numeric || t == Float || t == Date || t == Logical
}

// parseNumber reads an N or F value: int64 for N with no decimals when it
// fits, float64 otherwise; asterisks (overflow) are nil.
func parseNumber(s string, f Field) (any, error) {
	if s[0] == '*' {
		return nil, nil
	}
	if f.Type == Numeric && f.Decimals == 0 {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, nil
		}
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return nil, fmt.Errorf("%w: %q is not a number", ErrValue, s)
	}
	return x, nil
}

// parseDate reads YYYYMMDD as UTC midnight; 00000000 is nil.
func parseDate(s string) (any, error) {
	if s == "00000000" || s == "0" {
		return nil, nil
	}
	t, err := time.Parse("20060102", s)
	if err != nil {
		return nil, fmt.Errorf("%w: %q is not a YYYYMMDD date", ErrValue, s)
	}
	return t, nil
}

// parseLogical reads T/t/Y/y as true, F/f/N/n as false, ? as nil.
func parseLogical(s string) (any, error) {
	switch s[0] {
	case 'T', 't', 'Y', 'y':
		return true, nil
	case 'F', 'f', 'N', 'n':
		return false, nil
	case '?':
		return nil, nil
	}
	return nil, fmt.Errorf("%w: %q is not a logical (T/F/Y/N/?)", ErrValue, s)
}
