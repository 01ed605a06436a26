/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.jarl.term.Term;

/**
 * Runs the node's {@link SystemProcess}es: each registered under its name, served on a
 * virtual thread of its own until the node closes.
 *
 * <p>A system process outlives anything one message does to it: a message its handler fails
 * on is logged (once per kind of failure) and dropped. Without {@code net_kernel}, say, no
 * {@code erl} could ping this node any more.
 */
final class SystemProcesses {

    private static final Logger LOG = System.getLogger(SystemProcesses.class.getName());

    private final Node node;
    private final Set<String> loggedOnce = ConcurrentHashMap.newKeySet();

    SystemProcesses(Node node) {
        this.node = node;
    }

    /**
     * The processes every Jarl node runs: {@code net_kernel} (answers {@code is_auth}),
     * {@code rex} (features and the legacy call); {@code global_name_server} is
     * {@link Global}'s, started by the node.
     */
    List<SystemProcess> standard(Rpc rpc) {
        return List.of(new NetKernel(this), new Rex(node, rpc, this));
    }

    /** Registers each process under its name and starts serving it. */
    void start(List<SystemProcess> processes) {
        for (SystemProcess p : processes) {
            serve(node.createMailbox(p.name()), p);
        }
    }

    private void serve(Mailbox box, SystemProcess process) {
        String who = process.name();
        Thread.ofVirtual().name("jarl-" + who + "-" + node.name()).start(() -> {
            while (!node.isClosed()) {
                Term message;
                try {
                    message = box.receive();
                } catch (InterruptedException | IllegalStateException stopped) {
                    return; // the node is closing
                }
                try {
                    process.handle(box, message);
                } catch (Throwable e) { // one message must not end a system process
                    if (node.isClosed()) {
                        return;
                    }
                    if (loggedOnce.add(who + " failed " + e.getClass().getName())) {
                        LOG.log(Level.WARNING, who + " of " + node.name() + ": dropped a message it failed on "
                                + "(logged once per kind of failure)", e);
                    }
                }
            }
        });
    }

    /**
     * Logs a WARNING the first time {@code key} is seen, for messages a system process
     * ignores: a peer may send them endlessly.
     */
    void logOnce(String key, String format, Object... args) {
        if (loggedOnce.add(key)) {
            LOG.log(Level.WARNING, format + " (logged once per kind)", args);
        }
    }
}
