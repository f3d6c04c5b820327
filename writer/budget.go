package writer

import "sync"

// NoRetryBudget is the WithRetryBudget value that turns the retry budget off.
const NoRetryBudget = -1

// The retry budget's numbers, as in the AWS SDKs' standard retry quota.
const (
	defaultRetryBudget = 500 // tokens of a new Client
	retryCost          = 5   // a retry
	timeoutRetryCost   = 10  // a retry after an attempt that timed out
	successRefund      = 1   // an answer that ends a call without error
)

// budget is the Client's retry budget: a token bucket that every retry of every call takes
// from and every successful call refills a little, so that a server that fails most of what
// it is sent gets at most a bounded number of retries on top. A nil *budget is unlimited.
type budget struct {
	mu     sync.Mutex
	tokens int
	most   int
}

func newBudget(tokens int) *budget {
	if tokens == NoRetryBudget {
		return nil
	}
	return &budget{tokens: tokens, most: tokens}
}

// take spends cost tokens for a retry, or reports false when fewer are left.
func (b *budget) take(cost int) bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < cost {
		return false
	}
	b.tokens -= cost
	return true
}

// refund gives back successRefund tokens after a call that succeeded.
func (b *budget) refund() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens = min(b.tokens+successRefund, b.most)
}
