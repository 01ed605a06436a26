/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless address-validation tokens: {@code issued-at (8 bytes, ms) | HMAC-SHA256(secret,
 * address | port | initiator id | issued-at) truncated to 16 bytes}. The secret is random per
 * listener and never leaves it; a token is good for {@link #LIFETIME_MS} and only for the
 * address, port and initiator connection id it was issued to.
 */
final class RetryTokens {

    static final int LENGTH = 24;
    static final long LIFETIME_MS = 10_000;

    private final SecretKeySpec key;

    RetryTokens() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        key = new SecretKeySpec(secret, "HmacSHA256");
    }

    byte[] issue(InetSocketAddress from, long initiatorId, long nowMillis) {
        return ByteBuffer.allocate(LENGTH).putLong(nowMillis).put(mac(from, initiatorId, nowMillis), 0, 16).array();
    }

    boolean valid(byte[] token, InetSocketAddress from, long initiatorId, long nowMillis) {
        if (token.length != LENGTH) {
            return false;
        }
        long issued = ByteBuffer.wrap(token).getLong();
        if (issued > nowMillis + 1_000 || nowMillis - issued > LIFETIME_MS) {
            return false;
        }
        byte[] expected = Arrays.copyOf(mac(from, initiatorId, issued), 16);
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(token, 8, LENGTH));
    }

    private byte[] mac(InetSocketAddress from, long initiatorId, long issued) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] address = from.getAddress().getAddress();
            mac.update(ByteBuffer.allocate(address.length + 2 + 16).put(address).putShort((short) from.getPort())
                    .putLong(initiatorId).putLong(issued).array());
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
