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
// for one request, across restarts; package config reads agent.yaml. The
// loop that watches the coordinator comes with the coordinator's API.
package signeragent
