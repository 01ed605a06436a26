/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Micrometer meters for a Jarl node: {@link dev.jarl.micrometer.JarlMetrics}, a
 * {@code MeterBinder} that Spring Boot and Quarkus applications register as one bean. An
 * optional module: the library itself depends on the JDK alone.
 *
 * <p>Threading: meters may be read from any thread (a registry's publishing thread, a scrape);
 * they read {@link dev.jarl.node.Node#stats()} snapshots and never touch the message path.
 */
package dev.jarl.micrometer;
