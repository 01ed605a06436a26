package dev.jarl.channel;

import java.nio.ByteBuffer;

import dev.jarl.term.DecodeLimits;
import dev.jarl.term.Term;
import dev.jarl.term.TermDecodeException;
import dev.jarl.term.TermReader;
import dev.jarl.term.TermWriter;

/**
 * The bytes of one distribution packet after the handshake (without the carrier's length
 * prefix): the distribution header, the control tuple, and the payload if any
 * ({@code erl_ext_dist.md}, "Distribution Header"; PROTOCOL.md section 4).
 *
 * <pre>
 * pass-through:   | 112 | 131 Control | [131 Payload] |
 * normal header:  | 131 | 68 | N=0 | Control | [Payload] |        (terms without 131)
 * </pre>
 *
 * <p>Pass-through is written when neither FRAGMENTS nor DIST_HDR_ATOM_CACHE was agreed;
 * otherwise the normal header with no atom-cache references ({@code N = 0}), which a peer
 * that agreed either flag must accept. Both forms are read. A normal header with atom-cache
 * references ({@code N > 0}) and the fragment headers (69, 70) are refused with a clear
 * reason: Jarl offers neither flag, so a peer that sends them broke the agreement.
 *
 * <p>An empty packet is a tick and never reaches this codec.
 */
public final class DistPacket {

    /** First byte of a pass-through packet. */
    public static final int PASS_THROUGH = 112;
    /** The external-format version byte. */
    public static final int VERSION = 131;
    /** Normal distribution header tag (after 131). */
    public static final int DIST_HEADER = 68;
    /** Fragment header tag: first fragment. */
    public static final int DIST_FRAG_HEADER = 69;
    /** Fragment header tag: continuation. */
    public static final int DIST_FRAG_CONT = 70;

    private DistPacket() {
    }

    /**
     * Encodes {@code message} as one packet.
     *
     * @param message   the control message (and its payload)
     * @param useHeader true to write the normal header ({@code 131,68,0}), false for pass-through
     * @return a buffer whose position..limit is the packet
     */
    public static ByteBuffer encode(ControlMessage message, boolean useHeader) {
        Term payload = message.payload();
        TermWriter w = new TermWriter(payload == null ? 64 : 256);
        if (useHeader) {
            w.writeByte(VERSION);
            w.writeByte(DIST_HEADER);
            w.writeByte(0);
            w.write(message.control());
            if (payload != null) {
                w.write(payload);
            }
        } else {
            w.writeByte(PASS_THROUGH);
            w.writeVersion();
            w.write(message.control());
            if (payload != null) {
                w.writeVersion();
                w.write(payload);
            }
        }
        return ByteBuffer.wrap(w.buffer(), 0, w.size());
    }

    private static TermReader reader(byte[] data, int off, int len, DecodeLimits limits) {
        return new TermReader(data, off, len, limits);
    }

    /**
     * Decodes one non-empty packet.
     *
     * @throws DistProtocolException.UnknownOperation for an operation number this node does
     *                                                not know (not fatal)
     * @throws DistProtocolException                  for anything malformed (fatal to the
     *                                                connection)
     */
    public static ControlMessage decode(ByteBuffer packet, DecodeLimits limits) throws DistProtocolException {
        byte[] data;
        int off;
        int len = packet.remaining();
        if (packet.hasArray()) {
            data = packet.array();
            off = packet.arrayOffset() + packet.position();
        } else {
            data = new byte[len];
            packet.duplicate().get(data);
            off = 0;
        }
        if (len == 0) {
            throw new DistProtocolException("distribution packet: empty (expected: a tick is not decoded)");
        }
        try {
            TermReader r;
            int first = data[off] & 0xFF;
            Term control = null;
            Term payload = null;
            if (first == PASS_THROUGH) {
                r = reader(data, off + 1, len - 1, limits);
                r.readVersion();
                control = r.read();
                if (r.remaining() > 0) {
                    r.readVersion();
                    payload = r.read();
                }
            } else if (first == VERSION) {
                if (len < 2) {
                    throw new DistProtocolException("distribution header: truncated after 131 at offset 1");
                }
                int tag = data[off + 1] & 0xFF;
                switch (tag) {
                    case DIST_HEADER -> {
                        if (len < 3) {
                            throw new DistProtocolException("distribution header: truncated after 131,68 at offset 2");
                        }
                        int refs = data[off + 2] & 0xFF;
                        if (refs != 0) {
                            throw new DistProtocolException("distribution header atom-cache references: " + refs
                                    + " (expected: 0, DIST_HDR_ATOM_CACHE was not agreed) at offset 2");
                        }
                        r = reader(data, off + 3, len - 3, limits);
                        control = r.read();
                        if (r.remaining() > 0) {
                            payload = r.read();
                        }
                    }
                    case DIST_FRAG_HEADER, DIST_FRAG_CONT -> throw new DistProtocolException(
                            "distribution header: fragment tag " + tag + " (expected: 68, FRAGMENTS was not agreed) at offset 1");
                    default -> throw new DistProtocolException(
                            "distribution header tag: " + tag + " (expected: 68) at offset 1");
                }
            } else {
                throw new DistProtocolException("distribution packet first byte: " + first
                        + " (expected: 112 pass-through or 131 header) at offset 0");
            }
            if (r.remaining() != 0) {
                throw new DistProtocolException("distribution packet: " + r.remaining()
                        + " bytes after the payload (expected: none)");
            }
            return ControlMessage.decode(control, payload);
        } catch (TermDecodeException e) {
            throw new DistProtocolException("distribution packet term: " + e.getMessage(), e);
        }
    }
}
