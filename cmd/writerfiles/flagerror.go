package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/writerfiles/writer-go/writer"
)

// flagOf is the flag that sets each library field a command passes on (writer.InputError's
// Field).
var flagOf = map[string]string{
	"ListOptions.Status":              "status",
	"ListOptions.Order":               "order",
	"ListOptions.Limit":               "page-size",
	"ListOptions.GraphID":             "graph",
	"ListOptions.FileTypes":           "types",
	"UploadParams.GraphID":            "graph",
	"UploadParams.ContentType":        "type",
	"UploadParams.Name":               "name",
	"RetryFailedOptions.GraphID":      "graph",
	"RetryFailedOptions.FileTypes":    "types",
	"RetryFailedOptions.BatchSize":    "batch",
	"RetryFailedOptions.Concurrency":  "concurrency",
	"RetryFailedOptions.PollInterval": "interval",
	"WaitOptions.Interval":            "interval",
}

// flagError turns the library's *writer.InputError about a value the user gave into a usage
// error (exit status 2) that names it as the user wrote it: the flag of fs and the text it
// was given, or where the file id came from (idWhere). Any other error is returned as it is.
func (a *app) flagError(fs *flag.FlagSet, err error) error {
	var ie *writer.InputError
	if !errors.As(err, &ie) {
		return err
	}
	switch {
	case ie.Field == "file_ids" && ie.Index >= 0:
		return usageError{fmt.Sprintf("%s: %s (%q) %s", a.cmd.name, a.idWhere(ie.Index), ie.Value, ie.Reason)}
	case ie.Field == "file_id":
		return usageError{fmt.Sprintf("%s: file id %q %s", a.cmd.name, ie.Value, ie.Reason)}
	}
	name, ok := flagOf[ie.Field]
	if !ok || fs == nil || fs.Lookup(name) == nil {
		return err
	}
	msg := fmt.Sprintf("%s: %s", a.cmd.name, flagText(fs, name))
	if ie.Index >= 0 {
		msg += fmt.Sprintf(": entry %d (%q)", ie.Index+1, ie.Value)
	}
	return usageError{msg + " " + ie.Reason}
}
