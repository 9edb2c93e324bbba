// Package signeragent is the signer agent that runs next to owners' and
// functionaries' keys: it watches the coordinator for requests its keys may
// sign, decides by its own local policy (package policy), signs through
// the keystore and submits the signature. Today it holds the policy
// engine; the agent loop comes with the coordinator's API.
package signeragent
