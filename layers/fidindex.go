package layers

// fidIndex maps feature ids to live slots. GeoPackage fids are almost always
// 1..n, so they go in a dense slice; fids far beyond it go in a map. Not
// safe for concurrent use: it lives inside a flat, under the layer's lock.
type fidIndex struct {
	dense  []int32 // dense[fid] = slot+1; 0 = none
	sparse map[int64]int32
}

// maxDenseFID bounds the dense slice (256 MiB of int32 at most).
const maxDenseFID = 1 << 26

func (x *fidIndex) get(fid int64) (int32, bool) {
	if fid >= 0 && fid < int64(len(x.dense)) {
		s := x.dense[fid]
		return s - 1, s != 0
	}
	s, ok := x.sparse[fid]
	return s, ok
}

func (x *fidIndex) set(fid int64, slot int32) {
	if fid >= 0 && fid < int64(len(x.dense)) {
		x.dense[fid] = slot + 1
		return
	}
	if fid >= 0 && fid < maxDenseFID && fid <= 2*int64(len(x.dense))+1024 {
		if _, ok := x.sparse[fid]; ok {
			delete(x.sparse, fid)
		}
		for int64(len(x.dense)) <= fid {
			x.dense = append(x.dense, 0)
		}
		x.dense[fid] = slot + 1
		return
	}
	if x.sparse == nil {
		x.sparse = map[int64]int32{}
	}
	x.sparse[fid] = slot
}

func (x *fidIndex) del(fid int64) {
	if fid >= 0 && fid < int64(len(x.dense)) {
		x.dense[fid] = 0
		return
	}
	delete(x.sparse, fid)
}
