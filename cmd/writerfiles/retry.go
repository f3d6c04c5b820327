package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// retryBatch is the most ids per POST /v1/files/retry, as RetryFailed sends: Writer does
// not document its maximum.
const retryBatch = 100

// cmdRetry: writerfiles retry ID... (or retry - for the ids on stdin) sends the ids in POST
// /v1/files/retry requests of at most retryBatch ids, one after the other, and stops at the
// first that fails. With --fake it shows the files before and after, once Writer accepted the
// ids.
func cmdRetry(ctx context.Context, a *app, args []string) error {
	ids, err := a.fileIDs(ctx, args, true)
	if err != nil {
		return err
	}
	if err := a.connect(); err != nil {
		return err
	}
	var before bytes.Buffer
	if a.fake != nil && !a.global.json {
		a.showFake(&before, "before", ids)
	}
	for start := 0; start < len(ids); start += retryBatch {
		batch := ids[start:min(start+retryBatch, len(ids))]
		if err := a.client.Files.Retry(ctx, batch); err != nil {
			if start > 0 {
				fmt.Fprintf(a.errOut, "writerfiles: retry: Writer accepted the ids before id %d; the request of ids %d to %d failed, and the rest was not sent.\n",
					start+1, start+1, start+len(batch))
			}
			return a.flagError(nil, err)
		}
	}
	if a.global.json {
		return json.NewEncoder(a.out).Encode(jsonRetried{FileIDs: ids, Accepted: distinctIDs(ids)})
	}
	_, _ = before.WriteTo(a.out)
	fmt.Fprintf(a.out, "Writer accepted the retry of %d file(s); processing is asynchronous.\n", distinctIDs(ids))
	if a.fake != nil {
		a.showFake(a.out, "after", ids)
	}
	return nil
}

// jsonRetried is the --json form of an accepted retry: the ids given, and how many distinct
// files they name.
type jsonRetried struct {
	FileIDs  []string `json:"file_ids"`
	Accepted int      `json:"accepted"`
}

// showFake prints to w the fake's view of the given files.
func (a *app) showFake(w io.Writer, when string, ids []string) {
	fmt.Fprintf(w, "\nFiles %s:\n", when)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  ID\tNAME\tSTATUS")
	for _, id := range ids {
		f, ok := a.fake.File(id)
		if !ok {
			fmt.Fprintf(tw, "  %s\t(unknown)\t\n", shown(id))
			continue
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", shown(f.ID), shown(f.Name), shown(string(f.Status)))
	}
	_ = tw.Flush()
}

// distinctIDs counts ids as Files.Retry sends them: a repeat, in any letter case, once.
func distinctIDs(ids []string) int {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		seen[strings.ToLower(id)] = true
	}
	return len(seen)
}
