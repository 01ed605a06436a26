/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.math.BigInteger;
import java.util.Objects;

/**
 * An Erlang integer of any size.
 *
 * <p>Canonical: a value that fits in a {@code long} is always held as a {@code long} (fast
 * path, no {@link BigInteger}); only larger values carry a {@code BigInteger}. Small values
 * are cached. Erlang has no integer limit short of memory; the decoder bounds the digits it
 * accepts with {@link DecodeLimits#maxBinarySize()}.
 */
public final class Int implements Term {

    private static final int CACHE_LOW = -128;
    private static final int CACHE_HIGH = 1023;
    private static final Int[] CACHE = new Int[CACHE_HIGH - CACHE_LOW + 1];

    static {
        for (int i = 0; i < CACHE.length; i++) {
            CACHE[i] = new Int(CACHE_LOW + i, null);
        }
    }

    /** {@code 0}. */
    public static final Int ZERO = of(0);
    /** {@code 1}. */
    public static final Int ONE = of(1);

    private final long small;
    private final BigInteger big;

    private Int(long small, BigInteger big) {
        this.small = small;
        this.big = big;
    }

    /** The integer {@code value}. */
    public static Int of(long value) {
        if (value >= CACHE_LOW && value <= CACHE_HIGH) {
            return CACHE[(int) value - CACHE_LOW];
        }
        return new Int(value, null);
    }

    /** The integer {@code value}; stored as a {@code long} when it fits. */
    public static Int of(BigInteger value) {
        Objects.requireNonNull(value, "value");
        if (value.bitLength() < 64) {
            return of(value.longValue());
        }
        return new Int(0, value);
    }

    /** True if the value fits in a {@code long}. */
    public boolean isLong() {
        return big == null;
    }

    /**
     * The value as a {@code long}.
     *
     * @throws ArithmeticException if it does not fit
     */
    public long longValue() {
        if (big != null) {
            throw new ArithmeticException("integer " + big + " does not fit in a long");
        }
        return small;
    }

    /**
     * The value as an {@code int}.
     *
     * @throws ArithmeticException if it does not fit
     */
    public int intValue() {
        return Math.toIntExact(longValue());
    }

    /** The value as a {@link BigInteger}. */
    public BigInteger bigValue() {
        return big != null ? big : BigInteger.valueOf(small);
    }

    /** -1, 0 or 1 as the value is negative, zero or positive. */
    public int signum() {
        return big != null ? big.signum() : Long.signum(small);
    }

    /** The {@code long} value; meaningless when {@link #bigOrNull()} is not null. */
    long smallValue() {
        return small;
    }

    /** The {@code BigInteger}, or null on the {@code long} fast path. */
    BigInteger bigOrNull() {
        return big;
    }

    /** {@link Long} when the value fits, otherwise {@link BigInteger}. */
    @Override
    public Object toJava() {
        return big != null ? big : (Object) small;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Int other
                && (big == null ? other.big == null && small == other.small : big.equals(other.big));
    }

    @Override
    public int hashCode() {
        if (big == null) {
            return Hashing.of(1, small);
        }
        byte[] b = big.toByteArray();
        return Hashing.bytes(2, b, 0, b.length, 0);
    }

    /** Decimal, as Erlang prints it. */
    @Override
    public String toString() {
        return big == null ? Long.toString(small) : big.toString();
    }

    /**
     * The integer whose magnitude is the {@code len} little-endian bytes at {@code data[p]}
     * (the digits of {@code SMALL_BIG_EXT} and {@code LARGE_BIG_EXT}).
     */
    static Int ofLittleEndian(boolean negative, byte[] data, int p, int len) {
        if (len <= 8) {
            long magnitude = 0;
            for (int i = len - 1; i >= 0; i--) {
                magnitude = (magnitude << 8) | (data[p + i] & 0xFF);
            }
            if (magnitude >= 0) {
                return of(negative ? -magnitude : magnitude);
            }
            if (negative && magnitude == Long.MIN_VALUE) {
                return of(Long.MIN_VALUE);
            }
        }
        byte[] be = new byte[len];
        for (int i = 0; i < len; i++) {
            be[i] = data[p + len - 1 - i];
        }
        return of(new BigInteger(negative ? -1 : 1, be));
    }
}
