package signeragent

import (
	"context"
	"testing"

	"github.com/signet-dev/signet/coordinator/api"
	"github.com/signet-dev/signet/coordinator/client"
	"github.com/signet-dev/signet/signer-agent/journal"
	"github.com/signet-dev/signet/signer-agent/policy"
)

// localState is what an agent keeps on its host: its policy (YAML), and
// a journal and approvals in a fresh state directory.
func localState(tb testing.TB, policyYAML string) (*policy.Policy, *journal.Journal, *Approvals) {
	tb.Helper()
	pol, err := policy.Load([]byte(policyYAML))
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	j, err := journal.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { j.Close() })
	ap, err := NewApprovals(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return pol, j, ap
}

// newToken creates an API token for identity and returns its secret.
func newToken(tb testing.TB, admin *client.Client, identity string, scopes ...string) string {
	tb.Helper()
	tok, err := admin.CreateToken(context.Background(), api.CreateTokenBody{Name: identity, Identity: identity, Scopes: scopes})
	if err != nil {
		tb.Fatal(err)
	}
	return tok.Secret
}
