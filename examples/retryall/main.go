// Command retryall asks Writer to process every failed file again and waits for the outcome.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/writerfiles/writer-go/writer"
)

func main() {
	client, err := writer.NewClient() // the key from WRITER_API_KEY
	if err != nil {
		log.Fatal(err)
	}
	if err := retryAll(context.Background(), client, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// retryAll retries every failed file, waits until Writer has processed them, and says how:
// each file that failed again as it is found, then the counts.
func retryAll(ctx context.Context, client *writer.Client, w io.Writer) error {
	rep, err := client.Files.RetryFailedAndWait(ctx, &writer.RetryFailedOptions{
		Progress: func(p writer.RetryFailedProgress) {
			for _, id := range p.JustFailedAgain { // over the calls, every one, once
				fmt.Fprintln(w, "failed again:", id)
			}
		},
	})
	fmt.Fprintf(w, "%d retried: %d completed, %d failed again\n", rep.Retried, rep.Completed, rep.FailedAgain)
	return err
}
