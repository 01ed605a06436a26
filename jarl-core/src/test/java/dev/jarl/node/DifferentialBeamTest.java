/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Etf;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermDecodeException;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;
import dev.jarl.testing.BeamTerms;
import dev.jarl.testing.Closeables;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * Differential testing against the BEAM: seeded random terms ({@link BeamTerms}) go through
 * Jarl's encoder into {@code binary_to_term}, then from {@code erl} through a Jarl echo
 * process (decoded and encoded again by Jarl's distribution layer) back to {@code erl}, where
 * they must be {@code =:=} to what {@code erl} sent and equal float for float bit by bit (so
 * {@code 0.0} and {@code -0.0} are told apart on every release); and {@code erl}'s own
 * {@code term_to_binary} of each decodes in Jarl to the term Jarl generated. Encoded bytes
 * are not compared: map order and integer encodings legitimately differ.
 *
 * <p>20 000 terms against OTP 25 (this machine's), 3 000 against the newer releases of the
 * matrix; {@code -Djarl.diff.terms=N} and {@code -Djarl.diff.seed=S} override. A failure
 * names the term's seed and prints the term; {@code BeamTerms.forSeed(seed)} rebuilds it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class DifferentialBeamTest {

    /** Compares two terms as =:= and, in every float, bit by bit (OTP 25 has 0.0 =:= -0.0). */
    private static final String SAME = "Same = fun S(A, B) when is_float(A), is_float(B) -> <<A:64/float>> =:= <<B:64/float>>;"
            + " S([HA | TA], [HB | TB]) -> S(HA, HB) andalso S(TA, TB);"
            + " S(A, B) when is_tuple(A), is_tuple(B), tuple_size(A) =:= tuple_size(B) -> S(tuple_to_list(A), tuple_to_list(B));"
            + " S(A, B) when is_map(A), is_map(B), map_size(A) =:= map_size(B) -> S(lists:sort(maps:to_list(A)), lists:sort(maps:to_list(B)));"
            + " S(A, B) when is_function(A), is_function(B) -> A =:= B andalso"
            + "   S(element(2, erlang:fun_info(A, env)), element(2, erlang:fun_info(B, env)));"
            + " S(A, B) -> A =:= B end";

    private static final int BATCH = 400;

    private RealEpmd epmd;
    private ErlNode erl;
    private Node jarl;
    private Thread echo;

    @BeforeAll
    void start() throws Exception {
        Otp.requireErl();
        epmd = RealEpmd.start();
        erl = ErlNode.start(Otp.uniqueName("diff"), "jarltest", epmd.port());
        erl.eval("register(dbox, self()), ok");
        jarl = Node.start(NodeConfig.builder(Otp.uniqueName("jarl") + "@" + Otp.shortHost()).cookie("jarltest")
                .epmdPort(epmd.port()).carrier(Otp.loopbackTcp(epmd.port())).build());
        Mailbox box = jarl.createMailbox("echo");
        echo = Thread.ofVirtual().name("diff-echo").start(() -> {
            try {
                while (true) {
                    Term m = box.receive();
                    if (m instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid from) {
                        box.send(from, Tuple.of(Atom.of("echoed"), t.get(1)));
                    }
                }
            } catch (InterruptedException e) {
                // the test is over
            }
        });
    }

    @AfterAll
    void stop() {
        if (echo != null) {
            echo.interrupt();
        }
        Closeables.closeAll(jarl, erl, epmd);
    }

    private static int count() {
        String n = System.getProperty("jarl.diff.terms");
        if (n != null) {
            return Integer.parseInt(n);
        }
        return "25".equals(Otp.release()) ? 20_000 : 3_000;
    }

    private static long baseSeed() {
        String s = System.getProperty("jarl.diff.seed");
        return s != null ? Long.parseLong(s) : new java.security.SecureRandom().nextLong() & 0x7FFF_FFFF_FFFF_FFFFL;
    }

    private static String shown(Term t) {
        String s = t.toString();
        return s.length() > 2000 ? s.substring(0, 2000) + "... (" + s.length() + " characters)" : s;
    }

    /**
     * The term with every fun's creator pid replaced by one pid. Since OTP 26 the BEAM keeps no
     * creator in a fun and {@code term_to_binary} writes a pid of its own node instead.
     */
    private static Term funPidsApart(Term t) {
        return switch (t) {
            case Tuple tu -> Tuple.of(tu.elements().stream().map(DifferentialBeamTest::funPidsApart).toList());
            case TermList l -> l.isProper() ? TermList.of(l.elements().stream().map(DifferentialBeamTest::funPidsApart).toList())
                    : TermList.improper(l.elements().stream().map(DifferentialBeamTest::funPidsApart).toList(), funPidsApart(l.tail()));
            case dev.jarl.term.TermMap m -> {
                java.util.Map<Term, Term> out = new java.util.LinkedHashMap<>();
                m.entries().forEach(e -> out.put(funPidsApart(e.getKey()), funPidsApart(e.getValue())));
                yield dev.jarl.term.TermMap.of(out);
            }
            case dev.jarl.term.Fun f -> new dev.jarl.term.Fun(f.arity(), f.uniq(), f.index(), f.module(), f.oldIndex(),
                    f.oldUniq(), new Pid(Atom.of("nonode@nohost"), 0, 0, 0),
                    f.freeVars().stream().map(DifferentialBeamTest::funPidsApart).toList());
            default -> t;
        };
    }

    /** Where two terms differ, for the failure message: the first pair of unequal subterms found. */
    private static String difference(Term sent, Term echoed) {
        java.util.ArrayDeque<Term[]> work = new java.util.ArrayDeque<>();
        work.push(new Term[] {sent, echoed});
        String found = "none in Jarl's view";
        while (!work.isEmpty()) {
            Term[] p = work.pop();
            if (p[0].equals(p[1])) {
                continue;
            }
            found = shown(p[0]) + " came back as " + shown(p[1]);
            List<Term> a = parts(p[0]);
            List<Term> b = parts(p[1]);
            if (a.size() == b.size()) {
                for (int i = a.size() - 1; i >= 0; i--) {
                    work.push(new Term[] {a.get(i), b.get(i)});
                }
            }
        }
        return found;
    }

    private static List<Term> parts(Term t) {
        return switch (t) {
            case Tuple tu -> tu.elements();
            case TermList l -> l.elements();
            case dev.jarl.term.TermMap m -> m.keys();
            case dev.jarl.term.Fun f -> f.freeVars();
            default -> List.of();
        };
    }

    @Test
    void randomTermsAgreeWithTheBeamBothWays() throws Exception {
        int n = count();
        long base = baseSeed();
        NodeName erlName = NodeName.parse(erl.name());
        Mailbox results = jarl.createMailbox("diffresults");
        String q = "'" + jarl.name() + "'";
        // all of a batch goes out before the echoes are read: one connection keeps them in order
        String check = SAME + ", receive {batch, Bs} ->"
                + " Ts = [try {ok, binary_to_term(B)} catch error:Why -> {bad, Why} end || B <- Bs],"
                + " [{echo, " + q + "} ! {self(), T} || {ok, T} <- Ts],"
                + " R = [case X of {ok, T} -> receive {echoed, E2} -> case T =:= E2 andalso Same(T, E2) of"
                + "   true -> {true, term_to_binary(T)}; false -> {false, term_to_binary(T), term_to_binary(E2)} end"
                + "   after 20000 -> {timeout, <<>>} end;"
                + "  {bad, Why} -> {{binary_to_term_failed, Why}, <<>>} end || X <- Ts],"
                + " {diffresults, " + q + "} ! {results, R}, ok after 20000 -> no_batch end";
        List<String> failures = new ArrayList<>();
        for (int from = 0; from < n; from += BATCH) {
            int size = Math.min(BATCH, n - from);
            List<Term> terms = new ArrayList<>(size);
            List<Term> encoded = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                Term t = BeamTerms.forSeed(base + from + i);
                terms.add(t);
                encoded.add(Binary.of(Etf.encode(t)));
            }
            results.send("dbox", erlName, Tuple.of(Atom.of("batch"), TermList.of(encoded)));
            assertEquals("ok", erl.eval(check), "batch from seed " + (base + from));
            long batchSeed = base + from;
            Optional<Term> reply = results.receive(Duration.ofSeconds(60));
            Term r = reply.orElseThrow(() -> new AssertionError("no results for the batch from seed " + batchSeed));
            TermList list = (TermList) ((Tuple) r).get(1);
            for (int i = 0; i < size; i++) {
                long seed = base + from + i;
                Tuple one = (Tuple) list.get(i);
                Term expected = terms.get(i);
                if (!Atom.TRUE.equals(one.get(0))) {
                    String where = one.arity() == 3 ? ", first difference: " + difference(
                            Etf.decode(((Binary) one.get(1)).bytes()), Etf.decode(((Binary) one.get(2)).bytes())) : "";
                    failures.add("seed " + seed + ": erl -> Jarl echo -> erl gave " + one.get(0)
                            + " (not =:= or not the same float bits)" + where + " for " + shown(expected));
                    continue;
                }
                try {
                    Term back = Etf.decode(((Binary) one.get(1)).bytes());
                    if (!expected.equals(back) && !funPidsApart(expected).equals(funPidsApart(back))) {
                        failures.add("seed " + seed + ": binary_to_term of Jarl's encoding, encoded again by erl,"
                                + " decodes in Jarl to " + shown(back) + ", not " + shown(expected));
                    }
                } catch (TermDecodeException e) {
                    failures.add("seed " + seed + ": Jarl cannot decode erl's term_to_binary: " + e.getMessage()
                            + " for " + shown(expected));
                }
            }
            if (failures.size() > 20) {
                break;
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + n + " terms differ (base seed " + base + ", OTP " + Otp.release() + "):\n"
                    + String.join("\n", failures));
        }
    }
}
