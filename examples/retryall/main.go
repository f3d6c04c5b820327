// Command retryall asks Writer to process every failed file again and waits for the outcome.
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/writerfiles/writer-go/writer"
)

func main() {
	client, err := writer.NewClient() // the key from WRITER_API_KEY
	if err != nil {
		log.Fatal(err)
	}
	files, err := retryAll(context.Background(), client)
	for _, f := range files {
		fmt.Println(f.ID, f.Status)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// retryAll retries every failed file and returns each one as it ended.
func retryAll(ctx context.Context, client *writer.Client) ([]writer.File, error) {
	var ids []string
	_, err := client.Files.RetryFailed(ctx, &writer.RetryFailedOptions{
		Progress: func(p writer.RetryFailedProgress) {
			if p.BatchErr == nil {
				ids = append(ids, p.Batch...)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	return client.Files.WaitProcessed(ctx, ids, nil)
}
