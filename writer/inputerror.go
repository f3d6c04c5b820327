package writer

import (
	"strconv"
	"strings"
)

// InputError is an argument refused before any request was sent. errors.Is(err,
// ErrInvalidInput) holds for it; errors.As gives the field, for example to name a flag.
type InputError struct {
	// Field is the spec field or option refused: "file_ids", "file_id", "limit",
	// "ListOptions.GraphID", "RetryFailedOptions.BatchSize", "WithMaxRetries", ...
	Field string
	// Index is the position in a list (of file_ids, say), or -1.
	Index int
	// Value is the refused value as shown (at most 80 bytes, control characters as spaces), ""
	// when empty or secret: never the API key, whose copies (and those of the values of the
	// caller's headers of 8 bytes or more) are replaced by "[redacted]".
	Value string
	// Reason says what is wrong, for example "is not a UUID (8-4-4-4-12 hexadecimal digits)".
	Reason string
}

// maxInputValue bounds InputError.Value.
const maxInputValue = 80

func inputErr(field string, index int, value, reason string) error {
	return &InputError{Field: field, Index: index, Value: oneLine(value, maxInputValue), Reason: reason}
}

// inputErr is inputErr for a value that is a caller's argument, which may hold the API key
// or a header value by mistake: their copies in value are redacted (a nil k redacts
// nothing).
func (k *apiKey) inputErr(field string, index int, value, reason string) error {
	return inputErr(field, index, k.redact(value), reason)
}

// Error returns one line: `writer: invalid input: <Field>[<Index>] "<Value>" <Reason>`.
func (e *InputError) Error() string {
	if e == nil {
		return "writer: <nil input error>"
	}
	var b strings.Builder
	b.WriteString("writer: invalid input: ")
	b.WriteString(e.Field)
	if e.Index >= 0 {
		b.WriteString("[")
		b.WriteString(strconv.Itoa(e.Index))
		b.WriteString("]")
	}
	if e.Value != "" {
		b.WriteString(" ")
		b.WriteString(strconv.Quote(oneLine(e.Value, maxInputValue)))
	}
	b.WriteString(" ")
	b.WriteString(e.Reason)
	return b.String()
}

// Is reports whether target is ErrInvalidInput.
func (e *InputError) Is(target error) bool { return target == ErrInvalidInput }
