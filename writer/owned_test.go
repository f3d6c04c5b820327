package writer

import (
	"testing"

	"github.com/google/uuid"
)

// TestOwnedFindsEveryIDAcrossChunks: ids added over several chunks are found at their
// position; a repeated id is found at its first position and its copy marked a repeat; an
// id never added is not found.
func TestOwnedFindsEveryIDAcrossChunks(t *testing.T) {
	var o owned
	n := 2*ownedChunk + 5
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = uuid.UUID{byte(i * 7), byte(i >> 8), byte(i), 0x40}
	}
	o.add(ids[:ownedChunk-1])
	o.add(ids[ownedChunk-1:])
	o.add([]uuid.UUID{ids[3]}) // a repeat, as a lying server could cause
	if got := o.index(); got != n {
		t.Fatalf("index = %d distinct ids, want %d", got, n)
	}
	for i, id := range ids {
		if p, ok := o.find(id); !ok || p != i {
			t.Fatalf("find(ids[%d]) = %d, %v; want %d", i, p, ok, i)
		}
	}
	if o.st[n] != stRepeat || o.st[3] != stPending {
		t.Errorf("states of the repeat and its first copy = %d, %d; want stRepeat, stPending", o.st[n], o.st[3])
	}
	if _, ok := o.find(uuid.UUID{0xff, 0xff}); ok {
		t.Error("found an id that was never added")
	}
}
