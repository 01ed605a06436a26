package dev.jarl.channel;

import java.nio.ByteBuffer;
import java.util.List;

import dev.jarl.term.Atom;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.Term;
import dev.jarl.term.TermDecodeException;
import dev.jarl.term.TermReader;
import dev.jarl.term.TermWriter;

/**
 * The bytes of distribution packets after the handshake (without the carrier's length
 * prefix): the distribution header, the control tuple, and the payload if any
 * ({@code erl_ext_dist}, "Distribution Header"; PROTOCOL.md section 4).
 *
 * <pre>
 * pass-through:    | 112 | 131 Control | [131 Payload] |
 * normal header:   | 131 | 68 | N | [Flags Refs] | Control | [Payload] |          (terms without 131)
 * first fragment:  | 131 | 69 | SeqId:8 | FragId:8 | N | [Flags Refs] | Control | [start of Payload] |
 * continuation:    | 131 | 70 | SeqId:8 | FragId:8 | more Payload |
 * </pre>
 *
 * <p>Pass-through is written when neither FRAGMENTS nor DIST_HDR_ATOM_CACHE was agreed;
 * otherwise the normal header, with atom-cache references ({@link AtomCacheOut}) when
 * DIST_HDR_ATOM_CACHE was agreed and {@code N = 0} when only FRAGMENTS was.
 *
 * <p>Sending is two steps: {@link #encode(ControlMessage, Form)} encodes the terms on the
 * sender's thread into an {@link Encoded}, leaving room in front for the header; when the
 * message leaves, the connection's output party writes the header
 * ({@link #packet}, or {@link #firstFragment} and {@link #continuation} for a message over
 * {@link #FRAGMENT_SIZE}), so the atom cache sees messages in the order the peer will.
 * Most packets then need no copy of their terms.
 *
 * <p>Receiving: {@link #decode(ByteBuffer, DecodeLimits, AtomCacheIn)} reads pass-through
 * and normal-header packets; fragments are reassembled by {@link DistConnection} and read
 * with {@link #decodeBody}.
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
    /** Most bytes of terms in one fragment (the control message may make a first fragment longer). */
    public static final int FRAGMENT_SIZE = 64 * 1024;
    /** Bytes of a fragment header before the atom cache part: 131, tag, SeqId, FragId. */
    static final int FRAGMENT_PREFIX = 18;
    /** Room left in front of an encoded body, so that most headers fit without a copy. */
    static final int RESERVE = 64;

    /** How a connection frames its packets, from the flags it agreed. */
    public enum Form {
        /** Neither FRAGMENTS nor DIST_HDR_ATOM_CACHE: {@code 112, 131 Control, 131 Payload}. */
        PASS_THROUGH,
        /** FRAGMENTS only: the normal header with {@code N = 0}. */
        HEADER,
        /** DIST_HDR_ATOM_CACHE: the normal header with atom-cache references. */
        ATOM_CACHE
    }

    private DistPacket() {
    }

    /**
     * One message encoded on the sender's thread. For {@link Form#PASS_THROUGH} the whole
     * packet; otherwise the control and payload terms, with {@link #RESERVE} bytes free in
     * front of them for the header, and the atoms the terms refer to by cache reference.
     */
    public static final class Encoded {
        final byte[] buf;
        final int start;
        final int controlEnd;
        final int end;
        final AtomCacheOut.Refs refs;
        final boolean passThrough;

        Encoded(byte[] buf, int start, int controlEnd, int end, AtomCacheOut.Refs refs, boolean passThrough) {
            this.buf = buf;
            this.start = start;
            this.controlEnd = controlEnd;
            this.end = end;
            this.refs = refs;
            this.passThrough = passThrough;
        }

        /** Bytes of terms (of the whole packet for pass-through). */
        public int size() {
            return end - start;
        }

        /** True when the message must go out in fragments (when the peer agreed FRAGMENTS). */
        public boolean large() {
            return !passThrough && end - start > FRAGMENT_SIZE;
        }

        /** The number of fragments {@link #large()} message takes. */
        long fragments() {
            int first = firstChunkEnd() - start;
            return 1 + (end - start - first + FRAGMENT_SIZE - 1) / FRAGMENT_SIZE;
        }

        int firstChunkEnd() {
            return Math.min(end, Math.max(start + FRAGMENT_SIZE, controlEnd));
        }
    }

    /** Encodes {@code message}'s terms for a connection of the given form (on the caller's thread). */
    public static Encoded encode(ControlMessage message, Form form) {
        Term payload = message.payload();
        TermWriter w = new TermWriter(payload == null ? 128 : 192);
        if (form == Form.PASS_THROUGH) {
            w.writeByte(PASS_THROUGH);
            w.writeVersion();
            w.write(message.control());
            int controlEnd = w.size();
            if (payload != null) {
                w.writeVersion();
                w.write(payload);
            }
            return new Encoded(w.buffer(), 0, controlEnd, w.size(), null, true);
        }
        w.skip(RESERVE);
        AtomCacheOut.Refs refs = null;
        if (form == Form.ATOM_CACHE) {
            refs = new AtomCacheOut.Refs();
            w.atomRefs(refs);
        }
        w.write(message.control());
        int controlEnd = w.size();
        if (payload != null) {
            w.write(payload);
        }
        return new Encoded(w.buffer(), RESERVE, controlEnd, w.size(), refs, false);
    }

    /**
     * Encodes {@code message} as one packet; atom-cache references are never used.
     *
     * @param useHeader true to write the normal header ({@code 131,68,0}), false for pass-through
     * @return a buffer whose position..limit is the packet
     */
    public static ByteBuffer encode(ControlMessage message, boolean useHeader) {
        Encoded e = encode(message, useHeader ? Form.HEADER : Form.PASS_THROUGH);
        return packet(e, null, new TermWriter(16));
    }

    /**
     * The whole packet for {@code e}, writing its header with (and into) {@code cache}.
     * {@code scratch} is the output party's own writer for headers.
     */
    static ByteBuffer packet(Encoded e, AtomCacheOut cache, TermWriter scratch) {
        if (e.passThrough) {
            return ByteBuffer.wrap(e.buf, e.start, e.end - e.start);
        }
        scratch.reset();
        scratch.writeByte(VERSION);
        scratch.writeByte(DIST_HEADER);
        header(e, cache, scratch);
        return join(scratch, e.buf, e.start, e.end, true);
    }

    /** The first of {@code e.fragments()} fragments of sequence {@code seq}; ends at {@link Encoded#firstChunkEnd()}. */
    static ByteBuffer firstFragment(Encoded e, long seq, AtomCacheOut cache, TermWriter scratch) {
        scratch.reset();
        scratch.writeByte(VERSION);
        scratch.writeByte(DIST_FRAG_HEADER);
        scratch.writeLong(seq);
        scratch.writeLong(e.fragments());
        header(e, cache, scratch);
        return join(scratch, e.buf, e.start, e.firstChunkEnd(), false);
    }

    /**
     * As {@link #firstFragment}, as two buffers added to {@code into} (the header, and the
     * message's own bytes without a copy); returns the packet's length.
     */
    static int firstFragment(Encoded e, long seq, AtomCacheOut cache, TermWriter scratch, List<ByteBuffer> into) {
        scratch.reset();
        scratch.writeByte(VERSION);
        scratch.writeByte(DIST_FRAG_HEADER);
        scratch.writeLong(seq);
        scratch.writeLong(e.fragments());
        header(e, cache, scratch);
        into.add(ByteBuffer.wrap(scratch.toByteArray()));
        into.add(ByteBuffer.wrap(e.buf, e.start, e.firstChunkEnd() - e.start));
        return scratch.size() + e.firstChunkEnd() - e.start;
    }

    /** As {@link #continuation}, as a header buffer and the message's own bytes; returns the length. */
    static int continuation(Encoded e, long seq, long fragId, int from, int to, List<ByteBuffer> into) {
        ByteBuffer h = ByteBuffer.allocate(FRAGMENT_PREFIX);
        h.put((byte) VERSION).put((byte) DIST_FRAG_CONT).putLong(seq).putLong(fragId);
        into.add(h.flip());
        into.add(ByteBuffer.wrap(e.buf, from, to - from));
        return FRAGMENT_PREFIX + to - from;
    }

    /** Continuation {@code fragId} of sequence {@code seq}: the terms' bytes {@code from..to}. */
    static ByteBuffer continuation(Encoded e, long seq, long fragId, int from, int to) {
        ByteBuffer b = ByteBuffer.allocate(FRAGMENT_PREFIX + to - from);
        b.put((byte) VERSION).put((byte) DIST_FRAG_CONT).putLong(seq).putLong(fragId);
        b.put(e.buf, from, to - from);
        return b.flip();
    }

    private static void header(Encoded e, AtomCacheOut cache, TermWriter out) {
        if (cache == null || e.refs == null) {
            out.writeByte(0);
        } else {
            cache.writeHeader(e.refs, out);
        }
    }

    /**
     * The header in {@code head} followed by {@code buf[from..to)}: in place, in the room left
     * in front, when it fits and {@code inPlace} allows, else copied into a new buffer.
     */
    private static ByteBuffer join(TermWriter head, byte[] buf, int from, int to, boolean inPlace) {
        int h = head.size();
        if (inPlace && h <= from) {
            System.arraycopy(head.buffer(), 0, buf, from - h, h);
            return ByteBuffer.wrap(buf, from - h, to - from + h);
        }
        byte[] out = new byte[h + to - from];
        System.arraycopy(head.buffer(), 0, out, 0, h);
        System.arraycopy(buf, from, out, h, to - from);
        return ByteBuffer.wrap(out);
    }

    /**
     * Decodes one non-empty packet without an atom cache (references are refused) and
     * without fragments.
     *
     * @see #decode(ByteBuffer, DecodeLimits, AtomCacheIn)
     */
    public static ControlMessage decode(ByteBuffer packet, DecodeLimits limits) throws DistProtocolException {
        return decode(packet, limits, null);
    }

    /**
     * Decodes one non-empty pass-through or normal-header packet. Fragment headers are refused
     * here: the connection reassembles them.
     *
     * @param cache the connection's input atom cache, or null when DIST_HDR_ATOM_CACHE was
     *              not agreed (then a header with references is refused)
     * @throws DistProtocolException.UnknownOperation for an operation number this node does
     *                                                not know (not fatal)
     * @throws DistProtocolException                  for anything malformed (fatal to the
     *                                                connection)
     */
    public static ControlMessage decode(ByteBuffer packet, DecodeLimits limits, AtomCacheIn cache)
            throws DistProtocolException {
        return decode(packet, limits, cache, false);
    }

    /**
     * As {@link #decode(ByteBuffer, DecodeLimits, AtomCacheIn)}; {@code copyBinaries} true copies
     * every binary out of the packet (for a buffer that is reused), false shares the packet's
     * array with them.
     */
    public static ControlMessage decode(ByteBuffer packet, DecodeLimits limits, AtomCacheIn cache,
                                        boolean copyBinaries) throws DistProtocolException {
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
            int first = data[off] & 0xFF;
            if (first == PASS_THROUGH) {
                TermReader r = new TermReader(data, off + 1, len - 1, limits);
                r.copyBinaries(copyBinaries);
                r.readVersion();
                Term control = r.read();
                Term payload = null;
                if (r.remaining() > 0) {
                    r.readVersion();
                    payload = r.read();
                }
                return finish(r, control, payload);
            }
            if (first != VERSION) {
                throw new DistProtocolException("distribution packet first byte: " + first
                        + " (expected: 112 pass-through or 131 header) at offset 0");
            }
            if (len < 2) {
                throw new DistProtocolException("distribution header: truncated after 131 at offset 1");
            }
            int tag = data[off + 1] & 0xFF;
            if (tag == DIST_FRAG_HEADER || tag == DIST_FRAG_CONT) {
                throw new DistProtocolException("distribution header: fragment tag " + tag
                        + " (expected: 68; fragments are reassembled by the connection) at offset 1");
            }
            if (tag != DIST_HEADER) {
                throw new DistProtocolException("distribution header tag: " + tag + " (expected: 68) at offset 1");
            }
            TermReader r = new TermReader(data, off + 2, len - 2, limits);
            r.copyBinaries(copyBinaries);
            Atom[] refs = AtomCacheIn.readHeader(cache, r);
            return body(r, refs);
        } catch (TermDecodeException e) {
            throw new DistProtocolException("distribution packet term: " + e.getMessage(), e);
        }
    }

    /**
     * Decodes the control and payload terms of a reassembled fragmented message:
     * {@code data[off..off+len)} is everything after the first fragment's header.
     *
     * @param refs         the atoms of that header's references
     * @param copyBinaries true to copy binaries out of {@code data}, false to share it
     */
    static ControlMessage decodeBody(byte[] data, int off, int len, Atom[] refs, DecodeLimits limits,
                                     boolean copyBinaries) throws DistProtocolException {
        try {
            TermReader r = new TermReader(data, off, len, limits);
            r.copyBinaries(copyBinaries);
            return body(r, refs);
        } catch (TermDecodeException e) {
            throw new DistProtocolException("distribution packet term: " + e.getMessage(), e);
        }
    }

    private static ControlMessage body(TermReader r, Atom[] refs) throws DistProtocolException {
        if (refs.length > 0) {
            r.setAtomCache(refs);
        }
        Term control = r.read();
        Term payload = r.remaining() > 0 ? r.read() : null;
        return finish(r, control, payload);
    }

    private static ControlMessage finish(TermReader r, Term control, Term payload) throws DistProtocolException {
        if (r.remaining() != 0) {
            throw new DistProtocolException("distribution packet: " + r.remaining()
                    + " bytes after the payload (expected: none)");
        }
        return ControlMessage.decode(control, payload);
    }
}
