/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import java.nio.ByteBuffer;
import java.util.List;

import dev.jarl.term.Atom;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.Term;
import dev.jarl.term.TermDecodeException;
import dev.jarl.term.TermReader;
import dev.jarl.term.TermWriter;
import dev.jarl.term.Tuple;

/**
 * The bytes of distribution packets after the handshake (without the carrier's length
 * prefix): the distribution header, the control tuple, and the payload if any
 * ({@code erl_ext_dist}, "Distribution Header").
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
 * <p>Sending is two steps: {@link #encode(Tuple, Term, Form)} encodes the terms on the
 * sender's thread into an {@link Encoded}, leaving room in front for the header; when the
 * message leaves, the connection's output party writes the header
 * ({@link #packet}, or {@link #firstFragment} and {@link #continuation} for a message over
 * {@link #FRAGMENT_SIZE}), so the atom cache sees messages in the order the peer will.
 * Most packets then need no copy of their terms. Binaries of at least {@link #REFERENCE_MIN}
 * bytes in a payload are not copied either: the encoding refers to them
 * ({@link TermWriter#referenceBinaries}) and a gathering carrier writes views on them (an
 * off-heap binary's views are direct, so a socket takes them without the JDK's copy of a heap
 * buffer into native memory); only a carrier that takes whole packets
 * ({@link dev.jarl.carrier.DistChannel#getData()}) gets them copied, once, when the packet leaves.
 *
 * <p>Receiving: {@link #decode(ByteBuffer, DecodeLimits, AtomCacheIn)} reads pass-through
 * and normal-header packets into {@link Signal}s ({@link SignalCodec}); fragments are
 * reassembled by the connection's {@link Reassembler} and read with {@link #decodeBody}.
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
    /**
     * Most bytes of terms in one fragment (the control message may make a first fragment
     * longer). 256 KiB, not the BEAM's 64 KiB: an Erlang node took a flood of 1 MiB messages
     * from Jarl at 1 100 to 1 400 MB/s in 17 packets each and at 2 200 to 2 600 MB/s in 5
     * (issue 22, docs/benchmarks.md). The output thread writes at most about
     * {@code OUTPUT_LIMIT} (1 MiB) per batch either way, so a small message queued behind a
     * large one still waits for one batch at most, now up to one fragment longer.
     */
    public static final int FRAGMENT_SIZE = 256 * 1024;
    /** Bytes of a fragment header before the atom cache part: 131, tag, SeqId, FragId. */
    static final int FRAGMENT_PREFIX = 18;
    /**
     * Binaries of at least this many bytes in a payload are encoded by reference: the packet
     * leaves as a gathering write of views on them, with no copy on the sender's thread.
     */
    static final int REFERENCE_MIN = 8 * 1024;
    /** The largest encoded message. */
    static final int MAX_MESSAGE = Integer.MAX_VALUE - 8;
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
        /** The end, counting the bytes of binaries written by reference (offsets are so counted). */
        final int end;
        final AtomCacheOut.Refs refs;
        final boolean passThrough;
        /** The buffer's own end. */
        private final int bufEnd;
        /** Binaries written by reference: the buffer position each follows, its offset in the message, its bytes. */
        private final int[] insertAt;
        private final int[] insertOffset;
        private final ByteBuffer[] inserts;

        /** From {@code w}, whose binaries past {@code controlEnd} may be references. */
        Encoded(TermWriter w, int start, int controlEnd, AtomCacheOut.Refs refs, boolean passThrough) {
            this.buf = w.buffer();
            this.start = start;
            this.controlEnd = controlEnd;
            this.refs = refs;
            this.passThrough = passThrough;
            this.bufEnd = w.size();
            int n = w.references();
            if (n == 0) {
                this.end = bufEnd;
                this.insertAt = null;
                this.insertOffset = null;
                this.inserts = null;
                return;
            }
            long total = bufEnd + w.referencedBytes();
            if (total > MAX_MESSAGE) {
                throw new IllegalArgumentException("message: " + total + " bytes encoded (expected: at most "
                        + MAX_MESSAGE + ")");
            }
            this.end = (int) total;
            this.insertAt = new int[n];
            this.insertOffset = new int[n];
            this.inserts = new ByteBuffer[n];
            int shift = 0;
            for (int i = 0; i < n; i++) {
                insertAt[i] = w.referenceAt(i);
                insertOffset[i] = insertAt[i] + shift;
                inserts[i] = w.reference(i);
                shift += inserts[i].remaining();
            }
        }

        /** True when some bytes are not in {@link #buf} but referenced. */
        boolean gathered() {
            return inserts != null;
        }

        /**
         * Adds the message's bytes {@code from..to} (offsets counting referenced bytes) to
         * {@code into} as views, without a copy.
         */
        void window(int from, int to, List<ByteBuffer> into) {
            if (inserts == null) {
                into.add(ByteBuffer.wrap(buf, from, to - from));
                return;
            }
            int at = from;
            while (at < to) {
                int i = insertBefore(at);
                int n;
                if (i >= 0 && at < insertOffset[i] + inserts[i].remaining()) {
                    int off = at - insertOffset[i];
                    n = Math.min(to - at, inserts[i].remaining() - off);
                    into.add(inserts[i].slice(off, n));
                } else {
                    int p = i < 0 ? at : at - insertOffset[i] - inserts[i].remaining() + insertAt[i];
                    int segmentEnd = i + 1 < inserts.length ? insertAt[i + 1] : bufEnd;
                    n = Math.min(to - at, segmentEnd - p);
                    into.add(ByteBuffer.wrap(buf, p, n));
                }
                if (n <= 0) {
                    throw new IllegalStateException("encoded message: empty piece at offset " + at);
                }
                at += n;
            }
        }

        /** Copies the message's bytes {@code from..to} into {@code dst} at {@code dstOff}. */
        void copy(int from, int to, byte[] dst, int dstOff) {
            if (inserts == null) {
                System.arraycopy(buf, from, dst, dstOff, to - from);
                return;
            }
            List<ByteBuffer> pieces = new java.util.ArrayList<>();
            window(from, to, pieces);
            for (ByteBuffer b : pieces) {
                int n = b.remaining();
                b.get(dst, dstOff, n);
                dstOff += n;
            }
        }

        /** The last reference that starts at or before {@code offset}, or -1. */
        private int insertBefore(int offset) {
            int lo = 0;
            int hi = insertOffset.length - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (insertOffset[mid] <= offset) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found;
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

    /**
     * Encodes a control tuple and its payload (null for none) for a connection of the given
     * form, on the caller's thread.
     */
    public static Encoded encode(Tuple control, Term payload, Form form) {
        TermWriter w = new TermWriter(payload == null ? 128 : 192);
        if (form == Form.PASS_THROUGH) {
            w.writeByte(PASS_THROUGH);
            w.writeVersion();
            w.write(control);
            int controlEnd = w.size();
            if (payload != null) {
                w.writeVersion();
                w.referenceBinaries(REFERENCE_MIN);
                w.write(payload);
            }
            return new Encoded(w, 0, controlEnd, null, true);
        }
        w.skip(RESERVE);
        AtomCacheOut.Refs refs = null;
        if (form == Form.ATOM_CACHE) {
            refs = new AtomCacheOut.Refs();
            w.atomRefs(refs);
        }
        w.write(control);
        int controlEnd = w.size();
        if (payload != null) {
            w.referenceBinaries(REFERENCE_MIN);
            w.write(payload);
        }
        return new Encoded(w, RESERVE, controlEnd, refs, false);
    }

    /**
     * The whole packet for {@code e}, writing its header with (and into) {@code cache}.
     * {@code scratch} is the output party's own writer for headers.
     */
    static ByteBuffer packet(Encoded e, AtomCacheOut cache, TermWriter scratch) {
        if (e.passThrough) {
            if (!e.gathered()) {
                return ByteBuffer.wrap(e.buf, e.start, e.end - e.start);
            }
            byte[] out = new byte[e.end - e.start];
            e.copy(e.start, e.end, out, 0);
            return ByteBuffer.wrap(out);
        }
        normalHeader(e, cache, scratch);
        return join(scratch, e, e.start, e.end, true);
    }

    /**
     * As {@link #packet(Encoded, AtomCacheOut, TermWriter)}, as buffers added to {@code into}
     * (referenced binaries as views, not copied); returns the packet's length.
     */
    static int packet(Encoded e, AtomCacheOut cache, TermWriter scratch, List<ByteBuffer> into) {
        if (!e.gathered()) {
            ByteBuffer p = packet(e, cache, scratch);
            into.add(p);
            return p.remaining();
        }
        if (e.passThrough) {
            e.window(e.start, e.end, into);
            return e.end - e.start;
        }
        normalHeader(e, cache, scratch);
        into.add(ByteBuffer.wrap(scratch.toByteArray()));
        e.window(e.start, e.end, into);
        return scratch.size() + e.end - e.start;
    }

    /** The first of {@code e.fragments()} fragments of sequence {@code seq}; ends at {@link Encoded#firstChunkEnd()}. */
    static ByteBuffer firstFragment(Encoded e, long seq, AtomCacheOut cache, TermWriter scratch) {
        fragmentHeader(e, seq, cache, scratch);
        return join(scratch, e, e.start, e.firstChunkEnd(), false);
    }

    /**
     * As {@link #firstFragment}, as two buffers added to {@code into} (the header, and the
     * message's own bytes without a copy); returns the packet's length.
     */
    static int firstFragment(Encoded e, long seq, AtomCacheOut cache, TermWriter scratch, List<ByteBuffer> into) {
        fragmentHeader(e, seq, cache, scratch);
        into.add(ByteBuffer.wrap(scratch.toByteArray()));
        e.window(e.start, e.firstChunkEnd(), into);
        return scratch.size() + e.firstChunkEnd() - e.start;
    }

    /** As {@link #continuation}, as a header buffer and the message's own bytes; returns the length. */
    static int continuation(Encoded e, long seq, long fragId, int from, int to, List<ByteBuffer> into) {
        ByteBuffer h = ByteBuffer.allocate(FRAGMENT_PREFIX);
        h.put((byte) VERSION).put((byte) DIST_FRAG_CONT).putLong(seq).putLong(fragId);
        into.add(h.flip());
        e.window(from, to, into);
        return FRAGMENT_PREFIX + to - from;
    }

    /** Continuation {@code fragId} of sequence {@code seq}: the terms' bytes {@code from..to}. */
    static ByteBuffer continuation(Encoded e, long seq, long fragId, int from, int to) {
        ByteBuffer b = ByteBuffer.allocate(FRAGMENT_PREFIX + to - from);
        b.put((byte) VERSION).put((byte) DIST_FRAG_CONT).putLong(seq).putLong(fragId);
        e.copy(from, to, b.array(), FRAGMENT_PREFIX);
        return b.position(FRAGMENT_PREFIX + to - from).flip();
    }

    /** {@code 131, 68} and the atom-cache part, into {@code scratch} (reset first). */
    private static void normalHeader(Encoded e, AtomCacheOut cache, TermWriter scratch) {
        scratch.reset();
        scratch.writeByte(VERSION);
        scratch.writeByte(DIST_HEADER);
        header(e, cache, scratch);
    }

    /** {@code 131, 69}, the sequence, the fragment count and the atom-cache part, into {@code scratch} (reset first). */
    private static void fragmentHeader(Encoded e, long seq, AtomCacheOut cache, TermWriter scratch) {
        scratch.reset();
        scratch.writeByte(VERSION);
        scratch.writeByte(DIST_FRAG_HEADER);
        scratch.writeLong(seq);
        scratch.writeLong(e.fragments());
        header(e, cache, scratch);
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
    private static ByteBuffer join(TermWriter head, Encoded e, int from, int to, boolean inPlace) {
        int h = head.size();
        if (inPlace && h <= from && !e.gathered()) {
            System.arraycopy(head.buffer(), 0, e.buf, from - h, h);
            return ByteBuffer.wrap(e.buf, from - h, to - from + h);
        }
        byte[] out = new byte[h + to - from];
        System.arraycopy(head.buffer(), 0, out, 0, h);
        e.copy(from, to, out, h);
        return ByteBuffer.wrap(out);
    }

    /**
     * Decodes one non-empty packet without an atom cache (references are refused) and
     * without fragments.
     *
     * @see #decode(ByteBuffer, DecodeLimits, AtomCacheIn)
     */
    public static Signal decode(ByteBuffer packet, DecodeLimits limits) throws DistProtocolException {
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
    public static Signal decode(ByteBuffer packet, DecodeLimits limits, AtomCacheIn cache)
            throws DistProtocolException {
        return decode(packet, limits, cache, false, null);
    }

    /**
     * As {@link #decode(ByteBuffer, DecodeLimits, AtomCacheIn)}; {@code copyBinaries} true copies
     * every binary out of the packet (for a buffer that is reused), false shares the packet's
     * array with them; {@code identity}, when not null, checks the signal's pids
     * ({@link DistProtocolException.InvalidSignal}).
     */
    static Signal decode(ByteBuffer packet, DecodeLimits limits, AtomCacheIn cache, boolean copyBinaries,
                         SignalCodec.Identity identity) throws DistProtocolException {
        byte[] data;
        int off;
        int len = packet.remaining();
        if (packet.hasArray()) {
            data = packet.array();
            off = packet.arrayOffset() + packet.position();
        } else {
            // a packet lent from a carrier's direct buffer: this copy is the decoder's own,
            // so the binaries share it rather than being copied again
            data = new byte[len];
            packet.duplicate().get(data);
            off = 0;
            copyBinaries = false;
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
                return finish(r, control, payload, identity);
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
            return body(r, refs, identity);
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
     * @param identity     the checks of the signal's pids, or null for none
     */
    static Signal decodeBody(byte[] data, int off, int len, Atom[] refs, DecodeLimits limits,
                             boolean copyBinaries, SignalCodec.Identity identity) throws DistProtocolException {
        try {
            TermReader r = new TermReader(data, off, len, limits);
            r.copyBinaries(copyBinaries);
            return body(r, refs, identity);
        } catch (TermDecodeException e) {
            throw new DistProtocolException("distribution packet term: " + e.getMessage(), e);
        }
    }

    private static Signal body(TermReader r, Atom[] refs, SignalCodec.Identity identity)
            throws DistProtocolException {
        if (refs.length > 0) {
            r.setAtomCache(refs);
        }
        Term control = r.read();
        Term payload = r.remaining() > 0 ? r.read() : null;
        return finish(r, control, payload, identity);
    }

    private static Signal finish(TermReader r, Term control, Term payload, SignalCodec.Identity identity)
            throws DistProtocolException {
        if (r.remaining() != 0) {
            throw new DistProtocolException("distribution packet: " + r.remaining()
                    + " bytes after the payload (expected: none)");
        }
        return SignalCodec.decode(control, payload, identity);
    }
}
