// Package settings reads the in-toto reference implementation's user
// settings for the drop-in recording tools: environment variables with the
// prefix IN_TOTO_ and INI-style rc files (/etc/in_toto/config,
// ~/.in_totorc, ./.in_totorc and the others the reference reads). Only the
// reference's whitelisted settings are used: ARTIFACT_EXCLUDE_PATTERNS,
// ARTIFACT_BASE_PATH and LINK_CMD_EXEC_TIMEOUT. rc files take precedence
// over the environment, and command-line flags over both, as in the
// reference. Values containing colons are lists split at the colons.
//
// This package lives under cmd/ because only cmd/ reads the environment
// and configuration files; it receives both explicitly (Source) so that
// tests need neither a real home directory nor t.Setenv.
package settings
