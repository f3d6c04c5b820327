package writer

import (
	"os"
	"testing"
)

// TestMain runs the package's tests without the environment variables NewClient reads, so
// that the environment of whoever runs them changes none of their clients; a test of a
// variable sets it with t.Setenv.
func TestMain(m *testing.M) {
	for _, name := range []string{envAPIKey, envBaseURL, envCustomHeaders, envLog} {
		if err := os.Unsetenv(name); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}

// noSecrets is the apiKey of tests that call the argument checks directly: a nil *apiKey
// redacts nothing.
var noSecrets *apiKey
