/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Jarl: a JVM node for Erlang distribution.
 *
 * <p>Layers, each depending only on those below it:
 * {@code node} &rarr; {@code channel} &rarr; {@code handshake} &rarr; {@code carrier},
 * with {@code epmd} beside the carriers and {@code term} used by all.
 * The library depends on the JDK alone.
 */
module dev.jarl {
    // JDK Flight Recorder events (dev.jarl.jfr): a JDK module, no third-party dependency
    requires jdk.jfr;

    exports dev.jarl.term;

    exports dev.jarl.epmd;

    exports dev.jarl.carrier;
    exports dev.jarl.carriers;

    exports dev.jarl.node;
}
