/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import dev.jarl.testing.BeamTerms;
import dev.jarl.testing.NotReleaseSpecific;

/** Malformed and hostile input: always a {@link TermDecodeException}, never anything else. */
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class EtfHostileTest {

    private static final Pattern MESSAGE = Pattern.compile("[^:]+: .+ \\(expected: .+\\) at offset \\d+", Pattern.DOTALL);

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    /** Decodes and expects the clean failure; returns it for more checks. */
    private static TermDecodeException rejects(byte[] bytes) {
        return rejects(bytes, DecodeLimits.DEFAULT);
    }

    private static TermDecodeException rejects(byte[] bytes, DecodeLimits limits) {
        TermDecodeException e = assertThrows(TermDecodeException.class, () -> Etf.decode(bytes, 0, bytes.length, limits));
        assertTrue(MESSAGE.matcher(e.getMessage()).matches(), "message shape: " + e.getMessage());
        assertTrue(e.getMessage().endsWith("at offset " + e.offset()), e.getMessage());
        assertTrue(e.offset() >= 0 && e.offset() <= bytes.length, "offset " + e.offset() + " in " + bytes.length);
        return e;
    }

    private static void assertMessage(String expected, TermDecodeException e) {
        assertEquals(expected, e.getMessage());
    }

    /** Every vector Jarl can build without erl: the golden expectations and the legacy vectors. */
    static List<byte[]> vectors() {
        List<byte[]> out = new ArrayList<>();
        for (GoldenCase c : GoldenCases.all()) {
            if (c.expected() != null) {
                out.add(Etf.encode(c.expected()));
            }
        }
        LegacyVectors.ALL.forEach(v -> out.add(v.bytes()));
        out.add(Etf.encodeCompressed(TermList.of(Collections.nCopies(300, Atom.OK)), 6));
        for (int seed = 0; seed < 50; seed++) {
            out.add(Etf.encode(BeamTerms.anyShape(seed).term(3)));
        }
        return out;
    }

    @Test
    void everyPrefixFailsCleanly() {
        SplittableRandom random = new SplittableRandom(7);
        int checked = 0;
        for (byte[] v : vectors()) {
            assertEquals(Etf.decode(v), Etf.decode(v.clone()), "the whole vector decodes");
            List<Integer> cuts = new ArrayList<>();
            if (v.length <= 2048) {
                for (int i = 0; i < v.length; i++) {
                    cuts.add(i);
                }
            } else {
                // long vectors: every cut near both ends, and a sample in between
                for (int i = 0; i < 64; i++) {
                    cuts.add(i);
                    cuts.add(v.length - 1 - i);
                }
                for (int i = 0; i < 50; i++) {
                    cuts.add(random.nextInt(v.length));
                }
            }
            for (int cut : cuts) {
                TermDecodeException e = rejects(java.util.Arrays.copyOf(v, cut));
                assertTrue(e.offset() <= cut, e.getMessage());
                checked++;
            }
        }
        assertTrue(checked > 5_000, "checked " + checked + " prefixes");
    }

    @Test
    void tenMillionDeepMalformedListIsACleanError() {
        int depth = 10_000_000;
        byte[] bytes = new byte[1 + 5 * depth + 1];
        bytes[0] = (byte) 131;
        for (int i = 0; i < depth; i++) {
            bytes[1 + 5 * i] = 108; // LIST_EXT
            bytes[5 + 5 * i] = 1; // length 1: the next level is its only element
        }
        bytes[bytes.length - 1] = 106;
        // no depth limit by default: the decoder reads all ten million levels on its explicit
        // stack and finds the tails missing
        TermDecodeException e = rejects(bytes);
        assertMessage("list length: 1 (expected: at most 0, as 8333331 bytes remain) at offset 41666666", e);
        // a limit set by the user still holds
        assertMessage("nesting depth: 1001 levels (expected: at most 1000) at offset 5001",
                rejects(bytes, DecodeLimits.DEFAULT.withMaxDepth(1000)));
        int deep = 1_000_000;
        byte[] tuples = new byte[1 + 2 * deep + 1];
        tuples[0] = (byte) 131;
        for (int i = 0; i < deep; i++) {
            tuples[1 + 2 * i] = 104;
            tuples[2 + 2 * i] = 1;
        }
        tuples[tuples.length - 1] = 106;
        Term t = Etf.decode(tuples, 0, tuples.length, DecodeLimits.DEFAULT.withMaxDepth(deep));
        assertTrue(t instanceof Tuple);
    }

    @Test
    void depthLimitIsExact() {
        DecodeLimits limits = DecodeLimits.DEFAULT.withMaxDepth(3);
        assertEquals(Tuple.of(Tuple.of(Tuple.of(Atom.OK))), Etf.decode(hex("83 6801 6801 6801 7702 6f6b"), 0, 11, limits));
        assertMessage("nesting depth: 4 levels (expected: at most 3) at offset 7",
                rejects(hex("83 6801 6801 6801 6801 7702 6f6b"), limits));
    }

    @Test
    void hugeDeclaredLengthsWithTinyInput() {
        assertMessage("binary length: 4294967295 bytes (expected: at most 536870912) at offset 1",
                rejects(hex("83 6d ffffffff 00")));
        assertMessage("binary length: 100 bytes (expected: at most the 1 bytes that remain) at offset 1",
                rejects(hex("83 6d 00000064 00")));
        assertMessage("list length: 4294967295 (expected: at most 0, as 1 bytes remain) at offset 1",
                rejects(hex("83 6c ffffffff 6a")));
        assertMessage("tuple arity: 2147483648 (expected: at most 1, as 1 bytes remain) at offset 1",
                rejects(hex("83 69 80000000 6a")));
        assertMessage("map arity: 1000 (expected: at most 0, as 1 bytes remain) at offset 1",
                rejects(hex("83 74 000003e8 6a")));
        assertMessage("big integer length: 4294967295 bytes (expected: at most 536870912) at offset 1",
                rejects(hex("83 6f ffffffff 00 01")));
        assertMessage("big integer digits: 2 bytes left (expected: 255 bytes) at offset 4",
                rejects(hex("83 6e ff 00 01 02")));
        assertMessage("string bytes: 1 bytes left (expected: 65535 bytes) at offset 4", rejects(hex("83 6b ffff 61")));
        assertMessage("atom text: 2 bytes left (expected: 65535 bytes) at offset 4", rejects(hex("83 76 ffff 6162")));
        assertMessage("reference length: 65535 words (expected: 1..5) at offset 1",
                rejects(hex("83 5a ffff 7703 614062 00000001")));
        assertMessage("fun free variable count: 4294967295 (expected: at most 0, as 0 bytes remain) at offset 1",
                rejects(hex("83 70 00000030 00 " + "00".repeat(16) + " 00000000 ffffffff 7701 6d 6100 6100"
                        + " 58 7701 6e 00000001 00000000 00000000")));
        // a container's elements need a byte each: 3 open levels owe bytes the input lacks
        assertMessage("tuple arity: 3 (expected: at most 1, as 2 bytes remain) at offset 3",
                rejects(hex("83 6802 6803 6a 6a")));
        assertMessage("bit binary length: 4294967295 bytes (expected: at most 536870912) at offset 1",
                rejects(hex("83 4d ffffffff 03 00")));
    }

    @Test
    void atomsMustBeValidAndShort() {
        String ascii256 = "61".repeat(256);
        assertMessage("atom length: 256 characters (expected: at most 255) at offset 1",
                rejects(hex("83 76 0100 " + ascii256)));
        assertMessage("atom length: 256 characters (expected: at most 255) at offset 1",
                rejects(hex("83 64 0100 " + ascii256)));
        assertMessage("atom length: 256 characters (expected: at most 255) at offset 1",
                rejects(hex("83 76 0200 " + "c3a9".repeat(256))));
        assertEquals(Atom.of("\u00e9".repeat(255)), Etf.decode(hex("83 76 01fe " + "c3a9".repeat(255))));
        assertEquals(Atom.of("a".repeat(255)), Etf.decode(hex("83 77 ff " + "61".repeat(255))));
        assertMessage("atom text: byte 0xff (expected: valid UTF-8) at offset 3", rejects(hex("83 77 01 ff")));
        assertMessage("atom text: code point U+D800 (expected: valid UTF-8 (no overlong form, surrogate or value"
                + " above U+10FFFF)) at offset 3", rejects(hex("83 77 03 eda080")));
        assertMessage("atom text: byte 0xc0 (expected: valid UTF-8) at offset 3", rejects(hex("83 77 02 c080")));
        assertMessage("atom text: code point U+0 (expected: valid UTF-8 (no overlong form, surrogate or value"
                + " above U+10FFFF)) at offset 3", rejects(hex("83 77 04 f0808080")));
        assertMessage("atom text: byte 0xf5 (expected: valid UTF-8) at offset 3", rejects(hex("83 77 04 f5808080")));
        assertMessage("atom text: byte 0x41 (expected: a UTF-8 continuation byte) at offset 4",
                rejects(hex("83 77 02 c341")));
        assertMessage("atom text: UTF-8 sequence cut at the end (expected: valid UTF-8) at offset 3",
                rejects(hex("83 77 01 c3")));
        assertMessage("atom tag: 97 (expected: an atom (tags 118, 119, 100, 115 or 82)) at offset 2",
                rejects(hex("83 58 6101 00000001 00000000 00000001")));
    }

    @Test
    void unknownAndRefusedTags() {
        int rejected = 0;
        for (int tag = 0; tag < 256; tag++) {
            if (List.of(70, 77, 80, 82, 88, 89, 90, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110,
                    111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121).contains(tag)) {
                continue;
            }
            assertMessage("tag: " + tag + " (expected: an external term format tag) at offset 1",
                    rejects(new byte[] {(byte) 131, (byte) tag, 0, 0, 0, 0}));
            rejected++;
        }
        assertEquals(256 - 32, rejected);
        assertMessage("tag: 117 (FUN_EXT) (expected: NEW_FUN_EXT; FUN_EXT was removed in OTP 23) at offset 1",
                rejects(hex("83 75 00000000")));
        assertMessage("tag: 121 (LOCAL_EXT) (expected: a term valid across nodes; LOCAL_EXT is only valid inside"
                + " the node that wrote it) at offset 1", rejects(hex("83 79 00000000")));
        assertMessage("atom cache index: 0 (expected: no atom cache reference outside a distribution message)"
                + " at offset 1", rejects(hex("83 52 00")));
        assertMessage("version: 130 (expected: 131) at offset 0", rejects(hex("82 6a")));
    }

    @Test
    void malformedValues() {
        assertMessage("trailing bytes: 1 (expected: none after the term) at offset 2", rejects(hex("83 6a 6a")));
        assertMessage("float: NaN (expected: a finite number) at offset 1", rejects(hex("83 46 7ff8000000000000")));
        assertMessage("float: Infinity (expected: a finite number) at offset 1", rejects(hex("83 46 7ff0000000000000")));
        byte[] text = new byte[33];
        text[0] = (byte) 131;
        text[1] = 99;
        System.arraycopy(" 1.5e+00".getBytes(), 0, text, 2, 8);
        assertMessage("float text: ' 1.5e+00' (expected: a decimal number such as 1.5e+00) at offset 1", rejects(text));
        assertMessage("map key: 1 repeated (expected: unique keys) at offset 1",
                rejects(hex("83 74 00000002 6101 6101 6101 6102")));
        StringBuilder big = new StringBuilder("83 74 00000028");
        for (int i = 0; i < 40; i++) {
            big.append(" 61").append(String.format("%02x", i % 39)).append(" 6a");
        }
        assertMessage("map key: 0 repeated (expected: unique keys) at offset 1", rejects(hex(big.toString())));
        assertMessage("bit binary last byte bits: 0 (expected: 1..8) at offset 6", rejects(hex("83 4d 00000001 00 ff")));
        assertMessage("bit binary last byte bits: 9 (expected: 1..8) at offset 6", rejects(hex("83 4d 00000001 09 ff")));
        assertMessage("bit binary last byte bits: 3 (expected: 0 for an empty bit string) at offset 6",
                rejects(hex("83 4d 00000000 03")));
        assertMessage("export arity tag: 98 (expected: 97 (SMALL_INTEGER_EXT)) at offset 8",
                rejects(hex("83 71 7701 6d 7701 66 62 00000001")));
        assertMessage("pid creation: 4 (expected: 0..3 in this legacy form) at offset 15",
                rejects(hex("83 67 7703 614062 00000001 00000000 04")));
        assertMessage("reference id: 262144 (expected: at most 262143 (18 bits) in this legacy form) at offset 7",
                rejects(hex("83 65 7703 614062 00040000 01")));
        assertMessage("reference length: 0 words (expected: 1..5) at offset 1", rejects(hex("83 5a 0000 7703 614062 00000001")));
        assertMessage("fun pid tag: 97 (expected: a pid (88 or 103)) at offset 38",
                rejects(hex("83 70 00000030 00 " + "00".repeat(16) + " 00000000 00000000 7701 6d 6100 6100 6101")));
        byte[] fun = Etf.encode(new Fun(1, new byte[16], 2, Atom.of("m"), 3, 4, new Pid(Atom.of("a@b"), 1, 2, 3),
                List.of(Atom.OK)));
        fun[5] = (byte) (fun[5] + 1);
        assertMessage("fun size: " + (fun.length - 1) + " bytes (expected: " + (fun.length - 2)
                + " bytes, as the fun's fields take) at offset 2", rejects(fun));
    }

    private static byte[] compressed(byte[] term, long declaredSize) {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(z, new Deflater(9))) {
            out.write(term);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return ByteBuffer.allocate(6 + z.size()).put((byte) 131).put((byte) 80).putInt((int) declaredSize)
                .put(z.toByteArray()).array();
    }

    @Test
    void compressionBombsAndLies() {
        byte[] zeros = new byte[5 + 50_000_000];
        zeros[0] = 109; // BINARY_EXT of 50 MB of zeros
        ByteBuffer.wrap(zeros).putInt(1, 50_000_000);
        byte[] bomb = compressed(zeros, zeros.length);
        assertTrue(bomb.length < 100_000, "a small input: " + bomb.length);
        DecodeLimits tight = DecodeLimits.DEFAULT.withMaxUncompressedSize(1 << 20);
        assertMessage("uncompressed size: 50000005 bytes (expected: at most 1048576) at offset 2", rejects(bomb, tight));
        // declaring less than it inflates to
        assertMessage("compressed data: goes on after 1000 bytes (expected: a zlib stream ending at 1000 bytes, as"
                + " declared) at offset 6", rejects(compressed(zeros, 1000), tight));
        // declaring more than it inflates to
        byte[] small = Etf.encode(Atom.OK);
        byte[] lie = compressed(java.util.Arrays.copyOfRange(small, 1, small.length), 1_000_000);
        assertMessage("compressed data: inflates to 4 bytes (expected: 1000000 bytes, as declared) at offset 6",
                rejects(lie, tight));
        // not zlib at all
        TermDecodeException e = rejects(hex("83 50 00000004 deadbeef"));
        assertTrue(e.getMessage().startsWith("compressed data: bad zlib stream"), e.getMessage());
        // compression inside a term, or inside compression
        assertMessage("tag: 80 (compressed) (expected: compression only at the top of a term, once) at offset 6",
                rejects(hex("83 6c 00000001 50 00000001 00 6a")));
        byte[] inner = compressed(small, 0);
        byte[] nested = compressed(java.util.Arrays.copyOfRange(inner, 1, inner.length), inner.length - 1);
        assertTrue(rejects(nested).getMessage().contains("compression only at the top of a term, once"));
        // a bad term inside good compression names both
        byte[] badInside = compressed(hex("ff"), 1);
        assertMessage("compressed term: tag: 255 (expected: an external term format tag) at offset 0"
                + " (expected: a valid term inside) at offset 1", rejects(badInside));
        assertEquals(Atom.OK, Etf.decode(compressed(java.util.Arrays.copyOfRange(small, 1, small.length), small.length - 1)));
    }

    @Test
    void readerReportsPositionAndRemaining() {
        byte[] two = hex("00 83 6101 83 6a ff");
        TermReader r = new TermReader(two, 1, 5);
        r.readVersion();
        assertEquals(Int.ONE, r.read());
        assertEquals(3, r.position());
        assertEquals(2, r.remaining());
        r.readVersion();
        assertEquals(TermList.NIL, r.read());
        assertEquals(0, r.remaining());
        TermDecodeException e = assertThrows(TermDecodeException.class, r::read);
        assertEquals(5, e.offset());
    }
}
