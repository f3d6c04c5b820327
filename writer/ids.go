package writer

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// parseUUID parses the canonical form 8-4-4-4-12 of hexadecimal digits, either case: the
// spec's format uuid. Other forms that uuid.Parse accepts (braces, urn:uuid:, no hyphens)
// are refused.
func parseUUID(s string) (uuid.UUID, bool) {
	if len(s) != 36 {
		return uuid.UUID{}, false
	}
	u, err := uuid.Parse(s)
	return u, err == nil
}

// checkUUIDs checks that ids are UUIDs for the spec field named field and returns them
// without repeats: the first occurrence keeps its place, and ids that differ only in case
// are the same UUID. It refuses an empty list and names the first bad position; its errors
// show no secret of k.
func (k *apiKey) checkUUIDs(field string, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, inputErr(field, -1, "", "is empty; give at least one file id")
	}
	parsed := make([]uuid.UUID, 0, defaultBatchSize) // on the stack for a batch of the default size
	for i, s := range ids {
		u, ok := parseUUID(s)
		if !ok {
			return nil, k.inputErr(field, i, s, "is not a UUID (8-4-4-4-12 hexadecimal digits)")
		}
		parsed = append(parsed, u)
	}
	slices.SortFunc(parsed, compareUUIDs)
	if len(slices.Compact(parsed)) == len(ids) {
		return ids, nil
	}
	return withoutRepeats(ids), nil
}

// withoutRepeats returns ids, UUIDs that parseUUID accepts, without the later occurrences
// of each UUID.
func withoutRepeats(ids []string) []string {
	seen := make(map[uuid.UUID]bool, len(ids))
	kept := make([]string, 0, len(ids))
	for _, s := range ids {
		if u, _ := parseUUID(s); !seen[u] {
			seen[u] = true
			kept = append(kept, s)
		}
	}
	return kept
}

// lowerUUIDs returns ids, UUIDs in canonical form, in lower case as uuid.UUID.String writes
// them: ids itself when none has an upper-case digit.
func lowerUUIDs(ids []string) []string {
	if !slices.ContainsFunc(ids, hasUpperHex) {
		return ids
	}
	lower := make([]string, len(ids))
	for i, s := range ids {
		lower[i] = strings.ToLower(s)
	}
	return lower
}

// hasUpperHex reports whether s has an upper-case hexadecimal digit, A to F.
func hasUpperHex(s string) bool {
	for i := range len(s) {
		if 'A' <= s[i] && s[i] <= 'F' {
			return true
		}
	}
	return false
}

// checkFileID refuses a file id that could leave its path segment or change the URL before
// any request is sent: empty, "." or "..", or containing '/', '\', '?', '#', '%', a control
// character or invalid UTF-8. The spec declares file_id a plain string, so any other id,
// UUID or not, is sent (path-escaped by the generated request builder). field names the
// argument in the error; index is its position in a list, or -1. Its errors show no secret
// of k.
func (k *apiKey) checkFileID(field string, index int, id string) error {
	switch id {
	case "":
		return inputErr(field, index, "", "is empty")
	case ".", "..":
		return k.inputErr(field, index, id, "is a path segment, not a file id")
	}
	if !utf8.ValidString(id) {
		return k.inputErr(field, index, id, "is not valid UTF-8")
	}
	for i, r := range id {
		switch {
		case r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return k.inputErr(field, index, id, fmt.Sprintf("has a control character at byte %d", i))
		case strings.ContainsRune(`/\?#%`, r):
			return k.inputErr(field, index, id, fmt.Sprintf("has %q at byte %d, which a file id cannot contain", r, i))
		}
	}
	return nil
}

// checkGraphID checks a graph id, the spec's format uuid, for the field named field and
// returns it parsed. Its errors show no secret of k.
func (k *apiKey) checkGraphID(field, id string) (uuid.UUID, error) {
	if id == "" {
		return uuid.UUID{}, inputErr(field, -1, "", "is empty")
	}
	u, ok := parseUUID(id)
	if !ok {
		return uuid.UUID{}, k.inputErr(field, -1, id, "is not a UUID (8-4-4-4-12 hexadecimal digits)")
	}
	return u, nil
}

// uuidStrings returns ids in canonical lower case.
func uuidStrings(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, u := range ids {
		out[i] = u.String()
	}
	return out
}

// compareUUIDs orders UUIDs by their bytes.
func compareUUIDs(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }
