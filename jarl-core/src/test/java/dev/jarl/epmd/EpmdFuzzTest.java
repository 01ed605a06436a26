/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes EPMD's wire formats: request bodies as Jarl's EPMD server reads them, and the
 * replies Jarl's client reads ({@code PORT2_RESP}'s node record, {@code NAMES_RESP}'s text).
 * The first byte picks which (modulo 3: request body, {@code PORT2_RESP} after its tag and
 * result, {@code NAMES_RESP} after its port). For every input: a value or
 * {@link EpmdCodec.Malformed}, nothing else.
 */
class EpmdFuzzTest {

    @FuzzTest
    void requestsAndReplies(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int which = (input[0] & 0xFF) % 3;
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        try {
            switch (which) {
                case 0 -> EpmdCodec.decodeRequest(body);
                case 1 -> EpmdCodec.decodeNode(ByteBuffer.wrap(body), "PORT2_RESP", 2, -1);
                default -> EpmdClient.parseNames(new String(body, StandardCharsets.UTF_8));
            }
        } catch (EpmdCodec.Malformed documented) {
            // refused, as epmd refuses it
        }
    }
}
