// Package progress draws a one-line progress bar for long artifact
// recordings on a terminal. It stays silent for recordings that finish
// within a short delay and when the output is not a terminal, so scripted
// use and logs are never cluttered.
package progress
