/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.nio.file.Path;
import java.util.Locale;

import dev.jarl.node.Cookie;
import dev.jarl.node.CookieFile;
import dev.jarl.term.NodeName;
import picocli.CommandLine.Option;

/**
 * Options every node-starting command shares: name, cookie, verbosity. Mixed into commands.
 */
final class NodeOptions {

    @Option(names = "--name", paramLabel = "NAME@HOST",
            description = "This node's name. A host without dots means short names (like erl -sname); "
                    + "with dots or an IP address, long names (like erl -name). "
                    + "Default: a random hidden name in the target's naming mode.")
    String name;

    @Option(names = "--cookie", paramLabel = "COOKIE",
            description = {"The distribution cookie (visible to other users in the process list: prefer "
                    + "--cookie-file on a shared machine).",
                    "Default: as erl, ~/.erlang.cookie, else $XDG_CONFIG_HOME/erlang/.erlang.cookie "
                            + "(~/.config/erlang/), else a new ~/.erlang.cookie (mode 0400). As erl, a cookie file "
                            + "group or others may access is refused."})
    String cookie;

    @Option(names = "--cookie-file", paramLabel = "FILE",
            description = "Read the cookie from FILE, as erl reads ~/.erlang.cookie: a regular file only its owner "
                    + "may access (chmod 400 FILE).")
    Path cookieFile;

    @Option(names = "--verbose", description = "Print Jarl's debug logs, and stack traces with errors.")
    boolean verbose;

    /**
     * The cookie from {@code --cookie}, else {@code --cookie-file}, else the files erl reads.
     * Never printed: its source is what messages show.
     */
    Cookie cookie() {
        if (cookie != null && cookieFile != null) {
            throw new CliException("give --cookie or --cookie-file, not both", 2);
        }
        try {
            if (cookie != null) {
                return Cookie.of(cookie, "--cookie");
            }
            return cookieFile != null ? CookieFile.read(cookieFile) : CookieFile.readOrCreateDefault();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2);
        } catch (IOException e) {
            // a refusal of a file open to others already names --cookie among its fixes
            boolean saysHow = cookieFile != null || e.getMessage().contains("--cookie");
            throw new CliException(e.getMessage() + (saysHow ? "" : " (give --cookie or --cookie-file)"));
        }
    }

    /** This node's name: {@code --name}, else a random one in {@code target}'s naming mode. */
    NodeName nodeName(NodeName target) {
        if (name != null) {
            return name.indexOf('@') >= 0 ? NodeName.parse(name) : new NodeName(name, localHost(target));
        }
        return new NodeName("jarl_" + randomSuffix(), localHost(target));
    }

    /** A host part for this machine in the naming mode of {@code target} (short when null). */
    static String localHost(NodeName target) {
        try {
            if (target == null || !target.isLongName()) {
                String h = InetAddress.getLocalHost().getHostName();
                int dot = h.indexOf('.');
                return dot < 0 ? h : h.substring(0, dot);
            }
            String host = target.host();
            if (Character.digit(host.charAt(0), 16) >= 0 && host.chars().allMatch(c -> c == '.' || c == ':' || Character.digit(c, 16) >= 0)) {
                InetAddress a = InetAddress.getByName(host);
                return a.isLoopbackAddress() ? host : InetAddress.getLocalHost().getHostAddress();
            }
            String fqdn = InetAddress.getLocalHost().getCanonicalHostName();
            return fqdn.indexOf('.') >= 0 ? fqdn : "127.0.0.1";
        } catch (UnknownHostException e) {
            return target != null && target.isLongName() ? "127.0.0.1" : "localhost";
        }
    }

    private static String randomSuffix() {
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            sb.append((char) ('a' + r.nextInt(26)));
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
