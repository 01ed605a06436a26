/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.util.zip.Deflater;

/**
 * One-call encoding and decoding of whole terms, as {@code term_to_binary/1,2} and
 * {@code binary_to_term/1} do: the version byte 131, then the term.
 *
 * <pre>{@code
 * byte[] bytes = Etf.encode(Term.tuple(Atom.OK, "hello"));
 * Term back = Etf.decode(bytes);  // {ok,<<"hello">>}
 * }</pre>
 *
 * <p>For a stream of messages, reuse a {@link TermWriter} and a {@link TermReader} instead.
 */
public final class Etf {

    private Etf() {
    }

    /** {@code 131} followed by the term. */
    public static byte[] encode(Term term) {
        TermWriter w = new TermWriter();
        w.writeVersion();
        w.write(term);
        return w.toByteArray();
    }

    /**
     * {@code 131, 80, UncompressedSize:32, zlib(term)}, as
     * {@code term_to_binary(T, [{compressed, Level}])} writes it. Like OTP, falls back to the
     * plain encoding when compression would not make the result smaller.
     *
     * @param level zlib level 0..9
     */
    public static byte[] encodeCompressed(Term term, int level) {
        if (level < 0 || level > 9) {
            throw new IllegalArgumentException("compression level: " + level + " (expected: 0..9)");
        }
        TermWriter w = new TermWriter();
        w.write(term);
        int size = w.size();
        Deflater deflater = new Deflater(level);
        try {
            deflater.setInput(w.buffer(), 0, size);
            deflater.finish();
            byte[] out = new byte[6 + size];
            out[0] = (byte) Tag.VERSION;
            out[1] = (byte) Tag.COMPRESSED;
            out[2] = (byte) (size >>> 24);
            out[3] = (byte) (size >>> 16);
            out[4] = (byte) (size >>> 8);
            out[5] = (byte) size;
            int n = 6;
            while (!deflater.finished() && n < out.length) {
                n += deflater.deflate(out, n, out.length - n);
            }
            if (!deflater.finished() || n >= 1 + size) {
                byte[] plain = new byte[1 + size];
                plain[0] = (byte) Tag.VERSION;
                System.arraycopy(w.buffer(), 0, plain, 1, size);
                return plain;
            }
            return java.util.Arrays.copyOf(out, n);
        } finally {
            deflater.end();
        }
    }

    /**
     * Decodes a whole term with {@link DecodeLimits#DEFAULT}: version 131, the term (plain
     * or compressed), and nothing after it. Binaries in the result are private copies.
     *
     * @throws TermDecodeException for any malformed input
     */
    public static Term decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length, DecodeLimits.DEFAULT);
    }

    /** Same, for {@code length} bytes of {@code bytes} from {@code offset}. */
    public static Term decode(byte[] bytes, int offset, int length) {
        return decode(bytes, offset, length, DecodeLimits.DEFAULT);
    }

    /** Same, with the given limits. */
    public static Term decode(byte[] bytes, int offset, int length, DecodeLimits limits) {
        TermReader r = new TermReader(bytes, offset, length, limits);
        r.copyBinaries(true);
        r.readVersion();
        Term t = r.read();
        if (r.remaining() != 0) {
            throw new TermDecodeException("trailing bytes", Integer.toString(r.remaining()), "none after the term",
                    r.position());
        }
        return t;
    }
}
