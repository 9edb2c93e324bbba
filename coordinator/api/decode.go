package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// decodeBody reads one JSON object strictly: the body limit set by the
// route, no unknown fields, nothing after the object.
func decodeBody(r *http.Request, v any) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fmt.Errorf("%w: request body is over %d bytes", ErrTooLarge, mbe.Limit)
		}
		return fmt.Errorf("%w: reading the request body: %v", ErrBadRequest, err)
	}
	return DecodeJSON(data, v)
}

// DecodeJSON decodes data into v strictly: exactly one JSON object, no
// unknown fields, nothing after it. The error says which field was wrong.
func DecodeJSON(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return fmt.Errorf("%w: empty body; send a JSON object", ErrBadRequest)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: request body: %v", ErrBadRequest, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: request body: data after the JSON object", ErrBadRequest)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(ErrorBody{Error: "encoding the response failed", Code: "internal"})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func writeError(w http.ResponseWriter, err error) {
	status, code := StatusOf(err)
	msg := err.Error()
	if status == http.StatusInternalServerError {
		msg = "internal error"
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="signet"`)
	}
	writeJSON(w, status, ErrorBody{Error: msg, Code: code})
}

// writeResult answers a write: 201 when something changed on a create,
// 200 otherwise (an idempotent retry says changed=false).
func writeResult(w http.ResponseWriter, res WriteResult, created bool) {
	status := http.StatusOK
	if created && res.Changed {
		status = http.StatusCreated
	}
	w.Header().Set(IndexHeader, strconv.FormatUint(res.Index, 10))
	writeJSON(w, status, res)
}
