package writer

import (
	"bytes"
	"slices"

	"github.com/google/uuid"
)

// ownedChunk is the number of ids in one chunk of an owned set: chunks are never copied
// as the set grows, so adding a file costs its 16 bytes and no more.
const ownedChunk = 8192

// fileState is what a RetryFailedAndWait run knows of one file it retried.
type fileState uint8

const (
	stPending   fileState = iota // in_progress when last seen
	stSeen                       // seen in_progress in the round under way
	stSettled                    // left in_progress; outcome not read yet
	stCompleted                  // left in_progress and is not failed
	stFailed                     // failed again
	stRepeat                     // a second copy of an id (never counted)
)

// owned is the set of files a run retried and the state of each: 16 bytes for the id (in
// the order accepted), 4 for its place in the order by id, and 1 for its state, 21 bytes
// per file in all.
type owned struct {
	chunks [][]uuid.UUID
	n      int
	byID   []uint32 // positions, ordered by id (set by index)
	st     []fileState
}

// add appends ids, as they were accepted.
func (o *owned) add(ids []uuid.UUID) {
	for _, id := range ids {
		if o.n%ownedChunk == 0 {
			o.chunks = append(o.chunks, make([]uuid.UUID, 0, ownedChunk))
		}
		c := &o.chunks[len(o.chunks)-1]
		*c = append(*c, id)
		o.n++
	}
}

// at returns the id at position i.
func (o *owned) at(i int) uuid.UUID { return o.chunks[i/ownedChunk][i%ownedChunk] }

// index orders the positions by id for find, and marks every copy of an id after its
// first as a repeat. It returns the number of distinct ids.
func (o *owned) index() int {
	o.byID = make([]uint32, o.n)
	for i := range o.byID {
		o.byID[i] = uint32(i)
	}
	slices.SortStableFunc(o.byID, func(a, b uint32) int {
		x, y := o.at(int(a)), o.at(int(b))
		return bytes.Compare(x[:], y[:])
	})
	o.st = make([]fileState, o.n)
	distinct := o.n
	for k := 1; k < len(o.byID); k++ {
		if o.at(int(o.byID[k])) == o.at(int(o.byID[k-1])) {
			o.st[o.byID[k]] = stRepeat
			distinct--
		}
	}
	return distinct
}

// find returns the position of id, or false when the run did not retry it.
func (o *owned) find(id uuid.UUID) (int, bool) {
	k, ok := slices.BinarySearchFunc(o.byID, id, func(p uint32, id uuid.UUID) int {
		x := o.at(int(p))
		return bytes.Compare(x[:], id[:])
	})
	if !ok {
		return 0, false
	}
	return int(o.byID[k]), true
}
