/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.util.HexFormat;
import java.util.List;

/**
 * Hand-written vectors for the forms OTP 25 decodes but no longer writes, annotated field by
 * field. The golden test also has a real BEAM decode each one and compares.
 */
final class LegacyVectors {

    /** A hand-written vector: its bytes (with 131) and the value they stand for. */
    record Vector(String id, byte[] bytes, Term expected) {
    }

    private static final Atom NODE = Atom.of("a@b");

    private LegacyVectors() {
    }

    /** Each line: hex byte pairs, then an optional comment (the first token that is not a pair). */
    private static byte[] hex(String annotated) {
        StringBuilder digits = new StringBuilder();
        for (String line : annotated.split("\n")) {
            for (String token : line.strip().split("\\s+")) {
                if (!token.matches("[0-9A-Fa-f]{2}")) {
                    break;
                }
                digits.append(token);
            }
        }
        return HexFormat.of().parseHex(digits);
    }

    static final List<Vector> ALL = List.of(
            new Vector("legacy_small_atom", hex("""
                    83          version
                    73 03       SMALL_ATOM_EXT, length 3
                    61 62 63    'abc' (Latin-1)
                    """), Atom.of("abc")),
            new Vector("legacy_small_atom_latin1", hex("""
                    83
                    73 02       SMALL_ATOM_EXT, length 2
                    E9 74       'et' with e-acute, Latin-1 byte E9 = U+00E9
                    """), Atom.of("\u00e9t")),
            new Vector("legacy_atom", hex("""
                    83
                    64 00 03    ATOM_EXT, length 3 (16 bits)
                    78 79 7A    'xyz'
                    """), Atom.of("xyz")),
            new Vector("legacy_pid", hex("""
                    83
                    67                      PID_EXT
                    77 03 61 40 62          node: SMALL_ATOM_UTF8 'a@b'
                    00 00 00 2A             id 42
                    00 00 00 07             serial 7
                    02                      creation 2 (8 bits, 0..3 accepted)
                    """), new Pid(NODE, 42, 7, 2)),
            new Vector("legacy_port", hex("""
                    83
                    66                      PORT_EXT
                    77 03 61 40 62          node 'a@b'
                    00 00 01 00             id 256
                    03                      creation 3
                    """), new Port(NODE, 256, 3)),
            new Vector("legacy_reference", hex("""
                    83
                    65                      REFERENCE_EXT
                    77 03 61 40 62          node 'a@b'
                    00 03 FF FF             id 262143 (18 bits significant)
                    01                      creation 1
                    """), new Ref(NODE, 1, new int[] {0x3FFFF})),
            new Vector("legacy_new_reference", hex("""
                    83
                    72 00 03                NEW_REFERENCE_EXT, 3 words
                    77 03 61 40 62          node 'a@b'
                    01                      creation 1 (8 bits)
                    00 00 00 05             word 0: 5 (18 bits significant)
                    DE AD BE EF             word 1
                    00 00 00 01             word 2
                    """), new Ref(NODE, 1, new int[] {5, 0xDEADBEEF, 1})),
            new Vector("legacy_float", hex("""
                    83
                    63                      FLOAT_EXT: 31 bytes of "%.20e", NUL padded
                    2D 32 2E                "-2."
                    35 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30   "50000000000000000000"
                    65 2B 30 30             "e+00"
                    00 00 00 00             NUL padding to 31 bytes
                    """), new Float64(-2.5)),
            new Vector("legacy_new_port_cr0", hex("""
                    83
                    59                      NEW_PORT_EXT
                    77 03 61 40 62          node 'a@b'
                    00 00 00 09             id 9
                    00 00 00 00             creation 0 (accepted on decode)
                    """), new Port(NODE, 9, 0)),
            new Vector("legacy_list_tail_list", hex("""
                    83
                    6C 00 00 00 01          LIST_EXT, 1 element
                    61 01                   1
                    6C 00 00 00 01          tail: LIST_EXT, 1 element (OTP never writes a list tail)
                    61 02                   2
                    6A                      NIL
                    """), TermList.of(Int.of(1), Int.of(2))),
            new Vector("legacy_empty_list_ext", hex("""
                    83
                    6C 00 00 00 00          LIST_EXT with no elements: [|Tail] is Tail
                    61 07                   7
                    """), Int.of(7)),
            new Vector("legacy_big_not_minimal", hex("""
                    83
                    6E 09 01                SMALL_BIG_EXT, 9 bytes, negative
                    05 00 00 00 00 00 00 00 00   digits little-endian: 5, then zeros
                    """), Int.of(-5)));

    /** ATOM_CACHE_REF needs a cache; bytes 83 52 01 with cache [x, y] stand for 'y'. */
    static final byte[] ATOM_CACHE_REF = hex("83 52 01");
}
