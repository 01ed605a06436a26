/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.stream;

import java.io.IOException;
import java.net.SocketOption;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The socket options a stream carrier applies to each connection set up from now on,
 * accepted or dialled ({@link dev.jarl.carrier.Listener#setOption}, OTP's
 * {@code net_kernel:setopts(new, Opts)}). They are applied after the carrier's own defaults
 * (Jarl sets {@code TCP_NODELAY} on TCP), so they win over them.
 *
 * <p>Thread-safe: set from any thread, read by the acceptor and by connecting threads.
 */
public final class NewConnectionOptions {

    private final Set<SocketOption<?>> supported;
    private final Map<SocketOption<?>, Object> values = new ConcurrentHashMap<>();

    /** Options of a carrier that takes {@code supported}. */
    public NewConnectionOptions(Set<SocketOption<?>> supported) {
        this.supported = Set.copyOf(supported);
    }

    /** The options this carrier takes. */
    public Set<SocketOption<?>> supported() {
        return supported;
    }

    /**
     * Remembers {@code value} for {@code option}.
     *
     * @throws UnsupportedOperationException when the carrier does not take the option
     * @throws IllegalArgumentException      when the value is not of the option's type
     */
    public <T> void set(SocketOption<T> option, T value) {
        check(option);
        Objects.requireNonNull(value, "value");
        if (!option.type().isInstance(value)) {
            throw new IllegalArgumentException("option " + option.name() + ": " + value.getClass().getSimpleName()
                    + " (expected: " + option.type().getSimpleName() + ")");
        }
        values.put(option, value);
    }

    /** The value set for {@code option}, or null when none was. */
    public <T> T get(SocketOption<T> option) {
        check(option);
        return option.type().cast(values.get(option));
    }

    private void check(SocketOption<?> option) {
        if (!supported.contains(Objects.requireNonNull(option, "option"))) {
            throw new UnsupportedOperationException("option " + option.name() + ": not supported by this carrier"
                    + " (expected: one of " + supported + ")");
        }
    }

    /** Applies every option set so far to the new connection's {@code stream}. */
    public void applyTo(ByteStream stream) throws IOException {
        for (Map.Entry<SocketOption<?>, Object> e : values.entrySet()) {
            apply(stream, e.getKey(), e.getValue());
        }
    }

    private static <T> void apply(ByteStream stream, SocketOption<T> option, Object value) throws IOException {
        stream.setOption(option, option.type().cast(value));
    }
}
