package server

import "github.com/worldcafe/worldcafe/protocol"

// ring keeps the encoded frames of a café's most recent events, so that a
// client that reconnects after a short drop gets exactly what it missed from
// memory. Its entries are always contiguous in seq.
type ring struct {
	size  int      // most entries kept
	buf   []frames // grows up to size: an idle café holds only what it has
	first uint64   // seq of the oldest entry; meaningful when n > 0
	start int      // index of the oldest entry
	n     int
}

// frames are an event encoded once per audience: the facilitator (full),
// everyone else in the café (room: hosts, attendees, the wall, the scribe)
// and the public pages (public). Audiences that get the same bytes share
// one slice. public is nil when the public gets nothing of the event,
// which is most of the café's.
type frames struct{ full, room, public []byte }

// forRole is the frame role receives; nil means nothing.
func (f frames) forRole(role protocol.Role) []byte {
	switch role {
	case protocol.RoleFacilitator:
		return f.full
	case protocol.RolePublic:
		return f.public
	}
	return f.room
}

func newRing(size int) *ring { return &ring{size: max(size, 1)} }

// push adds the frames of event seq, which must follow the newest entry.
// The public frame is not kept: public pages never resume (they always get
// a snapshot, see doAttach), so holding it would only cost memory.
func (r *ring) push(seq uint64, b frames) {
	b.public = nil
	if r.n > 0 && seq != r.first+uint64(r.n) {
		r.reset() // not contiguous (the café was reloaded): start over
	}
	if r.n == 0 {
		r.first = seq
	}
	if r.n < r.size {
		// Until the ring is full its entries start at index 0.
		r.buf = append(r.buf, b)
		r.n++
		return
	}
	r.buf[r.start] = b
	r.start = (r.start + 1) % len(r.buf)
	r.first++
}

// since returns the frames of the events after seq up to last (the café's
// newest seq), or false when some of them are no longer held.
func (r *ring) since(seq, last uint64) ([]frames, bool) {
	if seq == last {
		return nil, true
	}
	if seq > last || r.n == 0 || seq+1 < r.first || r.first+uint64(r.n)-1 != last {
		return nil, false
	}
	out := make([]frames, 0, last-seq)
	for s := seq + 1; s <= last; s++ {
		out = append(out, r.buf[(r.start+int(s-r.first))%len(r.buf)])
	}
	return out, true
}

// each calls f with every entry held, oldest or not: for changing the
// frames in place (a hide, see redactRing).
func (r *ring) each(f func(*frames)) {
	for i := range r.buf {
		f(&r.buf[i])
	}
}

func (r *ring) reset() {
	r.buf = nil
	r.start, r.n, r.first = 0, 0, 0
}
