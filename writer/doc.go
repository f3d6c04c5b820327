// Package writer is a client for Writer's File API (https://api.writer.com/v1/files).
//
//	client, err := writer.NewClient() // key from WRITER_API_KEY
//	if err != nil { ... }
//	err = client.Files.Retry(ctx, []string{"3c90c3cc-0d44-4b50-8888-8dd25736052a"})
//
// A Client is safe for concurrent use; create one and share it.
//
// # Operations
//
// client.Files covers every File API operation (tag "File API" of openapi.yaml) and two
// helpers built on them. Ids are file ids (strings; UUIDs where the spec says format uuid),
// sizes are bytes, waits are time.Duration. Each returns *Error for a failed call (with the
// sentinels below) and an *InputError (ErrInvalidInput), before any request, for a bad
// argument; "go doc writer.FilesService.Upload" (and so on) gives the details.
//
//	Files.List(ctx, opts)              GET /v1/files (gatewayGetFiles): iter.Seq2[File, error] over every page
//	Files.ListPage(ctx, opts, cursor)  GET /v1/files (gatewayGetFiles): one page, manual before/after cursor
//	Files.Get(ctx, id)                 GET /v1/files/{file_id} (gatewayGetFile); ErrNotFound, ErrGone
//	Files.Upload(ctx, params)          POST /v1/files (gatewayUploadFile): streamed; size and content type
//	                                   found from the body and name when not given
//	Files.Download(ctx, id)            GET /v1/files/{file_id}/download (gatewayDownloadFile): streamed body
//	Files.Delete(ctx, id)              DELETE /v1/files/{file_id} (gatewayDeleteFile); ErrNotDeleted
//	Files.Retry(ctx, ids)              POST /v1/files/retry (gatewayRetryFailedFiles); ErrRetryNotAccepted
//	Files.RetryFailed(ctx, opts)       lists failed files (GET /v1/files?status=failed) and retries them in
//	                                   batches (POST /v1/files/retry) while the next page is read
//	Files.RetryFailedAndWait(ctx, opts) the whole job: RetryFailed, then waits for the accepted files
//	                                   by list pages (GET /v1/files?status=in_progress, 100 files per
//	                                   request; a GET per file where a listing costs more); reports
//	                                   completed and failed again (8 requests in flight when paced)
//	Files.WaitProcessed(ctx, ids, opts) polls GET /v1/files/{file_id} until no file is in_progress
//
// client.Graphs covers the Knowledge Graph operations that files need (tag "KG API"); graph
// ids are UUIDs:
//
//	Graphs.Get(ctx, graphID)           GET /v1/graphs/{graph_id} (findGraphWithFileStatus): file_status counts
//	Graphs.List(ctx, opts)             GET /v1/graphs (findGraphsWithFileStatus): iter.Seq2[Graph, error]
//	Graphs.ListPage(ctx, opts, cursor) GET /v1/graphs (findGraphsWithFileStatus): one page
//	Graphs.AddFile(ctx, graphID, fileID)    POST /v1/graphs/{graph_id}/file (addFileToGraph)
//	Graphs.RemoveFile(ctx, graphID, fileID) DELETE /v1/graphs/{graph_id}/file/{file_id} (removeFileFromGraph)
//
// Client.Do calls any other Writer operation (method, path, JSON body, response value)
// through the same authentication, retries, errors and key redaction.
//
// # Authentication
//
// Every request carries "Authorization: Bearer <key>", the key given to WithAPIKey or read
// from WRITER_API_KEY; a key with a space, a control or format character or a character
// that is not ASCII is refused before any request, naming the character and its position.
// Headers of the caller's (WithHeader, WRITER_CUSTOM_HEADERS) go with it. The key and
// those headers are sent only to the scheme, host and port of the base URL: a redirect to
// any other host (another port of the same host included) carries none of them. An http:// base URL is refused unless its host is loopback or
// WithInsecureHTTP is given. The key never appears in an error, a log record or a printed
// value (any fmt verb of a Client, an Option or an *Error), nor in any error its chain
// wraps; a copy of it in what a server sends back (an error body, a request id, a decode
// error) is replaced by "[redacted]".
//
// # Retries
//
// One retry loop serves every operation, and nothing else retries. It retries connection
// errors, attempts that time out (WithRequestTimeout, default 180 s, bounds each attempt's
// wait for response headers), and the statuses 408, 409, 429 and 5xx; not a host name that
// does not resolve, redirects that do not end (more than 10), a certificate that does not
// verify or a server that does not speak TLS; a response header x-should-retry: true or
// false on an error status overrides that rule; a 2xx is never retried. The wait before retry n is
// 0.5 s * 2^(n-1), capped at 8 s, less up to 25% jitter, at most 4 retries (WithMaxRetries,
// WithRetryPolicy). A server's retry-after-ms or Retry-After (seconds, fractions allowed, or
// an HTTP date) replaces that wait; when it asks for more than MaxRetryAfter (default 60 s)
// or more than the context has left, the call ends at once with ErrRateLimited and the
// requested wait in Error.RetryAfter. The caller's context bounds the whole call:
// cancelling it stops a backoff wait at once, and the error matches context.Canceled.
// WithRetryHook is told of each retry and its wait before the wait starts.
//
// Every attempt, retries included, waits for the Client's pace: 400 requests per minute by
// default (WithRequestsPerMinute), halved after a 429, or a Limiter of the caller's
// (WithLimiter). Every retry takes from the Client's retry budget (WithRetryBudget: 500
// tokens, 5 a retry, 1 back per success); when it is spent, a call that would be retried
// fails at once with ErrRetryBudgetExhausted. The calls of RetryFailed, RetryFailedAndWait
// and WaitProcessed get at least 8 retries, with waits growing to MaxRetryAfter: about 2
// minutes, to ride out an outage.
//
// Request bodies are replayed from the start on each attempt. An upload (a POST that creates
// a file) is retried only when it cannot have been processed: the connection failed before
// the request was sent, the status is 429, or the server says x-should-retry: true. Its body
// is replayed only when it is a regular file or another io.ReaderAt and io.Seeker; otherwise
// it gets one attempt and the error says why. See docs/retries.md.
//
// # Errors
//
// A call that reached the network and failed returns an *Error: the last attempt's status,
// Writer's error type, key and description (the spec's fail_response), the request id, up
// to 1 MiB of the body, the number of attempts, the server's wait hint, and the cause
// (Unwrap), and the file or graph id the request was about (FileID, GraphID). Match it
// with errors.Is against the sentinels (ErrNotFound, ErrRateLimited, ErrServer, ...) or
// read it with errors.As. Its Error() is one line of at most about a kilobyte and a half
// that names the operation's method, path and operationId and the ids, for example
// "writer: DELETE /v1/files/{file_id} (gatewayDeleteFile) file_id "3c90c3cc-...": status 404 ...". A 2xx answer
// whose body lacks the spec's required properties, is about another file than the one asked
// for, or is longer than 8 MiB (after decompression) is ErrInvalidResponse. Arguments
// refused before any request are an *InputError, matching ErrInvalidInput, that names the
// field, position and value. See docs/errors.md.
//
// # Pagination
//
// Listing operations follow Writer's cursors (after = the last item's id) until has_more is
// false; see FilesService.
//
// # Logging
//
// The client is silent by default. WithLogger(l) (or WRITER_LOG=debug, which logs to
// stderr) gets one Debug record per HTTP attempt with method, path, status, attempt,
// whether it is retried, the wait before the next attempt, the duration and, for a
// transport failure, the error; never header values or bodies.
package writer
