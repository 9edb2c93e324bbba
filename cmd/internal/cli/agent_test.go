package cli

import (
	"strings"
	"testing"
	"time"

	signeragent "github.com/signet-dev/signet/signer-agent"
)

func TestAgentApprovalCommands(t *testing.T) {
	dir := t.TempDir()
	a, err := signeragent.NewApprovals(dir)
	if err != nil {
		t.Fatal(err)
	}
	digest := strings.Repeat("ab", 32)
	if err := a.Add(signeragent.Pending{RequestID: "r1", KeyID: "0123456789abcdef", Kind: "layout", Digest: digest,
		Rule: "owner-layouts", Since: time.Now(), Description: "layout expires 2027-01-01\n"}); err != nil {
		t.Fatal(err)
	}
	id := signeragent.PendingID("r1", "0123456789abcdef")
	if r := runCLI(t, "", "agent", "--state-dir", dir, "pending"); r.code != 0 || !strings.Contains(r.stdout, id) {
		t.Fatalf("pending: %+v", r)
	}
	if r := runCLI(t, "", "agent", "--state-dir", dir, "show", id); r.code != 0 || !strings.Contains(r.stdout, "layout expires") ||
		!strings.Contains(r.stdout, "--digest "+digest[:16]) {
		t.Fatalf("show: %+v", r)
	}
	if r := runCLI(t, "", "agent", "--state-dir", dir, "approve", id, "--digest", "abab"); r.code != 2 {
		t.Fatalf("a too short digest: %+v", r)
	}
	if r := runCLI(t, "", "agent", "--state-dir", dir, "approve", id, "--digest", "cdcdcdcdcdcdcd"); r.code != 1 || !strings.Contains(r.stderr, "changed since you looked") {
		t.Fatalf("a wrong digest: %+v", r)
	}
	if r := runCLI(t, "", "agent", "--state-dir", dir, "reject", id, "--digest", digest[:16]); r.code != 2 {
		t.Fatalf("reject without a reason: %+v", r)
	}
	if r := runCLI(t, "", "agent", "--state-dir", dir, "approve", id, "--digest", digest[:16]); r.code != 0 {
		t.Fatalf("approve: %+v", r)
	}
	v, ok, err := a.Verdict("r1", "0123456789abcdef")
	if err != nil || !ok || !v.Approve || v.Digest != digest {
		t.Fatalf("verdict = %+v, %v, %v", v, ok, err)
	}
	if r := runCLI(t, "", "agent", "--state-dir", dir, "show", "../../etc/passwd"); r.code == 0 {
		t.Fatalf("a path as id: %+v", r)
	}
}
