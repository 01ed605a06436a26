/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a fuzz input carries several packets: each is a 2-byte big-endian length and that many
 * bytes; a last frame cut short keeps what is there. A plain format, so seeds captured from
 * OTP ({@code tools/fuzz-seeds}) are written without the fuzzer's help.
 */
public final class FuzzFrames {

    private FuzzFrames() {
    }

    /** The packets of {@code input}. */
    public static List<byte[]> split(byte[] input) {
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while (at + 2 <= input.length) {
            int n = ((input[at] & 0xFF) << 8) | (input[at + 1] & 0xFF);
            at += 2;
            int end = Math.min(input.length, at + n);
            out.add(Arrays.copyOfRange(input, at, end));
            at = end;
        }
        return out;
    }
}
