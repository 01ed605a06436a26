/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jarl.carriers.MemNetwork;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.ExportFun;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;

/**
 * {@link PidsOnTarget} asks the target about all the pids a command prints in one RPC, and
 * stops asking a target that does not answer. The target here is a Jarl node standing in for
 * a BEAM (its {@code lists:map/2} prints pids as a shell would); that the form matches erl's
 * own is checked against a real erl by {@code CommandsInteropTest}.
 */
class PidsOnTargetTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final MemNetwork net = new MemNetwork();
    private Node client;
    private Node target;
    private final AtomicInteger maps = new AtomicInteger();
    private final AtomicInteger singles = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        client = Node.start(NodeConfig.builder("pot_client@mem").cookie("c").carrier(net.carrier()).build());
        target = Node.start(NodeConfig.builder("pot_target@mem").cookie("c").carrier(net.carrier()).build());
        target.functions().register("erlang", "pid_to_list", 1, args -> {
            singles.incrementAndGet();
            return shellForm((Pid) args.get(0));
        });
    }

    @AfterEach
    void stop() {
        client.close();
        target.close();
    }

    /** As a shell prints a pid: {@code <0.N.S>}, node index 0 for the target's own. */
    private static TermList shellForm(Pid p) {
        return TermList.ofString("<0." + p.id() + "." + p.serial() + ">");
    }

    private List<Pid> pids(int n) {
        List<Pid> pids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pids.add(new Pid(Atom.of(target.name().toString()), 100 + i, 0, 1));
        }
        return pids;
    }

    @Test
    void allPidsAreAskedInOneRoundTrip() throws Exception {
        target.functions().register("lists", "map", 2, args -> {
            maps.incrementAndGet();
            assertEquals(new ExportFun(Atom.of("erlang"), Atom.of("pid_to_list"), 1), args.get(0));
            return TermList.of(((TermList) args.get(1)).elements().stream().map(p -> (Term) shellForm((Pid) p)).toList());
        });
        List<Pid> pids = pids(5);
        List<Term> printedByACommand = new ArrayList<>(pids);
        printedByACommand.add(pids.get(2)); // a pid in two groups
        printedByACommand.add(Atom.of("undefined")); // global:whereis_name/1 of a name gone meanwhile
        PidsOnTarget printed = new PidsOnTarget(client, target.name(), TIMEOUT);
        printed.ask(printedByACommand);
        for (Term t : printedByACommand) {
            assertEquals(t instanceof Pid p ? "<0." + p.id() + ".0>" : "undefined", printed.text(t));
        }
        assertEquals(1, maps.get(), "RPCs for " + pids.size() + " pids");
        assertEquals(0, singles.get(), "pids asked one by one");
        // a pid not asked before is asked when printed
        Pid late = pids(6).get(5);
        assertEquals("<0.105.0>", printed.text(late));
        assertEquals(2, maps.get());
    }

    @Test
    void aTargetThatDoesNotPrintPidsGetsJarlsFormAndIsNotAskedAgain() throws Exception {
        target.functions().register("lists", "map", 2, args -> {
            maps.incrementAndGet();
            throw new IllegalStateException("no lists:map here");
        });
        List<Pid> pids = pids(3);
        PidsOnTarget printed = new PidsOnTarget(client, target.name(), TIMEOUT);
        printed.ask(pids.subList(0, 2));
        assertEquals(pids.get(0).toString(), printed.text(pids.get(0)));
        assertEquals(pids.get(2).toString(), printed.text(pids.get(2)));
        assertEquals(1, maps.get());
        assertEquals(0, singles.get());
    }

    @Test
    void anAnswerOfTheWrongShapeIsNotTrusted() throws Exception {
        target.functions().register("lists", "map", 2, args -> {
            maps.incrementAndGet();
            return TermList.of(TermList.ofString("<0.1.0>")); // one text for two pids
        });
        List<Pid> pids = pids(2);
        PidsOnTarget printed = new PidsOnTarget(client, target.name(), TIMEOUT);
        printed.ask(pids);
        assertEquals(pids.get(1).toString(), printed.text(pids.get(1)));
        assertEquals(1, maps.get());
    }
}
