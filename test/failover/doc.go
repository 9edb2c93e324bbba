// Package failover tests a signer agent against a coordinator cluster of
// separate processes (signet coordinator, signet agent run) through
// faults: the leader killed with SIGKILL while the agent works, and the
// agent restarted, which must not sign anything twice.
package failover
