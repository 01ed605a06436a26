/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * {@code jarl serve}'s {@code ctl} and puppets (docs/conformance.md) driven from a real Erlang
 * node: spawn a puppet, then link, trap exits, monitor, send, exit and call through it.
 */
@Tag("interop")
class PuppetsInteropTest {

    private static final String COOKIE = "puppets";
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static RealEpmd epmd;
    private static ErlNode erl;
    private static JarlProcess serve;
    private static String jarl;

    @BeforeAll
    static void start() {
        epmd = RealEpmd.start();
        Map<String, String> env = Map.of("ERL_EPMD_PORT", Integer.toString(epmd.port()));
        erl = ErlNode.start(Otp.uniqueName("perl"), COOKIE, epmd.port());
        jarl = Otp.uniqueName("puppets") + "@" + Otp.shortHost();
        serve = JarlProcess.start(env, "serve", "--name", jarl, "--cookie", COOKIE);
        serve.awaitLine("ready", LIMIT);
        // helpers in the control process: ctl requests and puppet commands, awaiting the reply
        erl.eval("J = '" + jarl + "', put(j, J), "
                + "put(ctl, fun(Req) -> R = make_ref(), {ctl, J} ! {self(), R, Req}, "
                + "receive {R, Reply} -> Reply after 5000 -> timeout end end), "
                + "put(cmd, fun(P, Cmd) -> R = make_ref(), P ! {cmd, self(), R, Cmd}, "
                + "receive {R, Res} -> Res after 10000 -> timeout end end), ok");
    }

    @AfterAll
    static void stop() {
        if (serve != null) {
            serve.close();
        }
        if (erl != null) {
            erl.close();
        }
        if (epmd != null) {
            epmd.close();
        }
    }

    private static String eval(String expr) {
        return erl.eval("Ctl = get(ctl), Cmd = get(cmd), J = get(j), _ = {Ctl, Cmd, J}, " + expr);
    }

    @Test
    void puppetRpcReturnsWhatRpcCallWould() {
        assertEquals("{{ok,[3,2,1]},{ok,true}}", eval("{ok, P} = Ctl({spawn, self()}), "
                + "{Cmd(P, {rpc, node(), lists, reverse, [[1,2,3]], 5000}), "
                + "case Cmd(P, {rpc, node(), erlang, node, [], 5000}) of {ok, N} -> {ok, N == node()}; O -> O end}"));
        assertEquals("true", eval("{ok, P} = Ctl({spawn, self()}), "
                + "Cmd(P, {rpc, node(), nomod, nofun, [1], 5000}) == rpc:call(node(), nomod, nofun, [1])"));
        assertEquals("{{badrpc,{'EXIT',bye}},{ok,ball},{badrpc,timeout},{badrpc,nodedown}}", eval("{ok, P} = Ctl({spawn, self()}), "
                + "{Cmd(P, {rpc, node(), erlang, apply, [erlang, exit, [bye]], 5000}), "
                + "Cmd(P, {rpc, node(), erlang, apply, [erlang, throw, [ball]], 5000}), "
                + "Cmd(P, {rpc, node(), timer, sleep, [3000], 200}), "
                + "Cmd(P, {rpc, 'nobody_here@" + Otp.shortHost() + "', erlang, node, [], 5000})}"));
        // into Jarl's own jarl module, through the puppet
        assertEquals("{ok,6}", eval("{ok, P} = Ctl({spawn, self()}), Cmd(P, {rpc, J, jarl, sum, [[1,2,3]], 5000})"));
    }

    @Test
    void ctlSpawnsPuppetsAndListsNodes() {
        assertEquals("true", eval("{ok, P} = Ctl({spawn, self()}), is_pid(P) andalso node(P) == J"));
        assertEquals("true", eval("{ok, Ns} = Ctl(nodes), lists:member(node(), Ns)"));
    }

    @Test
    void puppetLinksTrapsAndForwardsExits() {
        assertEquals("{ok,ok,ok}", eval("{ok, P} = Ctl({spawn, self()}), put(p1, P), "
                + "W = spawn(fun() -> receive {die, R} -> exit(R) end end), put(w1, W), "
                + "{Cmd(P, {trap_exit, true}), Cmd(P, {link, W}), ok}"));
        assertEquals("{puppet_saw,boom}", eval("P = get(p1), W = get(w1), W ! {die, boom}, "
                + "receive {puppet, P, {'EXIT', W, R}} -> {puppet_saw, R} after 5000 -> timeout end"));
        // an Erlang process links to a non-trapping puppet and the puppet exits with a reason
        assertEquals("{'EXIT',gone}", eval("{ok, P} = Ctl({spawn, self()}), process_flag(trap_exit, true), "
                + "link(P), P ! {cmd, self(), make_ref(), {exit, gone}}, "
                + "X = receive {'EXIT', P, R} -> {'EXIT', R} after 5000 -> timeout end, "
                + "process_flag(trap_exit, false), X"));
        // unlink: the puppet no longer dies with the process
        assertEquals("alive", eval("{ok, P} = Ctl({spawn, self()}), W = spawn(fun() -> receive {die, R} -> exit(R) end end), "
                + "ok = Cmd(P, {link, W}), ok = Cmd(P, {unlink, W}), W ! {die, boom}, timer:sleep(200), "
                + "case Cmd(P, {trap_exit, false}) of ok -> alive; Other -> Other end"));
    }

