/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The zlib stream of a compressed term ({@code COMPRESSED}, tag 80): inflated to exactly the
 * declared size, growing the output only as the data arrives (a small stream claiming a huge
 * size allocates little), and failing when it inflates to less or goes on past it.
 */
final class Zlib {

    private Zlib() {
    }

    /** The inflated bytes, and the index in the input just after the zlib stream. */
    record Inflated(byte[] bytes, int next) {
    }

    /**
     * Inflates {@code data[from..end)} to exactly {@code size} bytes.
     *
     * @param errorAt the offset errors report (the start of the zlib stream in the term)
     * @throws TermDecodeException when the stream is not zlib, or inflates to another size
     */
    static Inflated inflate(byte[] data, int from, int end, int size, int errorAt) {
        byte[] out = new byte[(int) Math.min(size, Math.max(1024, 4L * (end - from)))];
        int done = 0;
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data, from, end - from);
            while (true) {
                if (done == out.length) {
                    if (done == size) {
                        break;
                    }
                    out = Arrays.copyOf(out, (int) Math.min(size, 2L * out.length));
                }
                int k = inflater.inflate(out, done, out.length - done);
                done += k;
                if (k == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
            }
            if (done < size) {
                throw new TermDecodeException("compressed data", "inflates to " + done + " bytes", size + " bytes, as declared",
                        errorAt);
            }
            if (!inflater.finished() && (inflater.inflate(new byte[1]) > 0 || !inflater.finished())) {
                throw new TermDecodeException("compressed data", "goes on after " + size + " bytes",
                        "a zlib stream ending at " + size + " bytes, as declared", errorAt);
            }
            return new Inflated(out.length == done ? out : Arrays.copyOf(out, done), end - inflater.getRemaining());
        } catch (DataFormatException e) {
            throw new TermDecodeException("compressed data", "bad zlib stream (" + e.getMessage() + ")", "zlib data",
                    errorAt, e);
        } finally {
            inflater.end();
        }
    }
}
