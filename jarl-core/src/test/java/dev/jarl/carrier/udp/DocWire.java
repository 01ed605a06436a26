/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The datagrams of docs/udp-carrier.md (section 3), decoded and encoded from the document
 * alone, not with the carrier's own {@code Datagram}: the conformance test judges both
 * implementations by this reading of the contract, so a change on either side that the
 * document does not allow fails here. {@link #decode} throws {@link Violation} naming the
 * rule a datagram breaks.
 */
final class DocWire {

    static final int HEADER = 12;
    static final int DATA_HEADER = 36;
    static final int MIN_INITIAL = 1200;
    static final int MAX_DATAGRAM = 65_507;
    static final int MAX_RANGES = 64;
    static final int MAX_REASON = 512;

    private DocWire() {
    }

    /** A datagram that breaks the document. */
    static final class Violation extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Violation(String message) {
            super(message);
        }
    }

    sealed interface Dgram permits Initial, Retry, Accept, Data, Ack, Ping, Close, CloseAck {
        /** The destination connection id. */
        long dcid();
    }

    record Initial(long dcid, long scid, byte[] token, int size) implements Dgram {
    }

    record Retry(long dcid, byte[] token) implements Dgram {
    }

    record Accept(long dcid, long scid) implements Dgram {
    }

    record Data(long dcid, long seq, long ack, long window, long timestamp, byte[] payload) implements Dgram {
    }

    /** {@code ranges}: absolute [first, last] pairs. */
    record Ack(long dcid, long ack, long window, long echo, long delay, List<long[]> ranges) implements Dgram {
    }

    record Ping(long dcid) implements Dgram {
    }

    record Close(long dcid, String reason) implements Dgram {
    }

    record CloseAck(long dcid) implements Dgram {
    }

    static Dgram decode(byte[] b, int length) {
        if (length > MAX_DATAGRAM) {
            throw new Violation("datagram of " + length + " bytes (at most " + MAX_DATAGRAM + ")");
        }
        ByteBuffer in = ByteBuffer.wrap(b, 0, length);
        need(in, HEADER, "header");
        if (in.get() != 0x4A || in.get() != 0x55) {
            throw new Violation("magic is not 'JU'");
        }
        int version = in.get() & 0xFF;
        if (version != 1) {
            throw new Violation("version " + version + " (expected 1)");
        }
        int type = in.get() & 0xFF;
        long dcid = in.getLong();
        return switch (type) {
            case 1 -> {
                need(in, 10, "INITIAL");
                if (dcid != 0) {
                    throw new Violation("INITIAL with destination id " + dcid + " (expected 0)");
                }
                long scid = in.getLong();
                int tl = in.getShort() & 0xFFFF;
                need(in, tl, "INITIAL token");
                byte[] token = new byte[tl];
                in.get(token);
                if (scid == 0) {
                    throw new Violation("INITIAL with source id 0");
                }
                while (in.hasRemaining()) {
                    if (in.get() != 0) {
                        throw new Violation("INITIAL padding is not zero bytes");
                    }
                }
                yield new Initial(dcid, scid, token, length);
            }
            case 2 -> {
                need(in, 2, "RETRY");
                int tl = in.getShort() & 0xFFFF;
                need(in, tl, "RETRY token");
                byte[] token = new byte[tl];
                in.get(token);
                yield new Retry(dcid, token);
            }
            case 3 -> {
                need(in, 8, "ACCEPT");
                long scid = in.getLong();
                if (scid == 0) {
                    throw new Violation("ACCEPT with source id 0");
                }
                yield new Accept(dcid, scid);
            }
            case 4 -> {
                need(in, DATA_HEADER - HEADER, "DATA");
                long seq = in.getLong();
                long ack = in.getLong();
                long window = in.getInt() & 0xFFFFFFFFL;
                long ts = in.getInt() & 0xFFFFFFFFL;
                if (seq < 0 || ack < 0) {
                    throw new Violation("DATA sequence or ack at or above 2^63");
                }
                if (ts == 0) {
                    throw new Violation("DATA timestamp 0 (senders use 1 instead)");
                }
                byte[] payload = new byte[in.remaining()];
                in.get(payload);
                yield new Data(dcid, seq, ack, window, ts, payload);
            }
            case 5 -> {
                need(in, 22, "ACK");
                long ack = in.getLong();
                long window = in.getInt() & 0xFFFFFFFFL;
                long echo = in.getInt() & 0xFFFFFFFFL;
                long delay = in.getInt() & 0xFFFFFFFFL;
                int n = in.getShort() & 0xFFFF;
                if (ack < 0) {
                    throw new Violation("ACK at or above 2^63");
                }
                if (n > MAX_RANGES) {
                    throw new Violation("ACK with " + n + " ranges (at most " + MAX_RANGES + ")");
                }
                need(in, 8L * n, "ACK ranges");
                List<long[]> ranges = new ArrayList<>();
                long minOffset = 1;
                for (int i = 0; i < n; i++) {
                    long off = in.getInt() & 0xFFFFFFFFL;
                    long len = in.getInt() & 0xFFFFFFFFL;
                    if (off < minOffset || len < 1) {
                        throw new Violation("ACK range " + (i + 1) + " (offset " + off + ", length " + len
                                + ") is not above the previous one plus a gap, or empty");
                    }
                    ranges.add(new long[] {ack + off, ack + off + len - 1});
                    minOffset = off + len + 1;
                }
                yield new Ack(dcid, ack, window, echo, delay, ranges);
            }
            case 6 -> new Ping(dcid);
            case 7 -> {
                need(in, 2, "CLOSE");
                int rl = in.getShort() & 0xFFFF;
                if (rl > MAX_REASON) {
                    throw new Violation("CLOSE reason of " + rl + " bytes (at most " + MAX_REASON + ")");
                }
                need(in, rl, "CLOSE reason");
                byte[] r = new byte[rl];
                in.get(r);
                try {
                    yield new Close(dcid, StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(r)).toString());
                } catch (CharacterCodingException e) {
                    throw new Violation("CLOSE reason is not UTF-8");
                }
            }
            case 8 -> new CloseAck(dcid);
            default -> throw new Violation("unknown type " + type);
        };
    }

    private static void need(ByteBuffer in, long n, String what) {
        if (in.remaining() < n) {
            throw new Violation(what + ": " + in.remaining() + " bytes left, " + n + " needed");
        }
    }

    private static ByteBuffer header(int size, int type, long dcid) {
        return ByteBuffer.allocate(size).put((byte) 0x4A).put((byte) 0x55).put((byte) 1).put((byte) type).putLong(dcid);
    }

    /** An INITIAL of {@code size} bytes (zero padding). */
    static byte[] initial(long scid, byte[] token, int size) {
        ByteBuffer b = header(Math.max(size, HEADER + 10 + token.length), 1, 0).putLong(scid)
                .putShort((short) token.length).put(token);
        return b.array();
    }

    static byte[] close(long dcid, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        return header(HEADER + 2 + r.length, 7, dcid).putShort((short) r.length).put(r).array();
    }

    static byte[] closeAck(long dcid) {
        return header(HEADER, 8, dcid).array();
    }

    static String describe(Dgram d) {
        return switch (d) {
            case Initial i -> "INITIAL scid=" + Long.toHexString(i.scid()) + " token=" + i.token().length + "B size=" + i.size();
            case Retry r -> "RETRY dcid=" + Long.toHexString(r.dcid()) + " token=" + r.token().length + "B";
            case Accept a -> "ACCEPT dcid=" + Long.toHexString(a.dcid()) + " scid=" + Long.toHexString(a.scid());
            case Data x -> "DATA seq=" + x.seq() + " ack=" + x.ack() + " win=" + x.window() + " len=" + x.payload().length;
            case Ack a -> "ACK ack=" + a.ack() + " win=" + a.window() + " ranges="
                    + a.ranges().stream().map(Arrays::toString).toList();
            case Ping p -> "PING";
            case Close c -> "CLOSE \"" + c.reason() + "\"";
            case CloseAck c -> "CLOSE_ACK";
        };
    }
}
