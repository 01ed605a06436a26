/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.NodeName;

/** Helpers shared by the commands. */
final class Cli {

    private Cli() {
    }

    /** Starts a node, turning the usual failures into messages a user can act on. */
    static Node startNode(NodeConfig config) {
        try {
            return Node.start(config);
        } catch (IOException e) {
            throw new CliException("cannot start node " + config.name() + ": " + e.getMessage());
        }
    }

    /** The address {@code text} given to {@code option}, or a one-line error naming both. */
    static InetAddress address(String option, String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new CliException(option + " " + text + ": unknown address", 2);
        }
    }

    /** Parses a node name given on the command line, with a message naming the argument. */
    static NodeName parseNode(String text) {
        try {
            return NodeName.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2);
        }
    }

    /** {@code net_adm:ping/1}: true for pong. */
    static boolean ping(Node node, NodeName target) throws InterruptedException {
        return node.ping(target);
    }

    /**
     * Connects to {@code target} or fails with one line saying why: the node is not
     * registered, the host is unknown, the cookie is wrong, ...
     */
    static void connect(Node node, NodeName target) throws InterruptedException {
        try {
            node.connect(target);
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new CliException(m.contains(target.toString()) ? m : "cannot connect to " + target + ": " + m);
        }
    }

    /** Connects, then pings; fails with one line when either does not work. */
    static void reach(Node node, NodeName target) throws InterruptedException {
        connect(node, target);
        if (!node.ping(target)) {
            throw new CliException("connected to " + target + " but it did not answer net_kernel's is_auth");
        }
    }

    /** Jarl's own loggers; held so that the level set on it stays (JUL keeps loggers weakly). */
    private static final Logger JARL_LOGGER = Logger.getLogger("dev.jarl");

    /**
     * Sets up logging for a command-line run: warnings and errors only, one line each, on
     * standard error. {@code --verbose} lowers the level of Jarl's own loggers
     * ({@code dev.jarl.*}) to DEBUG, not the JDK's: the JDK's loggers stay at WARNING, so its
     * debug chatter (such as {@code Runtime.exit} logging) stays out.
     */
    static void configureLogging(boolean verbose) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Handler handler = new StreamHandler(System.err, new Formatter() {
            @Override
            public String format(LogRecord r) {
                String line = "jarl: " + levelName(r.getLevel()) + ": " + formatMessage(r) + System.lineSeparator();
                if (verbose && r.getThrown() != null) {
                    StringWriter w = new StringWriter();
                    r.getThrown().printStackTrace(new PrintWriter(w));
                    line += w;
                }
                return line;
            }
        }) {
            @Override
            public synchronized void publish(LogRecord r) {
                super.publish(r);
                flush();
            }
        };
        handler.setLevel(Level.ALL);
        root.setLevel(Level.WARNING);
        root.addHandler(handler);
        JARL_LOGGER.setLevel(verbose ? Level.FINE : null);
    }

    /** System.Logger's names for the JUL levels it maps to: debug, info, warning, error. */
    private static String levelName(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "error";
        }
        if (v >= Level.WARNING.intValue()) {
            return "warning";
        }
        if (v >= Level.INFO.intValue()) {
            return "info";
        }
        return "debug";
    }
}
