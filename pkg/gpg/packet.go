package gpg

import (
	"encoding/binary"
	"fmt"
)

// OpenPGP packet tags (RFC 4880 §4.3) this package reads.
const (
	tagSignature     = 2
	tagPublicKey     = 6
	tagUserID        = 13
	tagPublicSubkey  = 14
	tagUserAttribute = 17
)

// maxPacketLen bounds one packet body (far above any key or signature).
const maxPacketLen = 16 << 20

// packet is one OpenPGP packet.
type packet struct {
	tag  byte
	body []byte
}

// readPacket splits the first packet off data (RFC 4880 §4.2, old and
// new format headers). Partial and indeterminate lengths, which gpg does
// not use for keys and signatures, are refused.
func readPacket(data []byte) (packet, []byte, error) {
	if len(data) == 0 {
		return packet{}, nil, fmt.Errorf("%w: no packet", ErrMalformed)
	}
	b := data[0]
	if b&0x80 == 0 {
		return packet{}, nil, fmt.Errorf("%w: packet header octet %#02x lacks bit 7 (is this ASCII armor? gpg.conf must not set 'armor')", ErrMalformed, b)
	}
	var tag byte
	var n, hdr int
	var err error
	if b&0x40 != 0 {
		tag = b & 0x3f
		n, hdr, err = newFormatLength(data[1:])
	} else {
		tag = (b >> 2) & 0x0f
		n, hdr, err = oldFormatLength(b&0x03, data[1:])
	}
	if err != nil {
		return packet{}, nil, err
	}
	rest := data[1+hdr:]
	if n < 0 || n > len(rest) || n > maxPacketLen {
		return packet{}, nil, fmt.Errorf("%w: packet (tag %d) of %d bytes is truncated to %d", ErrMalformed, tag, n, len(rest))
	}
	return packet{tag: tag, body: rest[:n]}, rest[n:], nil
}

// newFormatLength decodes a new-format body length; it returns the length
// and the number of length octets.
func newFormatLength(d []byte) (int, int, error) {
	if len(d) < 1 {
		return 0, 0, fmt.Errorf("%w: packet length missing", ErrMalformed)
	}
	switch l0 := int(d[0]); {
	case l0 < 192:
		return l0, 1, nil
	case l0 < 224:
		if len(d) < 2 {
			return 0, 0, fmt.Errorf("%w: packet length truncated", ErrMalformed)
		}
		return (l0-192)<<8 + int(d[1]) + 192, 2, nil
	case l0 == 255:
		if len(d) < 5 {
			return 0, 0, fmt.Errorf("%w: packet length truncated", ErrMalformed)
		}
		return int(binary.BigEndian.Uint32(d[1:5])), 5, nil
	}
	return 0, 0, fmt.Errorf("%w: partial body lengths", ErrUnsupported)
}

// oldFormatLength decodes an old-format body length of the given type.
func oldFormatLength(lenType byte, d []byte) (int, int, error) {
	size := map[byte]int{0: 1, 1: 2, 2: 4}[lenType]
	if size == 0 {
		return 0, 0, fmt.Errorf("%w: packets of indeterminate length", ErrUnsupported)
	}
	if len(d) < size {
		return 0, 0, fmt.Errorf("%w: packet length truncated", ErrMalformed)
	}
	var n uint64
	for _, c := range d[:size] {
		n = n<<8 | uint64(c)
	}
	if n > maxPacketLen {
		return 0, 0, fmt.Errorf("%w: packet length %d is too large", ErrMalformed, n)
	}
	return int(n), size, nil
}

// reader consumes a packet body front to back; the first problem sticks.
type reader struct {
	d   []byte
	err error
	// what names the structure being read, for errors.
	what string
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s: %s", ErrMalformed, r.what, fmt.Sprintf(format, args...))
	}
}

// bytes takes the next n bytes (nil after a failure).
func (r *reader) bytes(n int, field string) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.d) {
		r.fail("%s truncated", field)
		return nil
	}
	b := r.d[:n]
	r.d = r.d[n:]
	return b
}

func (r *reader) byte(field string) byte {
	if b := r.bytes(1, field); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) uint16(field string) int {
	if b := r.bytes(2, field); b != nil {
		return int(binary.BigEndian.Uint16(b))
	}
	return 0
}

func (r *reader) uint32(field string) uint32 {
	if b := r.bytes(4, field); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

// mpi reads a multiprecision integer (RFC 4880 §3.2): a two-octet bit
// count, then the big-endian bytes.
func (r *reader) mpi(field string) []byte {
	bits := r.uint16(field)
	return r.bytes((bits+7)/8, field)
}

// end fails if bytes are left over.
func (r *reader) end() {
	if r.err == nil && len(r.d) != 0 {
		r.fail("%d unexpected trailing bytes", len(r.d))
	}
}

// subpacket is one signature subpacket (RFC 4880 §5.2.3.1).
type subpacket struct {
	typ      byte // without the critical bit
	critical bool
	data     []byte
}

// Signature subpacket types used here.
const (
	subCreationTime      = 2
	subKeyExpiration     = 9
	subIssuer            = 16
	subPrimaryUserID     = 25
	subIssuerFingerprint = 33
)

// parseSubpackets splits a subpacket area.
func parseSubpackets(area []byte, what string) ([]subpacket, error) {
	var out []subpacket
	for len(area) > 0 {
		n, hdr, err := subpacketLength(area)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, what, err)
		}
		if n == 0 || n > len(area)-hdr {
			return nil, fmt.Errorf("%w: %s: subpacket of length %d does not fit in the %d bytes left", ErrMalformed, what, n, len(area)-hdr)
		}
		body := area[hdr : hdr+n]
		out = append(out, subpacket{typ: body[0] & 0x7f, critical: body[0]&0x80 != 0, data: body[1:]})
		area = area[hdr+n:]
	}
	return out, nil
}

// subpacketLength decodes a subpacket length (which counts the type octet).
func subpacketLength(d []byte) (int, int, error) {
	switch l0 := int(d[0]); {
	case l0 < 192:
		return l0, 1, nil
	case l0 < 255:
		if len(d) < 2 {
			return 0, 0, fmt.Errorf("subpacket length truncated")
		}
		return (l0-192)<<8 + int(d[1]) + 192, 2, nil
	}
	if len(d) < 5 {
		return 0, 0, fmt.Errorf("subpacket length truncated")
	}
	n := binary.BigEndian.Uint32(d[1:5])
	if n > maxPacketLen {
		return 0, 0, fmt.Errorf("subpacket length %d is too large", n)
	}
	return int(n), 5, nil
}