    @Test
    void puppetExitTwoAndKill() {
        assertEquals("killed", eval("W = spawn(fun() -> receive _ -> ok end end), M = monitor(process, W), "
                + "{ok, P} = Ctl({spawn, self()}), ok = Cmd(P, {exit, W, kill}), "
                + "receive {'DOWN', M, process, W, R} -> R after 5000 -> timeout end"));
        assertEquals("killed", eval("{ok, P} = Ctl({spawn, self()}), M = monitor(process, P), exit(P, kill), "
                + "receive {'DOWN', M, process, P, R} -> R after 5000 -> timeout end"));
    }

    @Test
    void puppetMonitorsByPidAndNameWithNoprocAndDemonitor() {
        assertEquals("{bye,bye,noproc}", eval("{ok, P} = Ctl({spawn, self()}), "
                + "W = spawn(fun() -> receive {die, R} -> exit(R) end end), register(pw, W), "
                + "{ok, R1} = Cmd(P, {monitor, process, W}), {ok, R2} = Cmd(P, {monitor, process, {pw, node()}}), "
                + "{ok, R3} = Cmd(P, {monitor, process, {nobody, node()}}), "
                + "{ok, R4} = Cmd(P, {monitor, process, W}), ok = Cmd(P, {demonitor, R4}), W ! {die, bye}, "
                + "A = receive {puppet, P, {'DOWN', R1, process, W, X1}} -> X1 after 5000 -> t1 end, "
                + "B = receive {puppet, P, {'DOWN', R2, process, {pw, _}, X2}} -> X2 after 5000 -> t2 end, "
                + "C = receive {puppet, P, {'DOWN', R3, process, _, X3}} -> X3 after 5000 -> t3 end, "
                + "receive {puppet, P, {'DOWN', R4, _, _, _}} -> extra after 300 -> {A, B, C} end"));
    }

    @Test
    void puppetSendsAndMonitorsNodes() {
        assertEquals("{hello,hi}", eval("{ok, P} = Ctl({spawn, self()}), register(pinbox, self()), "
                + "ok = Cmd(P, {send, self(), hello}), ok = Cmd(P, {send, {pinbox, node()}, hi}), "
                + "unregister(pinbox), A = receive hello -> hello after 5000 -> t end, "
                + "B = receive hi -> hi after 5000 -> t end, {A, B}"));
        assertEquals("{puppet_nodedown,true}", eval("{ok, P} = Ctl({spawn, self()}), "
                + "N = list_to_atom(\"nosuchnode@\" ++ lists:last(string:split(atom_to_list(node()), \"@\"))), "
                + "ok = Cmd(P, {monitor_node, N, true}), "
                + "receive {puppet, P, {nodedown, N2}} -> {puppet_nodedown, N2 == N} after 10000 -> timeout end"));
    }

    @Test
    void puppetCallsGenServers() {
        assertEquals("{{ok,42},{error,noproc},{error,died}}", eval(
                "S = spawn(fun Loop() -> receive {'$gen_call', From, get} -> gen_server:reply(From, 42), Loop(); "
                        + "{'$gen_call', _, die} -> exit(died) end end), "
                        + "{ok, P} = Ctl({spawn, self()}), A = Cmd(P, {call, S, get, 5000}), "
                        + "{error, {B, {gen_server, call, _}}} = Cmd(P, {call, {nobody, node()}, get, 5000}), "
                        + "{error, {C, {gen_server, call, _}}} = Cmd(P, {call, S, die, 30000}), "
                        + "{A, {error, B}, {error, C}}"));
        assertEquals("{timeout,200}", eval("{ok, P} = Ctl({spawn, self()}), S = spawn(fun() -> receive after infinity -> ok end end), "
                + "case Cmd(P, {call, S, x, 200}) of {error, {R, {gen_server, call, [S, x, T]}}} -> {R, T}; O -> O end"));
    }
}
