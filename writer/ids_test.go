package writer

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestCheckUUIDsDropsRepeats covers short and long lists, with repeats near and far from
// their first occurrence, and a repeat that differs only in case.
func TestCheckUUIDsDropsRepeats(t *testing.T) {
	for _, n := range []int{2, 3, 128, 129, 300} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var in, want []string
			for i := range n {
				id := fmt.Sprintf("3c90c3cc-0d44-4b50-8888-%012x", i)
				want = append(want, id)
				in = append(in, id)
				if i%3 == 0 {
					in = append(in, want[i/2]) // a repeat of an earlier id
				}
			}
			in = in[:n] // the list under test has n entries
			in[n-1] = strings.ToUpper(in[0])
			want = want[:0]
			for _, id := range in {
				if !slices.Contains(want, strings.ToLower(id)) {
					want = append(want, id)
				}
			}
			got, err := noSecrets.checkUUIDs("file_ids", in)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("checkUUIDs(%d ids) = %v,\nwant %v (first occurrences, in order)", n, got, want)
			}
			if len(got) == len(in) {
				t.Errorf("checkUUIDs(%d ids): no repeat in the input; the test is wrong", n)
			}
		})
	}
}

// TestCheckUUIDsWithoutRepeats returns the ids as given, in their order.
func TestCheckUUIDsWithoutRepeats(t *testing.T) {
	for _, n := range []int{1, 2, 129} {
		in := make([]string, n)
		for i := range in {
			in[i] = fmt.Sprintf("3C90C3CC-0D44-4B50-8888-%012x", n-i)
		}
		got, err := noSecrets.checkUUIDs("file_ids", in)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, in) {
			t.Errorf("checkUUIDs(%d ids without repeats) = %v, want %v", n, got, in)
		}
	}
}

// TestCheckUUIDsFoldCollision: two different UUIDs whose 64-bit halves XOR to the same word
// are both kept, and the ids are returned as given.
func TestCheckUUIDsFoldCollision(t *testing.T) {
	in := []string{
		"00000000-0000-0001-0000-000000000001",
		"3c90c3cc-0d44-4b50-8888-8dd25736052a",
		"00000000-0000-0002-0000-000000000002", // folds to 0, as the first does
	}
	got, err := noSecrets.checkUUIDs("file_ids", in)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, in) {
		t.Errorf("checkUUIDs(%v) = %v, want the ids unchanged", in, got)
	}
}

func TestCheckUUIDsNamesBadPosition(t *testing.T) {
	for _, n := range []int{3, 300} {
		in := make([]string, n)
		for i := range in {
			in[i] = fmt.Sprintf("3c90c3cc-0d44-4b50-8888-%012x", i)
		}
		in[n-1] = "3c90c3cc0d444b5088888dd25736052a"
		_, err := noSecrets.checkUUIDs("file_ids", in)
		if !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("checkUUIDs with a bad id: err = %v, want ErrInvalidInput", err)
		}
		var ie *InputError
		if !errors.As(err, &ie) || ie.Index != n-1 || ie.Field != "file_ids" {
			t.Errorf("checkUUIDs with a bad id at %d: err = %#v, want field file_ids index %d", n-1, err, n-1)
		}
	}
}

// TestParseUUIDAgreesWithUUIDParse puts every byte value at every position of a canonical
// UUID: parseUUID must accept exactly what uuid.Parse accepts in canonical form, with the
// same value.
func TestParseUUIDAgreesWithUUIDParse(t *testing.T) {
	const valid = "3C90c3cc-0d44-4b50-8888-8dd25736052a"
	for at := range len(valid) {
		for c := range 256 {
			s := valid[:at] + string([]byte{byte(c)}) + valid[at+1:]
			got, ok := parseUUID(s)
			want, err := uuid.Parse(s)
			wantOK := err == nil && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-'
			if ok != wantOK || (ok && got != want) {
				t.Fatalf("parseUUID(%q) = %v, %v; uuid.Parse: %v, %v", s, got, ok, want, err)
			}
		}
	}
	for _, s := range []string{"", valid[:35], valid + "0", "{" + valid[1:] + "}", "3c90c3cc0d444b5088888dd25736052a0000"} {
		if _, ok := parseUUID(s); ok {
			t.Errorf("parseUUID(%q) accepted a non-canonical form", s)
		}
	}
}

var canonicalUUID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func FuzzIDs(f *testing.F) {
	for _, s := range []string{
		"6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
		"6F1B2C3D-4E5F-4A6B-8C7D-8E9F0A1B2C3D",
		"{6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d}",
		"urn:uuid:6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
		"6f1b2c3d4e5f4a6b8c7d8e9f0a1b2c3d",
		"6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3\n",
		"6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c/d",
		"../../v1/files/6f1b2c3d-4e5f-4a6b-8c7d",
		"6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d,6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
		"", ",", "a,,b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, ok := parseUUID(s)
		if ok != canonicalUUID.MatchString(s) {
			t.Fatalf("parseUUID(%q) ok = %v, want %v (canonical 8-4-4-4-12 hex only)", s, ok, !ok)
		}
		if ok && !strings.EqualFold(u.String(), s) {
			t.Fatalf("parseUUID(%q) = %s, a different id", s, u)
		}
		ids := strings.Split(s, ",")
		out, err := noSecrets.checkUUIDs("file_ids", ids)
		if err != nil {
			if len(out) != 0 || !strings.Contains(err.Error(), "file_ids") {
				t.Fatalf("checkUUIDs(%q) = %v, %v: want no ids and an error naming file_ids", ids, out, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, u := range out {
			if seen[strings.ToLower(u)] {
				t.Fatalf("checkUUIDs(%q) repeats %s", ids, u)
			}
			seen[strings.ToLower(u)] = true
		}
		for _, id := range ids {
			if !seen[strings.ToLower(id)] {
				t.Fatalf("checkUUIDs(%q) lost %q", ids, id)
			}
		}
	})
}
