/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * What Jarl logs while a test runs: every record of the {@code dev.jarl} loggers (through
 * {@code System.Logger}, which the JDK routes to {@code java.util.logging}), formatted as a
 * log line would be. Close it to stop capturing.
 */
public final class LogCapture implements AutoCloseable {

    /** One record: its level and its message with the parameters filled in. */
    public record Line(Level level, String logger, String message) {
    }

    private final Logger root = Logger.getLogger("dev.jarl");
    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Level before;
    private final Handler handler = new Handler() {
        private final SimpleFormatter format = new SimpleFormatter();

        @Override
        public void publish(LogRecord r) {
            lines.add(new Line(r.getLevel(), r.getLoggerName(), format.formatMessage(r)));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Starts capturing records at {@code level} and above. */
    public LogCapture(Level level) {
        before = root.getLevel();
        root.setLevel(level);
        handler.setLevel(level);
        root.addHandler(handler);
    }

    /** The lines so far. */
    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The lines so far at {@code level} whose message contains {@code text}. */
    public List<Line> find(Level level, String text) {
        return lines.stream().filter(l -> l.level().equals(level) && l.message().contains(text)).toList();
    }

    @Override
    public void close() {
        root.removeHandler(handler);
        root.setLevel(before);
    }
}
