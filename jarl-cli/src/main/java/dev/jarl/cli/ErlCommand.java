/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jarl erl --carrier udp -- ERL_ARGS}: a real Erlang node whose distribution runs over
 * Jarl's UDP protocol ({@code jarl_udp_dist}, the module in {@code jarl-udp-dist/}). The
 * module's source travels inside the jar; on first use it is compiled by the {@code erlc} beside
 * the {@code erl} on the {@code PATH} into a per-user cache, one directory per emulator version
 * and module source, and {@code erl -proto_dist jarl_udp -pa DIR ERL_ARGS} runs as a child
 * with this process's standard input, output and error, its exit code passed through.
 */
@Command(name = "erl",
        mixinStandardHelpOptions = true,
        description = {"Starts a real Erlang node (erl) whose distribution runs over a Jarl",
                "carrier; erl's arguments follow, best after --. erl gets this command's",
                "standard input and output (its shell works), and its exit code is this",
                "command's.",
                "",
                "udp: erl -proto_dist jarl_udp with the jarl_udp_dist module",
                "     (docs/udp-carrier.md), compiled on first use by the erlc beside erl",
                "     into XDG_CACHE_HOME/jarl (else ~/.cache/jarl), one directory per",
                "     emulator version and module source. The node registers its UDP port",
                "     in EPMD: it reaches and is reached by nodes on jarl_udp and Jarl",
                "     nodes on --carrier udp only.",
                "tcp: erl as it is (inet_tcp_dist), for comparison.",
                ""},
        footer = {"",
                "Without a working erl it says how to install Erlang/OTP and exits 127.",
                "",
                "Examples:",
                "  jarl erl --carrier udp -- -sname a -setcookie secret",
                "  jarl serve --carrier udp --name b@localhost --cookie secret",
                "  jarl erl --carrier udp --udp-datagram-size 65000 -- -sname c@localhost \\",
                "      -setcookie secret -eval \"net_adm:ping(b@localhost)\"",
                "  jarl erl --carrier udp --print    (the erl command line, to run it yourself)"})
public final class ErlCommand implements Callable<Integer> {

    /** How to get Erlang, for every message about a missing or broken {@code erl}. */
    static final String INSTALL_HINT =
            "install Erlang/OTP 25 or newer (Debian, Ubuntu: apt-get install erlang-nox; macOS: brew install erlang)";

    /** Exit code when erl is missing or does not run: a shell's for a command it cannot find. */
    static final int NO_ERL = 127;

    private static final String RESOURCES = "/dev/jarl/cli/jarl_udp/";
    private static final String MODULE = "jarl_udp_dist";

    @Option(names = "--carrier", required = true, paramLabel = "udp|tcp",
            description = "udp: Jarl's UDP carrier (jarl_udp_dist); tcp: erl as it is (inet_tcp_dist).")
    String carrier;

    @Option(names = "--udp-datagram-size", paramLabel = "BYTES",
            description = "udp: largest datagram the node sends, 1200..65507 (default 1400; 65000 suits loopback).")
    Integer udpDatagramSize;

    @Option(names = "--print",
            description = "Print the erl command line (after compiling the module if needed) instead of running it.")
    boolean print;

    @Option(names = "--verbose", description = "Say which erl runs and where the module is.")
    boolean verbose;

