// Package signeragent is the signer agent that runs next to owners' and
// functionaries' keys: it watches the coordinator for requests its keys may
// sign, decides by its own local policy (package policy), signs through
// the keystore and submits the signature.
//
// Prepare is the agent's first line of defence: it decodes the request's
// payload strictly as the kind it claims to be, computes the exact bytes
// to sign (DSSE PAE, and the canonical JSON that legacy metablock
// signatures cover) and the facts the local policy decides on — from the
// payload and the last released layout, never from the coordinator's
// description. Package journal makes sure a key never signs two payloads
// for one request, across restarts; package config reads agent.yaml.
//
// Agent.Run is the loop: blocking queries to the coordinator (failing
// over between nodes, backing off on errors and asking again from the
// last index it fully answered), the policy's decision per request and
// key, signing or rejecting, and manual approvals through Approvals.
// A key store failure (ErrSigning: a device removed, Vault unreachable
// or denied) fails neither the step nor the other keys: it is logged
// once per distinct error with its class and what to do, counted in
// Metrics, and the (request, key) is tried again after a backoff that
// doubles from 1 s to Options.Backoff.
package signeragent
