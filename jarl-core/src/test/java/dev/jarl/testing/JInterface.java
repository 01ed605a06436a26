/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * OTP's own Java node, JInterface ({@code OtpErlang.jar}), loaded at test time from the jar an
 * Erlang installation ships, for the tests that put Jarl and JInterface on the same wire.
 *
 * <p>Jarl does not depend on JInterface in any form: no Maven dependency (Maven Central's
 * copy is years older than the OTP releases Jarl supports, and Debian's jar is not in any
 * repository), nothing on the compile class path. These few reflective calls are all the
 * tests need. The jar is {@code -Djarl.jinterface.jar=PATH}, else Debian's
 * {@code /usr/share/java/OtpErlang.jar} ({@code apt-get install erlang-jinterface}). Without
 * it {@link #require()} skips the test with a message starting {@code JINTERFACE TEST NOT RUN},
 * or fails it under CI ({@code CI=true}).
 */
public final class JInterface {

    /** The start of the skip message, which CI looks for in the test reports. */
    public static final String BANNER = "JINTERFACE TEST NOT RUN";

    private static final String DEFAULT_JAR = "/usr/share/java/OtpErlang.jar";
    private static final String PKG = "com.ericsson.otp.erlang.";

    private static volatile JInterface loaded;

    private final ClassLoader loader;
    private final Path jar;

    private JInterface(ClassLoader loader, Path jar) {
        this.loader = loader;
        this.jar = jar;
    }

    /** The jar the tests use: {@code jarl.jinterface.jar}, else Debian's. */
    public static Path jar() {
        String p = System.getProperty("jarl.jinterface.jar");
        return Path.of(p == null || p.isBlank() ? DEFAULT_JAR : p);
    }

    /** JInterface, loaded once per JVM; skips the test (fails it under CI) when the jar is not there. */
    public static JInterface require() {
        JInterface j = loaded;
        if (j != null) {
            return j;
        }
        synchronized (JInterface.class) {
            if (loaded == null) {
                loaded = load(jar());
            }
            return loaded;
        }
    }

    private static JInterface load(Path jar) {
        if (!Files.isRegularFile(jar)) {
            Tools.unavailable(BANNER, "JInterface jar " + jar + " not found"
                    + (Files.isSymbolicLink(jar) ? " (a dangling link)" : "")
                    + "; install it (apt-get install erlang-jinterface) or pass -Djarl.jinterface.jar=PATH");
        }
        try {
            URLClassLoader cl = new URLClassLoader("jinterface", new URL[] {jar.toUri().toURL()},
                    JInterface.class.getClassLoader());
            cl.loadClass(PKG + "OtpNode");
            return new JInterface(cl, jar);
        } catch (ClassNotFoundException | MalformedURLException e) {
            Tools.unavailable(BANNER, jar + " is not a JInterface jar: " + e);
            throw new AssertionError("unreachable", e);
        }
    }

    /** {@code OtpEpmd.useEpmdPort(port)}: every later JInterface node uses the EPMD on {@code port}. */
    public void useEpmdPort(int port) {
        invokeStatic("OtpEpmd", "useEpmdPort", new Class<?>[] {int.class}, port);
    }

    /** {@code new OtpNode(name, cookie)}. */
    public JNode node(String name, String cookie) {
        return new JNode(construct("OtpNode", new Class<?>[] {String.class, String.class}, name, cookie));
    }

    /** {@code new OtpErlangAtom(text)}. */
    public Object atom(String text) {
        return construct("OtpErlangAtom", new Class<?>[] {String.class}, text);
    }

    /** {@code new OtpErlangTuple(elements)}. */
    public Object tuple(Object... elements) {
        Object array = java.lang.reflect.Array.newInstance(type("OtpErlangObject"), elements.length);
        for (int i = 0; i < elements.length; i++) {
            java.lang.reflect.Array.set(array, i, elements[i]);
        }
        return construct("OtpErlangTuple", new Class<?>[] {array.getClass()}, array);
    }

    /** {@code ((OtpErlangTuple) tuple).elementAt(i)}. */
    public Object elementAt(Object tuple, int i) {
        return invoke(tuple, "elementAt", new Class<?>[] {int.class}, i);
    }

    /** {@code ((OtpErlangPid) pid).node()}. */
    public String pidNode(Object pid) {
        return (String) invoke(pid, "node", new Class<?>[0]);
    }

    /** True when {@code term} is a JInterface {@code OtpErlangTuple}. */
    public boolean isTuple(Object term) {
        return type("OtpErlangTuple").isInstance(term);
    }

    @Override
    public String toString() {
        return "JInterface from " + jar;
    }

    /** An {@code OtpNode}. */
    public final class JNode implements AutoCloseable {
        private final Object node;

        private JNode(Object node) {
            this.node = node;
        }

        /** {@code node.node()}: the full node name. */
        public String name() {
            return (String) invoke(node, "node", new Class<?>[0]);
        }

        /** {@code node.ping(other, timeoutMs)}. */
        public boolean ping(String other, long timeoutMs) {
            return (Boolean) invoke(node, "ping", new Class<?>[] {String.class, long.class}, other, timeoutMs);
        }

        /** {@code node.createMbox(name)}. */
        public JMbox createMbox(String name) {
            return new JMbox(invoke(node, "createMbox", new Class<?>[] {String.class}, name));
        }

        @Override
        public void close() {
            invoke(node, "close", new Class<?>[0]);
        }
    }

    /** An {@code OtpMbox}. */
    public final class JMbox {
        private final Object mbox;

        private JMbox(Object mbox) {
            this.mbox = mbox;
        }

        /** {@code mbox.self()}: its {@code OtpErlangPid}. */
        public Object self() {
            return invoke(mbox, "self", new Class<?>[0]);
        }

        /** {@code mbox.send(name, node, msg)}: to a registered name on a node. */
        public void send(String name, String node, Object msg) {
            invoke(mbox, "send", new Class<?>[] {String.class, String.class, type("OtpErlangObject")}, name, node, msg);
        }

        /** {@code mbox.send(pid, msg)}. */
        public void send(Object pid, Object msg) {
            invoke(mbox, "send", new Class<?>[] {type("OtpErlangPid"), type("OtpErlangObject")}, pid, msg);
        }

        /** {@code mbox.receive(timeoutMs)}: the next message, or null after the timeout. */
        public Object receive(long timeoutMs) {
            return invoke(mbox, "receive", new Class<?>[] {long.class}, timeoutMs);
        }
    }

    private Class<?> type(String simpleName) {
        try {
            return Class.forName(PKG + simpleName, true, loader);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(jar + " has no " + PKG + simpleName, e);
        }
    }

    private Object construct(String simpleName, Class<?>[] parameters, Object... args) {
        try {
            Constructor<?> c = type(simpleName).getConstructor(parameters);
            return c.newInstance(args);
        } catch (InvocationTargetException e) {
            throw rethrow(simpleName, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("JInterface's " + simpleName + " lacks the constructor the tests use", e);
        }
    }

    private Object invokeStatic(String simpleName, String method, Class<?>[] parameters, Object... args) {
        try {
            return type(simpleName).getMethod(method, parameters).invoke(null, args);
        } catch (InvocationTargetException e) {
            throw rethrow(simpleName + "." + method, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("JInterface lacks " + simpleName + "." + method, e);
        }
    }

    private static Object invoke(Object target, String method, Class<?>[] parameters, Object... args) {
        try {
            Method m = target.getClass().getMethod(method, parameters);
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw rethrow(target.getClass().getSimpleName() + "." + method, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("JInterface lacks " + target.getClass().getName() + "." + method, e);
        }
    }

    private static RuntimeException rethrow(String what, Throwable cause) {
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        throw new AssertionError("JInterface " + what + " threw " + cause, cause);
    }
}
