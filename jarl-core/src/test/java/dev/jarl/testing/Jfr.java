/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Records JFR events around a piece of a test, as an operator's recording would, and reads
 * them back from the recording file: {@code Jfr.record(() -> ..., "dev.jarl.ConnectionUp")}.
 * Each event named is enabled with no threshold.
 */
public final class Jfr {

    /** The test's code under recording. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private Jfr() {
    }

    /** Runs {@code body} under a recording of {@code events} and returns what was recorded, in order. */
    public static List<RecordedEvent> record(Body body, String... events) throws Exception {
        Path file = Files.createTempFile("jarl-test-", ".jfr");
        try (Recording r = new Recording()) {
            for (String e : events) {
                r.enable(e).withThreshold(Duration.ZERO);
            }
            r.start();
            body.run();
            r.stop();
            r.dump(file);
            List<RecordedEvent> got = RecordingFile.readAllEvents(file);
            return got.stream().sorted((a, b) -> a.getStartTime().compareTo(b.getStartTime())).toList();
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temp file left behind is not the test's failure
            }
        }
    }

    /** The events named {@code name}. */
    public static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }
}
