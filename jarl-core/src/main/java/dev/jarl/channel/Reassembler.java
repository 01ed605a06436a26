/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import dev.jarl.carrier.DistChannel;
import dev.jarl.jfr.FragmentedMessage;
import dev.jarl.term.Atom;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.TermDecodeException;
import dev.jarl.term.TermReader;

/**
 * A connection's fragmented messages being reassembled ({@code erl_ext_dist.md},
 * "Distribution Header for Fragmented Messages"): per sequence id, the fragments copied as
 * they arrive into one array sized from the first fragment and the fragment count, which the
 * message's binaries then share.
 *
 * <p>Bounds, so a peer cannot make the connection hold more than it says: the bytes buffered
 * for incomplete sequences are limited to the largest message accepted, and the incomplete
 * sequences to {@code maxSequences}. An array is sized ahead of its bytes only within the
 * connection's receive allowance ({@link DistChannel#reserveAhead}); beyond it, it grows as
 * fragments come, so a count claimed and never sent costs only what was sent. A first
 * fragment's atom-cache header takes effect when it arrives.
 *
 * <p>Threading: the carrier's input party only.
 */
final class Reassembler {

    /** What an incomplete sequence costs besides its bytes (objects, map entry), counted in {@link #partialBytes}. */
    static final int PARTIAL_OVERHEAD = 128;
    /** The largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final DecodeLimits limits;
    private final AtomCacheIn cacheIn;
    private final SignalCodec.Identity identity;
    private final long maxMessageSize;
    private final int maxSequences;
    private final DistChannel allowance;
    /** The peer's name, for JFR events. */
    private final String peer;
    private final Map<Long, Partial> partials = new HashMap<>();
    /** Bytes of incomplete sequences received so far, plus {@link #PARTIAL_OVERHEAD} for each. */
    private long partialBytes;

    /**
     * A reassembler for one connection.
     *
     * @param cacheIn        the input atom cache, or null without DIST_HDR_ATOM_CACHE
     * @param identity       the checks of every signal read
     * @param maxMessageSize the largest message, and the most bytes buffered for incomplete ones
     * @param maxSequences   the most incomplete sequences at once
     * @param allowance      the connection, whose receive allowance arrays sized ahead use
     * @param peer           the peer's node name, for JFR events
     */
    Reassembler(DecodeLimits limits, AtomCacheIn cacheIn, SignalCodec.Identity identity, long maxMessageSize,
                int maxSequences, DistChannel allowance, String peer) {
        this.peer = peer;
        this.limits = limits;
        this.cacheIn = cacheIn;
        this.identity = identity;
        this.maxMessageSize = maxMessageSize;
        this.maxSequences = maxSequences;
        this.allowance = allowance;
    }

    /** A fragmented message being reassembled. */
    private static final class Partial {
        final Atom[] refs;
        /** The message so far: fragments are copied in as they come, so the last needs no join. */
        byte[] data;
        int length;
        long nextId;
        /** Bytes of {@link #data} reserved ahead from the connection's allowance. */
        final long reserved;
        /** How many fragments the first one announced. */
        final long fragments;
        /** Its JFR event while a recording wants it, else null. */
        FragmentedMessage event;

        Partial(Atom[] refs, long nextId, int capacity, long reserved) {
            this.refs = refs;
            this.nextId = nextId;
            this.fragments = nextId + 1;
            this.data = new byte[capacity];
            this.reserved = reserved;
        }
    }