    @Parameters(paramLabel = "ERL_ARG", arity = "0..*",
            description = "erl's own arguments (after --), for example -sname a -setcookie secret.")
    List<String> erlArgs = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> command = new ArrayList<>();
        switch (carrier) {
            case "udp" -> {
                if (udpDatagramSize != null && (udpDatagramSize < 1200 || udpDatagramSize > 65_507)) {
                    throw new CliException("--udp-datagram-size: " + udpDatagramSize + " (expected: 1200..65507)", 2);
                }
                Erl erl = Erl.find();
                Path dir = compiled(erl, err);
                command.addAll(List.of(erl.erl().toString(), "-proto_dist", "jarl_udp", "-pa", dir.toString()));
                if (udpDatagramSize != null) {
                    command.addAll(List.of("-jarl_udp_datagram_size", udpDatagramSize.toString()));
                }
            }
            case "tcp" -> {
                if (udpDatagramSize != null) {
                    throw new CliException("--udp-datagram-size: only for --carrier udp", 2);
                }
                command.add(Erl.find().erl().toString());
            }
            case "tls" -> throw new CliException("--carrier tls: not here; OTP has its own: erl -proto_dist inet_tls "
                    + "-ssl_dist_optfile FILE (see OTP's guide \"Using SSL for Erlang Distribution\")", 2);
            case "uds" -> throw new CliException("--carrier uds: not here; OTP's example erl_uds_dist "
                    + "(kernel's examples, package erlang-examples) is the Erlang side of Jarl's uds carrier", 2);
            default -> throw new CliException("--carrier " + carrier + ": unknown (expected: udp or tcp)", 2);
        }
        command.addAll(erlArgs);
        if (print) {
            out.println(String.join(" ", command.stream().map(ErlCommand::shellQuote).toList()));
            out.flush();
            return 0;
        }
        if (verbose) {
            err.println("jarl erl: " + String.join(" ", command.stream().map(ErlCommand::shellQuote).toList()));
            err.flush();
        }
        return run(command);
    }

    /** Runs erl with this process's standard streams; returns its exit code. */
    private static int run(List<String> command) throws IOException, InterruptedException {
        Process erl;
        try {
            erl = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            throw new CliException("cannot start " + command.get(0) + ": " + e.getMessage(), NO_ERL);
        }
        Thread hook = new Thread(() -> stop(erl), "jarl-erl-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Signals.forwardTo(erl);
        int code = erl.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it has nothing left to stop
        }
        return code;
    }

    /** The JVM is going away while erl runs (a signal not forwarded, say): stop erl as a TERM would. */
    private static void stop(Process erl) {
        if (erl.isAlive()) {
            erl.destroy();
            try {
                if (!erl.waitFor(10, TimeUnit.SECONDS)) {
                    erl.destroyForcibly();
                }
            } catch (InterruptedException e) {
                erl.destroyForcibly();
            }
        }
    }

    /**
     * The directory holding {@code jarl_udp_dist.beam} for this erl: in the cache when it is
     * there, else compiled now (into a fresh directory, then renamed into place, so two
     * first uses at once both end with a complete directory).
     */
    static Path compiled(Erl erl, PrintWriter err) {
        byte[] source = resource(MODULE + ".erl");
        byte[] app = resource("jarl_udp.app.src");
        String key = "erts-" + erl.ertsVersion() + "-" + hash(source, app);
        Path base = cacheRoot().resolve("jarl_udp_dist");
        Path dir = base.resolve(key);
        if (Files.isRegularFile(dir.resolve(MODULE + ".beam"))) {
            return dir;
        }
        Path tmp = null;
        try {
            Files.createDirectories(base);
            tmp = Files.createTempDirectory(base, ".build-");
            Files.write(tmp.resolve(MODULE + ".erl"), source);
            // the .app file too: application:load(jarl_udp) and its environment work from the directory
            Files.write(tmp.resolve("jarl_udp.app"), app);
            List<String> erlc = List.of(erl.erlc().toString(), "-o", tmp.toString(), tmp.resolve(MODULE + ".erl").toString());
            err.println("jarl erl: compiling " + MODULE + " for erts " + erl.ertsVersion() + " into " + dir);
            err.flush();
            Run r = Run.of(erlc, 120);
            if (r.code() != 0 || !Files.isRegularFile(tmp.resolve(MODULE + ".beam"))) {
                throw new CliException("erlc failed to compile " + MODULE + " (exit " + r.code() + "): "
                        + r.output().strip(), 1);
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
                // another first use won the race; its directory is complete
                if (!Files.isRegularFile(dir.resolve(MODULE + ".beam"))) {
                    throw new CliException("cannot put the compiled module into " + dir + ": " + e, 1);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new CliException("cannot compile " + MODULE + " into " + base + ": " + e.getMessage(), 1);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    /** {@code $XDG_CACHE_HOME/jarl}, else {@code ~/.cache/jarl}. */
    static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "jarl");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "jarl");
    }

    private static byte[] resource(String name) {
        try (InputStream in = ErlCommand.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new CliException("this jarl was built without the " + MODULE + " module (" + RESOURCES + name
                        + " is missing from its jar)", 1);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hash(byte[]... parts) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                d.update(p);
            }
            return HexFormat.of().formatHex(d.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left in the cache is harmless
        }
    }

    static String shellQuote(String word) {
        return word.matches("[A-Za-z0-9_@%+=:,./-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * The {@code erl} on the {@code PATH}, checked by running {@code erl -version} (a name on the
     * {@code PATH} may be a dangling link), its emulator version, and the {@code erlc} beside it.
     */
    record Erl(Path erl, Path erlc, String ertsVersion) {

        private static final Pattern VERSION = Pattern.compile("emulator version (\\S+)");

        static Erl find() {
            Path erl = onPath("erl");
            if (erl == null) {
                throw new CliException("erl is not installed (no erl on the PATH): " + INSTALL_HINT, NO_ERL);
            }
            Run r;
            try {
                r = Run.of(List.of(erl.toString(), "-version"), 30);
            } catch (IOException e) {
                throw new CliException("erl (" + erl + ") cannot be run (" + e.getMessage() + "): " + INSTALL_HINT, NO_ERL);
            }
            Matcher m = VERSION.matcher(r.output());
            if (r.code() != 0 || !m.find()) {
                String first = r.output().strip().lines().findFirst().orElse("no output");
                throw new CliException("erl (" + erl + ") does not run here (erl -version exited " + r.code() + ": "
                        + first + "): " + INSTALL_HINT, NO_ERL);
            }
            Path beside = erl.resolveSibling("erlc");
            Path erlc = Files.isExecutable(beside) ? beside : onPath("erlc");
            if (erlc == null) {
                throw new CliException("erlc is not installed (not beside " + erl + ", not on the PATH): " + INSTALL_HINT,
                        NO_ERL);
            }
            return new Erl(erl, erlc, m.group(1).replaceAll("[^A-Za-z0-9._-]", "_"));
        }

        private static Path onPath(String tool) {
            String path = System.getenv("PATH");
            if (path == null) {
                return null;
            }
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path p = Path.of(dir, tool);
                if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p)) {
                    return p;
                }
            }
            return null;
        }
    }

    /** A command run to completion: exit code and output (standard output and error together). */
    record Run(int code, String output) {

        static Run of(List<String> command, int timeoutSeconds) throws IOException {
            Path out = Files.createTempFile("jarl-erl", ".out");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Run(-1, "did not finish within " + timeoutSeconds + " s");
                }
                return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } finally {
                Files.deleteIfExists(out);
            }
        }
    }

    /**
     * While erl runs as a child, the signals a terminal or a service manager sends: Ctrl-C
     * (SIGINT) reaches erl itself, which is in the same process group (its break menu), so
     * this process ignores it; SIGTERM and SIGHUP sent to this process alone are passed on
     * to erl as SIGTERM (erl then stops as after {@code init:stop()}), and its exit code is
     * this process's. Through {@code sun.misc.Signal} (module jdk.unsupported), looked up
     * reflectively: where it is missing the shutdown hook stops erl instead.
     */
    static final class Signals {

        private Signals() {
        }

        static void forwardTo(Process erl) {
            handle("INT", () -> {
            });
            handle("TERM", erl::destroy);
            handle("HUP", erl::destroy);
        }

        private static void handle(String name, Runnable action) {
            try {
                Class<?> signal = Class.forName("sun.misc.Signal");
                Class<?> handler = Class.forName("sun.misc.SignalHandler");
                Object sig = signal.getConstructor(String.class).newInstance(name);
                Object h = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler}, (proxy, method, args) -> {
                    if (method.getName().equals("handle")) {
                        action.run();
                        return null;
                    }
                    return switch (method.getName()) {
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "jarl erl signal handler " + name;
                    };
                });
                signal.getMethod("handle", signal, handler).invoke(null, sig, h);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // no sun.misc.Signal, or the signal is not ours to handle (ignored when started,
                // used by the JVM): the default stays, and the shutdown hook stops erl
            }
        }
    }
}
