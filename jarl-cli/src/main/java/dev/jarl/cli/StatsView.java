/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Float64;
import dev.jarl.term.Int;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.TermMap;

/**
 * Prints a stats snapshot ({@link StatsSource}): as JSON, or as the text of {@code jarl stats}
 * and {@code jarl top}. The JSON follows the map: atoms and binaries are strings,
 * {@code true}/{@code false} booleans, {@code undefined} is {@code null}, integers numbers,
 * maps objects and lists arrays; anything else is its Erlang text as a string.
 */
final class StatsView {

    private StatsView() {
    }

    /** {@code snapshot} as one line of JSON. */
    static String json(Term snapshot) {
        StringBuilder sb = new StringBuilder();
        json(snapshot, sb);
        return sb.toString();
    }

    private static void json(Term t, StringBuilder sb) {
        switch (t) {
            case TermMap m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<Term, Term> e : m.entries()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    string(name(e.getKey()), sb);
                    sb.append(':');
                    json(e.getValue(), sb);
                }
                sb.append('}');
            }
            case TermList l when l.isProper() -> {
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    json(l.get(i), sb);
                }
                sb.append(']');
            }
            case Int i -> sb.append(i.bigValue());
            case Float64 f when Double.isFinite(f.value()) -> sb.append(f.value());
            case Atom a when a.equals(Atom.UNDEFINED) -> sb.append("null");
            case Atom a when a.isBoolean() -> sb.append(a.name());
            default -> string(name(t), sb);
        }
    }

    /** A key or scalar as text: an atom's name, a binary's UTF-8, else the Erlang text. */
    static String name(Term t) {
        return switch (t) {
            case Atom a -> a.name();
            case Binary b -> new String(b.bytes(), StandardCharsets.UTF_8);
            default -> t.toString();
        };
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /**
     * The snapshot as lines of text: the node's figures, then a table of connections. With a
     * {@code previous} snapshot of the same node, {@code seconds} earlier, the table also
     * shows bytes per second in and out.
     */
    static List<String> text(TermMap s, TermMap previous, double seconds) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%s (%s)  up %s  processes %s  registered %s  mailbox high-water %s  rpcs %s served, %s failed",
                text(s, "node"), text(s, "kind"), duration(s.get(Atom.of("uptime_ms"))), text(s, "processes"),
                text(s, "registered_names"), text(s, "mailbox_high_water"), text(s, "rpcs_served"), text(s, "rpcs_failed")));
        Term deepest = s.get(Atom.of("deepest_mailboxes"));
        if (deepest instanceof TermList d && d.size() > 0) {
            StringBuilder sb = new StringBuilder("deepest mailboxes:");
            for (Term b : d.elements()) {
                if (b instanceof TermMap m) {
                    Term n = m.get(Atom.of("name"));
                    sb.append("  ").append(n == null || n.equals(Atom.UNDEFINED) ? text(m, "pid") : name(n))
                            .append(' ').append(text(m, "depth")).append('/').append(text(m, "high_water"));
                }
            }
            lines.add(sb.toString());
        }
        boolean rates = previous != null && seconds > 0;
        String head = String.format(Locale.ROOT, "%-28s %-7s %-10s %-6s %10s %10s %9s %9s %8s %8s %9s %7s",
                "PEER", "CARRIER", "STATE", "TYPE", "BYTES IN", "BYTES OUT", "PKTS IN", "PKTS OUT", "TICKS", "QUEUED", "BUSY", "WAITS");
        lines.add("");
        lines.add(rates ? head + String.format(Locale.ROOT, " %10s %10s", "IN/s", "OUT/s") : head);
        Term conns = s.get(Atom.of("connections"));
        if (!(conns instanceof TermList list) || list.size() == 0) {
            lines.add("(no connections)");
            return lines;
        }
        for (Term ct : list.elements()) {
            if (!(ct instanceof TermMap c)) {
                continue;
            }
            String row = String.format(Locale.ROOT, "%-28s %-7s %-10s %-6s %10s %10s %9s %9s %8s %8s %9s %7s",
                    text(c, "peer"), text(c, "carrier"), text(c, "state"), text(c, "type"),
                    bytes(c.get(Atom.of("bytes_in"))), bytes(c.get(Atom.of("bytes_out"))), text(c, "packets_in"),
                    text(c, "packets_out"), ticks(c), bytes(c.get(Atom.of("queued_bytes"))),
                    millis(c.get(Atom.of("busy_ms"))), text(c, "busy_waits"));
            if (rates) {
                TermMap before = connection(previous, c.get(Atom.of("peer")));
                row += String.format(Locale.ROOT, " %10s %10s", rate(c, before, "bytes_in", seconds),
                        rate(c, before, "bytes_out", seconds));
            }
            lines.add(row);
        }
        return lines;
    }

    private static TermMap connection(TermMap snapshot, Term peer) {
        if (snapshot.get(Atom.of("connections")) instanceof TermList l) {
            for (Term t : l.elements()) {
                if (t instanceof TermMap m && peer != null && peer.equals(m.get(Atom.of("peer")))) {
                    return m;
                }
            }
        }
        return null;
    }

    private static String rate(TermMap now, TermMap before, String key, double seconds) {
        if (before != null && now.get(Atom.of(key)) instanceof Int a && before.get(Atom.of(key)) instanceof Int b) {
            return bytes(Int.of(Math.round((a.longValue() - b.longValue()) / seconds)));
        }
        return "-";
    }

    private static String ticks(TermMap c) {
        Term in = c.get(Atom.of("ticks_in"));
        Term out = c.get(Atom.of("ticks_out"));
        if (in instanceof Int && out instanceof Int) {
            return in + "/" + out;
        }
        return "-";
    }

    /** A figure as text; {@code -} when absent or undefined. */
    private static String text(TermMap m, String key) {
        Term t = m.get(Atom.of(key));
        return t == null || t.equals(Atom.UNDEFINED) ? "-" : name(t);
    }

    /** Bytes with a binary unit: 999, 1.0K, 12.3M, 4.0G. */
    static String bytes(Term t) {
        if (!(t instanceof Int i) || !i.isLong()) {
            return "-";
        }
        long v = i.longValue();
        if (v < 1024) {
            return Long.toString(v);
        }
        String units = "KMGTPE";
        double d = v;
        int u = -1;
        while (d >= 1024 && u < units.length() - 1) {
            d /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f%c", d, units.charAt(u));
    }

    private static String millis(Term t) {
        if (!(t instanceof Int i) || !i.isLong()) {
            return "-";
        }
        long ms = i.longValue();
        return ms < 1000 ? ms + "ms" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }

    private static String duration(Term t) {
        if (!(t instanceof Int i) || !i.isLong()) {
            return "-";
        }
        long s = i.longValue() / 1000;
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s / 60) % 60);
    }
}