    /**
     * One fragment ({@code tag} 69, the first, or 70, a continuation): starts, extends or
     * completes a sequence.
     *
     * @param borrowed true when the packet's buffer is reused after this returns: only copies
     *                 are kept (a one-fragment message's binaries included)
     * @return the message once complete, or null while its sequence is not
     */
    Signal fragment(ByteBuffer packet, int tag, boolean borrowed) throws DistProtocolException {
        if (!packet.hasArray()) {
            packet = ByteBuffer.wrap(new byte[packet.remaining()]).put(packet.duplicate()).flip();
        }
        byte[] data = packet.array();
        int off = packet.arrayOffset() + packet.position();
        TermReader r = new TermReader(data, off + 2, packet.remaining() - 2, limits);
        long sequence;
        long id;
        Atom[] refs = null;
        try {
            sequence = r.readLong("fragment sequence id");
            id = r.readLong("fragment id");
            if (tag == DistPacket.DIST_FRAG_HEADER) {
                refs = AtomCacheIn.readHeader(cacheIn, r);
            }
        } catch (TermDecodeException e) {
            throw new DistProtocolException("fragment header: " + e.getMessage(), e);
        }
        int bodyAt = off + 2 + r.position();
        int bodyLength = packet.remaining() - 2 - r.position();
        if (tag == DistPacket.DIST_FRAG_HEADER) {
            if (id < 1) {
                throw new DistProtocolException("first fragment of sequence " + sequence + ": fragment id " + id
                        + " (expected: the number of fragments, at least 1)");
            }
            if (partials.containsKey(sequence)) {
                throw new DistProtocolException("first fragment of sequence " + sequence
                        + " (expected: none while that sequence is incomplete)");
            }
            if (id == 1) {
                return DistPacket.decodeBody(data, bodyAt, bodyLength, refs, limits, borrowed, identity);
            }
            if (partials.size() >= maxSequences) {
                throw new DistProtocolException("fragmented messages: " + (partials.size() + 1)
                        + " sequences incomplete at once (expected: at most " + maxSequences + ")");
            }
            // sized for all fragments as long as the first (the BEAM's are, but the last) when
            // that fits in the connection's allowance; otherwise grown as fragments come, so a
            // count claimed and never sent costs only what was sent
            long claimed = Math.min(Math.multiplyExact((long) Math.max(1, bodyLength), Math.min(id, Integer.MAX_VALUE)),
                    Math.min(maxMessageSize, MAX_ARRAY));
            long extra = Math.max(0, claimed - bodyLength);
            boolean inPlace = extra > 0 && allowance.reserveAhead(extra);
            Partial p = new Partial(refs, id - 1, inPlace ? (int) claimed : bodyLength, inPlace ? extra : 0);
            FragmentedMessage event = new FragmentedMessage();
            if (event.isEnabled()) {
                event.begin();
                p.event = event;
            }
            partials.put(sequence, p);
            partialBytes += PARTIAL_OVERHEAD;
            add(p, data, bodyAt, bodyLength);
            return null;
        }
        Partial p = partials.get(sequence);
        if (p == null) {
            throw new DistProtocolException("fragment " + id + " of sequence " + sequence
                    + " (expected: a sequence started by a first fragment)");
        }
        if (id != p.nextId) {
            throw new DistProtocolException("fragment id " + id + " of sequence " + sequence
                    + " (expected: " + p.nextId + ")");
        }
        add(p, data, bodyAt, bodyLength);
        if (--p.nextId > 0) {
            return null;
        }
        partials.remove(sequence);
        partialBytes -= p.length + PARTIAL_OVERHEAD;
        allowance.releaseAhead(p.reserved);
        if (p.event != null) {
            p.event.finish(peer, "in", p.length, p.fragments);
        }
        // the message owns the array now: its binaries share it
        return DistPacket.decodeBody(p.data, 0, p.length, p.refs, limits, false, identity);
    }

    /** Copies a fragment's body into its sequence, within the limit on buffered bytes. */
    private void add(Partial p, byte[] data, int off, int len) throws DistProtocolException {
        partialBytes += len;
        if (partialBytes > maxMessageSize) {
            throw new DistProtocolException("fragmented messages: " + partialBytes
                    + " bytes buffered (expected: at most " + maxMessageSize + ")");
        }
        int need = p.length + len;
        if (need > p.data.length) {
            int grown = (int) Math.min(Math.min(maxMessageSize, MAX_ARRAY),
                    Math.max(need, p.data.length + (long) p.data.length / 2));
            p.data = Arrays.copyOf(p.data, grown);
        }
        System.arraycopy(data, off, p.data, p.length, len);
        p.length = need;
    }
}
