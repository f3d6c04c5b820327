package writertest

import (
	"time"

	"github.com/writerfiles/writer-go/writer"
)

// Client returns a writer.Client for the Server: its URL and API key, no environment
// variable read (writer.WithoutEnvironment: neither WRITER_CUSTOM_HEADERS nor WRITER_LOG of
// the process running the test changes the client; pass writer.WithLogger to see its
// attempts), unpaced
// (WithRequestsPerMinute(NoRateLimit): the Server has no limit unless WithRateLimit sets one)
// and backoff steps of 1 ms doubling to 10 ms (the workflow's calls, under their outage
// policy, double on for 8 retries, to 128 ms), so that a test does not wait seconds. Server
// wait hints (Retry-After) are honoured as usual. opts come after these and may change any
// of them.
//
// With a Server from NewServer, an option that NewClient refuses fails the test; with a Server
// from Start, it panics.
func (s *Server) Client(opts ...writer.Option) *writer.Client {
	all := append([]writer.Option{
		writer.WithoutEnvironment(),
		writer.WithBaseURL(s.URL),
		writer.WithAPIKey(s.APIKey),
		writer.WithRetryPolicy(writer.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}),
		writer.WithRequestsPerMinute(writer.NoRateLimit),
	}, opts...)
	c, err := writer.NewClient(all...)
	if err != nil {
		if s.tb != nil {
			s.tb.Helper()
			s.tb.Fatalf("writertest: Server.Client: %v", err)
			return nil
		}
		panic("writertest: Server.Client: " + err.Error())
	}
	return c
}
