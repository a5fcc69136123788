/**
 * The peer wire format: frames as one compact JSON object with an optional HMAC, their encoding, the fast and the
 * general decoding path (which accept and refuse the same frames), and the nonces they carry.
 */
package io.vigil.peer.wire;
