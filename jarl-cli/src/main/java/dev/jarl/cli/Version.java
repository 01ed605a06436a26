/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import picocli.CommandLine;

/**
 * {@code jarl --version}: the version the build wrote into {@code version.properties} (Maven
 * resource filtering of {@code ${project.version}}), so it cannot drift from the artifact,
 * and the Java runtime it runs on, which a bug report needs too.
 */
final class Version implements CommandLine.IVersionProvider {

    /** The build's version of the jarl command, e.g. {@code 0.1.0}. */
    static String of() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from the jarl-cli build");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            if (v.isBlank() || v.contains("${")) {
                throw new IllegalStateException("version.properties was not filled in by the build: '" + v + "'");
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read version.properties", e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "jarl " + of(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")"
        };
    }
}
