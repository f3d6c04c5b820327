package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"

	"github.com/writerfiles/writer-go/writer"
)

// flagOf is the flag that sets each library field a command passes on (writer.InputError's
// Field), and whether its value is shown quoted (free text, ids) or as it is (words, numbers).
var flagOf = map[string]struct {
	name   string
	quoted bool
}{
	"ListOptions.Status":              {"status", false},
	"ListOptions.Order":               {"order", false},
	"ListOptions.Limit":               {"page-size", false},
	"ListOptions.GraphID":             {"graph", true},
	"ListOptions.FileTypes":           {"types", true},
	"UploadParams.GraphID":            {"graph", true},
	"UploadParams.ContentType":        {"type", true},
	"UploadParams.Name":               {"name", true},
	"RetryFailedOptions.GraphID":      {"graph", true},
	"RetryFailedOptions.FileTypes":    {"types", true},
	"RetryFailedOptions.BatchSize":    {"batch", false},
	"RetryFailedOptions.Concurrency":  {"concurrency", false},
	"RetryFailedOptions.PollInterval": {"interval", false},
	"WaitOptions.Interval":            {"interval", false},
}

// flagError turns the library's *writer.InputError about a value the user gave into a usage
// error (exit status 2) that names it as the user wrote it: the flag of fs and its value,
// or the position of a file id among the arguments. Any other error is returned as it is.
func (a *app) flagError(fs *flag.FlagSet, err error) error {
	var ie *writer.InputError
	if !errors.As(err, &ie) {
		return err
	}
	switch {
	case ie.Field == "file_ids" && ie.Index >= 0:
		return usageError{fmt.Sprintf("%s: file id %d (%q) %s", a.cmd.name, ie.Index+1, ie.Value, ie.Reason)}
	case ie.Field == "file_id":
		return usageError{fmt.Sprintf("%s: file id %q %s", a.cmd.name, ie.Value, ie.Reason)}
	}
	spec, ok := flagOf[ie.Field]
	if !ok || fs == nil || fs.Lookup(spec.name) == nil {
		return err
	}
	value := fs.Lookup(spec.name).Value.String()
	if spec.quoted {
		value = strconv.Quote(value)
	}
	msg := fmt.Sprintf("%s: --%s %s", a.cmd.name, spec.name, value)
	if ie.Index >= 0 {
		msg += fmt.Sprintf(": entry %d (%q)", ie.Index+1, ie.Value)
	}
	return usageError{msg + " " + ie.Reason}
}
