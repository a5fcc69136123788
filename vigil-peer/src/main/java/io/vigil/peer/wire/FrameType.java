package io.vigil.peer.wire;

/** Kinds of frames on the wire. */
public enum FrameType {
    /** TCP handshake: first frame of each side on a connection, carrying its fresh nonce. */
    HELLO("hello"),
    /** Periodic heartbeat (TCP: must echo the receiver's nonce; multicast: carries the sender's leadership claim). */
    HEARTBEAT("hb");

    private final String wireName;

    FrameType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    static FrameType fromWire(String name) {
        for (FrameType t : values()) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        return null;
    }
}
