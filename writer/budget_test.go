package writer

import "testing"

func TestBudgetTakesRefundsAndCaps(t *testing.T) {
	b := newBudget(12)
	for range 2 {
		if !b.take(retryCost) {
			t.Fatal("two retries of 5 from 12 tokens refused")
		}
	}
	if b.take(retryCost) {
		t.Fatal("a third retry taken with 2 tokens left")
	}
	for range 3 {
		b.refund()
	}
	if !b.take(retryCost) {
		t.Error("a retry refused after 3 refunds brought 5 tokens")
	}
	for range 100 {
		b.refund()
	}
	if b.tokens != 12 {
		t.Errorf("tokens after 100 refunds = %d, want the cap, 12", b.tokens)
	}
	if !b.take(0) {
		t.Error("a free retry (a 429) refused")
	}
	off := newBudget(NoRetryBudget)
	off.refund()
	if off != nil || !off.take(timeoutRetryCost) {
		t.Error("no budget refused a retry")
	}
}

func TestRetryBudgetOptionZeroIsTheDefault(t *testing.T) {
	for n, want := range map[int]int{0: defaultRetryBudget, 7: 7} {
		c, err := NewClient(WithoutEnvironment(), WithAPIKey("k"), WithRetryBudget(n))
		if err != nil {
			t.Fatalf("WithRetryBudget(%d): %v", n, err)
		}
		if c.budget.most != want {
			t.Errorf("WithRetryBudget(%d): %d tokens; want %d", n, c.budget.most, want)
		}
	}
	c, err := NewClient(WithoutEnvironment(), WithAPIKey("k"), WithRetryBudget(NoRetryBudget))
	if err != nil {
		t.Fatalf("WithRetryBudget(NoRetryBudget): %v", err)
	}
	if c.budget != nil {
		t.Errorf("WithRetryBudget(NoRetryBudget): budget %v; want none", c.budget)
	}
}
