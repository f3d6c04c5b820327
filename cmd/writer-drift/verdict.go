package main

import (
	"fmt"
	"strings"
)

// The first words of each verdict line; scripts/drift.sh reads them.
const (
	verdictNothing    = "writer-drift: NOTHING CHANGED: "
	verdictCompatible = "writer-drift: COMPATIBLE: "
	verdictAdded      = "writer-drift: COMPATIBLE, NOT WRAPPED: "
	verdictBreaking   = "writer-drift: BREAKING: "
)

// verdict is the last line of the output and the exit status.
func (d *drift) verdict(b base, upstream string) (string, int) {
	fork := b.version == ""
	switch {
	case d.breaking():
		if fork {
			return verdictBreaking + "Writer changed the File API incompatibly (the errors and warnings above): a client " +
				"generated from " + b.label + " can fail where it uses them. Regenerate it (" + takeIn(upstream) + ") and change " +
				"package writer with the generated code, or upgrade to a writer-go release that follows the change.", exitBreaking
		}
		return verdictBreaking + "Writer changed the File API incompatibly (the errors and warnings above): calls of " +
			b.label + " that use them can fail; upgrade writer-go when a release follows the change.", exitBreaking
	case len(d.added) > 0:
		var items []string
		for _, a := range d.added {
			if fork {
				items = append(items, a.what+": "+a.where)
			} else {
				items = append(items, a.what)
			}
		}
		if fork {
			return verdictAdded + "package writer must wrap what Writer added: " + strings.Join(items, "; ") + ".", exitOK
		}
		return verdictAdded + fmt.Sprintf("%s keeps working, but does not wrap what Writer added: %s. "+
			"Until a release does, call them with (*writer.Client).Do, decoding into a type of your own (writer-go's docs/any-operation.md).",
			b.label, strings.Join(items, "; ")), exitOK
	case len(d.changes) > 0:
		if fork {
			return verdictCompatible + "no breaking change in the File API, but the changes above are not in openapi.yaml: " +
				"regeneration is due (" + takeIn(upstream) + ").", exitOK
		}
		return verdictCompatible + b.label + " keeps working with the changes above: nothing to do.", exitOK
	}
	return verdictNothing + "no change to the operations or schemas of the File API since " + b.label + ": nothing to do.", exitOK
}

// takeIn is how a copy of writer-go whose openapi.yaml was passed with -spec takes upstream in.
func takeIn(upstream string) string {
	upstream = shown(upstream)
	return "in a clone, make spec-sync UPSTREAM=" + upstream + "; in a copy of the published module, writer-drift -sync -in " +
		upstream + " -out openapi.yaml, then go generate ./... (writer-go's docs/spec-drift.md)"
}
