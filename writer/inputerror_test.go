package writer

import (
	"errors"
	"strings"
	"testing"
)

func TestInputErrorText(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{inputErr("file_ids", 2, "abc", "is not a UUID"), `writer: invalid input: file_ids[2] "abc" is not a UUID`},
		{inputErr("WithMaxRetries", -1, "-1", "is negative"), `writer: invalid input: WithMaxRetries "-1" is negative`},
		{inputErr("API key", -1, "", "is missing"), `writer: invalid input: API key is missing`},
		{inputErr("name", -1, "a\nb", "has a control character"), `writer: invalid input: name "a b" has a control character`},
		{(*InputError)(nil), "writer: <nil input error>"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	var long *InputError
	err := inputErr("file_id", -1, strings.Repeat("é", 100), "is long")
	if !errors.As(err, &long) || len(long.Value) > maxInputValue+len("...") || !errors.Is(long, ErrInvalidInput) {
		t.Errorf("Value of %d bytes (%v); want at most %d and ErrInvalidInput", len(long.Value), long, maxInputValue)
	}
}
