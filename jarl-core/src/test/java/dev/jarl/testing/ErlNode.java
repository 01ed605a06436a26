/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code erl} node that a test drives line by line.
 *
 * <p>The node runs a small control loop (module {@code jarl_test_ctl}, compiled once per JVM)
 * that reads one line of Erlang expressions from standard input, evaluates it in the control
 * process, and prints one result line. {@link #eval(String)} returns the value printed with
 * {@code ~w}; {@link #evalResult(String)} also gives the {@code term_to_binary} bytes and tells
 * a raised exception from a value. Because the expressions run in the same process each time,
 * messages sent to {@code self()} stay in its mailbox between calls and the process
 * dictionary persists.
 *
 * <p>Distributed nodes start with {@code -start_epmd false} and {@code ERL_EPMD_PORT} set to
 * the EPMD the test chose, so no stray daemon changes what a test sees, and listen on loopback
 * only ({@link Otp#ERL_LOOPBACK_ONLY}) unless the test's arguments name another
 * {@code inet_dist_use_interface}.
 */
public final class ErlNode implements AutoCloseable {

    private static final String MARK = "#JARL# ";
    private static volatile Path ctlDir;

    private final Process process;
    private final String name;
    private final OutputStream stdin;
    private final BlockingQueue<String> results = new LinkedBlockingQueue<>();
    private final StringBuffer log = new StringBuffer();

    /** The outcome of one evaluation. */
    public record Result(boolean ok, String text, byte[] etf) {
    }

    private ErlNode(Process process, String name) {
        this.process = process;
        this.name = name;
        this.stdin = process.getOutputStream();
        Thread.ofVirtual().name("erl-out-" + name).start(this::pump);
    }

    /** Builder for a node; see {@link #builder()}. */
    public static final class Builder {
        private String sname;
        private String lname;
        private String cookie = "jarltest";
        private Integer epmdPort;
        private boolean noEpmd;
        private Path directory;
        private final List<String> args = new ArrayList<>();
        private final List<String> prefix = new ArrayList<>();
        private final Map<String, String> env = new java.util.HashMap<>();

        /** Short name ({@code -sname}); the host part is added by erl. */
        public Builder sname(String sname) {
            this.sname = sname;
            return this;
        }

        /** Long name ({@code -name}), e.g. {@code x@127.0.0.1}. */
        public Builder name(String longName) {
            this.lname = longName;
            return this;
        }

        public Builder cookie(String cookie) {
            this.cookie = cookie;
            return this;
        }

        /** The EPMD port ({@code ERL_EPMD_PORT}); required for a distributed node. */
        public Builder epmdPort(int port) {
            this.epmdPort = port;
            return this;
        }

        /**
         * A distributed node without EPMD ({@code -no_epmd}), for carriers that find peers
         * another way (Unix sockets); then no {@link #epmdPort} is needed.
         */
        public Builder noEpmd() {
            this.noEpmd = true;
            return this;
        }

        /**
         * The working directory of {@code erl}; with an OTP root set it must lie under
         * {@code /tmp}, which erl in the tree shares (see {@link Otp#command}).
         */
        public Builder directory(Path dir) {
            this.directory = dir;
            return this;
        }

        /** Extra arguments for {@code erl}, e.g. {@code "-kernel", "net_ticktime", "4"}. */
        public Builder args(String... more) {
            args.addAll(List.of(more));
            return this;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /**
         * A command that runs erl, e.g. {@code ip netns exec NS} for a node in a network
         * namespace the test made; it must exec erl so that {@link #pid()} stays the node's.
         */
        public Builder prefix(String... command) {
            prefix.addAll(List.of(command));
            return this;
        }

        public ErlNode start() {
            return ErlNode.start(this);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A short-named node registered with the EPMD on {@code epmdPort}. */
    public static ErlNode start(String sname, String cookie, int epmdPort, String... extraArgs) {
        return builder().sname(sname).cookie(cookie).epmdPort(epmdPort).args(extraArgs).start();
    }

    private static ErlNode start(Builder b) {
        Otp.requireErl();
        List<String> cmd = new ArrayList<>(b.prefix);
        cmd.addAll(Otp.command("erl"));
        cmd.addAll(List.of("-noshell", "-pa", controlModule()));
        String fullName = null;
        if (b.sname != null || b.lname != null) {
            if (b.epmdPort == null && !b.noEpmd) {
                throw new IllegalArgumentException("a distributed erl node needs an epmdPort (ERL_EPMD_PORT) or noEpmd()");
            }
            if (b.sname != null) {
                cmd.addAll(List.of("-sname", b.sname));
                fullName = b.sname + "@" + Otp.shortHost();
            } else {
                cmd.addAll(List.of("-name", b.lname));
                fullName = b.lname;
            }
            cmd.addAll(List.of("-setcookie", b.cookie, "-start_epmd", "false"));
            if (b.noEpmd) {
                cmd.add("-no_epmd");
            }
            if (!b.args.contains("inet_dist_use_interface")) {
                cmd.addAll(Otp.ERL_LOOPBACK_ONLY);
            }
        }
        cmd.addAll(b.args);
        cmd.addAll(List.of("-eval", "jarl_test_ctl:main()"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (b.directory != null) {
            pb.directory(b.directory.toFile());
        }
        if (b.epmdPort != null) {
            pb.environment().put("ERL_EPMD_PORT", Integer.toString(b.epmdPort));
        }
        pb.environment().putAll(b.env);
        try {
            ErlNode node = new ErlNode(pb.start(), fullName);
            Result hello = node.evalResult("ok", Duration.ofSeconds(30));
            if (!hello.ok()) {
                node.close();
                throw new AssertionError("erl node did not start: " + hello.text() + "\n" + node.log());
            }
            return node;
        } catch (IOException e) {
            throw new AssertionError("could not start erl", e);
        }
    }

    /**
     * Compiles the control module once per JVM with the release under test and returns its
     * code path.
     */
    private static String controlModule() {
        Path dir = ctlDir;
        if (dir == null) {
            synchronized (ErlNode.class) {
                if (ctlDir == null) {
                    ctlDir = Path.of(compile("jarl_test_ctl", CONTROL_MODULE));
                }
                dir = ctlDir;
            }
        }
        return inside(dir);
    }

    /**
     * Compiles Erlang {@code source} of {@code module} with erlc of the release under test
     * into a new folder under {@code /tmp} (deleted when the JVM exits) and returns that
     * folder as erl sees it, for {@code -pa}.
     */
    public static String compile(String module, String source) {
        try {
            Path d = Files.createTempDirectory(Path.of("/tmp"), "jarl-" + module);
            d.toFile().deleteOnExit(); // registered first, so deleted last, once empty
            Path src = d.resolve(module + ".erl");
            Files.writeString(src, source);
            src.toFile().deleteOnExit();
            d.resolve(module + ".beam").toFile().deleteOnExit();
            List<String> erlc = Otp.command("erlc");
            erlc.addAll(List.of("-o", inside(d), inside(src)));
            Otp.run(erlc, 60);
            return inside(d);
        } catch (IOException e) {
            throw new AssertionError("could not compile " + module + ".erl", e);
        }
    }

    /**
     * A host path as erl of the release under test sees it: the same path, which must lie
     * under {@code /tmp} when the release runs from another tree (see {@link Otp#command}).
     */
    public static String inside(Path hostPath) {
        Path abs = hostPath.toAbsolutePath().normalize();
        if (Otp.root() != null && !abs.startsWith("/tmp")) {
            throw new IllegalArgumentException(hostPath + " is not under /tmp, so erl in " + Otp.root() + " cannot see it");
        }
        return abs.toString();
    }

    private static final String CONTROL_MODULE = """
            -module(jarl_test_ctl).
            -export([main/0]).
            %% Reads a line of Erlang expressions, evaluates it here, prints one result line:
            %% "#JARL# ok|error HEX TEXT" where HEX is term_to_binary of the value (or of
            %% {Class, Reason, Stack} on an exception) and TEXT the same printed with ~w.
            main() -> loop().
            loop() ->
                case io:get_line('') of
                    eof -> erlang:halt(0);
                    {error, _} -> erlang:halt(0);
                    Line ->
                        {Status, Value} = run(Line),
                        Bin = term_to_binary(Value, [{minor_version, 2}]),
                        Hex = binary:encode_hex(Bin),
                        io:format("#JARL# ~s ~s ~w~n", [Status, Hex, Value]),
                        loop()
                end.
            run(Line) ->
                try
                    {ok, Tokens, _} = erl_scan:string(Line),
                    {ok, Exprs} = erl_parse:parse_exprs(Tokens),
                    {value, V, _} = erl_eval:exprs(Exprs, []),
                    {ok, V}
                catch C:R:S -> {error, {C, R, S}}
                end.
            """;

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(MARK)) {
                    results.add(line.substring(MARK.length()));
                } else {
                    log.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            log.append("[output closed: ").append(e.getMessage()).append("]\n");
        } finally {
            results.add("closed");
        }
    }

    /** The node's full name, {@code sname@host}, or null when not distributed. */
    public String name() {
        return name;
    }

    /** The OS process id of the node (the BEAM itself: erl execs into it). */
    public long pid() {
        return process.pid();
    }

    /** What the node printed besides result lines (logs, crash reports). */
    public String log() {
        return log.toString();
    }

    /**
     * Evaluates {@code expressions} (comma-separated, the final full stop optional) and returns
     * the value printed with {@code ~w}. An Erlang exception fails the test with its text.
     */
    public String eval(String expressions) {
        Result r = evalResult(expressions);
        if (!r.ok()) {
            throw new AssertionError("erl raised on '" + expressions + "': " + r.text() + "\nnode log:\n" + log());
        }
        return r.text();
    }

    /** As {@link #eval(String)} with a 30 s limit, keeping exceptions as results. */
    public Result evalResult(String expressions) {
        return evalResult(expressions, Duration.ofSeconds(30));
    }

    /** Evaluates with a time limit; an exception in Erlang is a result with {@code ok == false}. */
    public Result evalResult(String expressions, Duration timeout) {
        String line = expressions.strip().replace('\n', ' ');
        if (!line.endsWith(".")) {
            line = line + ".";
        }
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            String reply = results.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (reply == null) {
                throw new AssertionError("erl did not answer '" + expressions + "' within " + timeout + "\nnode log:\n" + log());
            }
            if (reply.equals("closed")) {
                results.add("closed");
                throw new AssertionError("erl node exited; log:\n" + log());
            }
            String[] parts = reply.split(" ", 3);
            return new Result(parts[0].equals("ok"), parts.length > 2 ? parts[2] : "", HexFormat.of().parseHex(parts[1]));
        } catch (IOException e) {
            throw new AssertionError("erl node is gone; log:\n" + log(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Sends a signal to the node's OS process ({@code STOP}, {@code CONT}, {@code KILL}). */
    public void signal(String signal) {
        Otp.run(List.of("kill", "-" + signal, Long.toString(process.pid())), 10);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the node to exit by itself (after {@code halt}), up to {@code timeout}. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the node: {@code halt()} first, then by force; a stopped node is resumed first. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        try {
            try {
                signal("CONT");
            } catch (AssertionError ignored) {
                // already gone
            }
            try {
                stdin.write("erlang:halt(0).\n".getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            } catch (IOException ignored) {
                // stdin already closed: fall through to destroy
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
