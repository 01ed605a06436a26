/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Terms in Elixir syntax, as Elixir 1.14's {@code inspect/2} prints them with its defaults
 * ({@code pretty: false}): {@code %{name: "Ann", tags: [:a, :b]}}, {@code [timeout: 5000]},
 * {@code 'abc'}, {@code <<1, 2>>}, {@code MyApp.User}, {@code %MyApp.User{age: 3}},
 * {@code ~D[2024-01-31]}. {@code Term.toString()} is the Erlang syntax of the same term.
 *
 * <pre>{@code
 * ElixirFormat.inspect(TermMap.struct("User", "name", "Ann"))  // %User{name: "Ann"}
 * ElixirFormat.inspect(term, ElixirFormat.DEFAULT_LIMIT, ElixirFormat.DEFAULT_PRINTABLE_LIMIT)
 * }</pre>
 *
 * <p>{@link #inspect(Term)} prints everything, as {@code inspect(term, limit: :infinity,
 * printable_limit: :infinity)}; {@link #inspect(Term, int, int)} cuts long collections and
 * strings as {@code :limit} and {@code :printable_limit} do ({@code [1, 2, ...]},
 * {@code "abc" <> ...}); Elixir's defaults are 50 and 4096.
 *
 * <h2>Same as Elixir 1.14</h2>
 * Atoms and aliases ({@code :ok}, {@code :"hello world"}, {@code nil}, {@code Foo.Bar},
 * {@code :+}, {@code :foo@bar}), integers, floats (shortest form, as Elixir on OTP 25),
 * strings (printable UTF-8) with Elixir's escapes, other binaries and bit strings
 * ({@code <<1, 2::size(3)>>}), charlists of printable ASCII in single quotes, keyword lists,
 * improper lists ({@code [1 | 2]}), tuples, maps (keyword form when every key is an atom),
 * structs, and the structs of Elixir's standard library that print otherwise:
 * {@code Range} ({@code 1..10//2}), {@code MapSet} ({@code MapSet.new([1, 2])}),
 * {@code Date}, {@code Time}, {@code NaiveDateTime} and {@code DateTime} in the ISO calendar
 * ({@code ~D[...]}, {@code ~T[...]}, {@code ~N[...]}, {@code ~U[...]},
 * {@code #DateTime<...>}), and {@code Date.Range}.
 *
 * <h2>Where this printer cannot be Elixir</h2>
 * <ul>
 *   <li>Struct fields print in key order (the order the BEAM keeps them in a small map);
 *       Elixir prints them in the order of the {@code defstruct}, which only the module
 *       knows. A struct whose module the printing node lacks, or whose keys differ from its
 *       {@code defstruct}, prints in Elixir as a map ({@code %{__struct__: User, ...}}); here
 *       it prints as a struct. Custom {@code Inspect} implementations (and
 *       {@code @derive {Inspect, only: ...}}) are not known.</li>
 *   <li>Maps of more than 32 entries print in the map's own order (for a decoded map, the
 *       order on the wire, which is the BEAM's); smaller ones in term order, as the BEAM
 *       keeps them.</li>
 *   <li>Pids, ports and references show the node's name where Elixir shows the node's
 *       index in the printing node's table: {@code #PID<app@host.110.0>} for
 *       {@code #PID<0.110.0>}. Local funs show no name: {@code #Function<3.1234/1 in :m>}
 *       for {@code #Function<3.1234/1 in :m.f/0>} (the name is in the module's code, not
 *       in the term).</li>
 *   <li>Whether a non-ASCII atom needs quotes follows Java's Unicode tables (identifier
 *       characters, scripts, NFC); Elixir 1.14 has Unicode 14's.</li>
 * </ul>
 *
 * <h2>Elixir 1.15 and later, OTP 26 and later</h2>
 * Elixir 1.15 and later print charlists as {@code ~c"abc"} where 1.14 prints {@code 'abc'};
 * they also take {@code custom_options: [sort_maps: true]}, which this class does not need
 * (its small maps are sorted already). From OTP 26 on, the BEAM keeps the atom keys of a
 * small map in the order the atoms were created on that node, not in term order, so
 * {@code inspect(%{zeta: 1, alpha: 2})} there can list {@code zeta} first; this class keeps
 * OTP 25's term order, as Elixir 1.14 on OTP 25 prints it.
 *
 * <p>Printing is iterative (an explicit stack of pieces still to print), so a term nested
 * as deep as memory allows prints without deep Java recursion. Thread-safe: no state.
 */
public final class ElixirFormat {

    /** No limit: {@code :infinity}. */
    public static final int INFINITY = Integer.MAX_VALUE;
    /** Elixir's default {@code :limit}: 50 items of a collection. */
    public static final int DEFAULT_LIMIT = 50;
    /** Elixir's default {@code :printable_limit}: 4096 characters of a string or charlist. */
    public static final int DEFAULT_PRINTABLE_LIMIT = 4096;

    private static final Atom STRUCT = Atom.of("__struct__");
    private static final Atom EXCEPTION = Atom.of("__exception__");
    private static final Atom ISO = Atom.of("Elixir.Calendar.ISO");
    private static final int SORTED_MAP_MAX = 32;

    private ElixirFormat() {
    }

    /** {@code term} as {@code inspect(term, limit: :infinity, printable_limit: :infinity)} prints it. */
    public static String inspect(Term term) {
        return inspect(term, INFINITY, INFINITY);
    }

    /**
     * {@code term} as {@code inspect(term, limit: limit, printable_limit: printableLimit)}
     * prints it; {@link #INFINITY} for no limit.
     *
     * @throws IllegalArgumentException for a negative limit
     */
    public static String inspect(Term term, int limit, int printableLimit) {
        if (limit < 0 || printableLimit < 0) {
            throw new IllegalArgumentException("limit: " + Math.min(limit, printableLimit) + " (expected: 0 or more)");
        }
        StringBuilder out = new StringBuilder();
        Deque<Object> pending = new ArrayDeque<>();
        pending.push(new Item(term, limit, false));
        while (!pending.isEmpty()) {
            Object next = pending.pop();
            if (next instanceof String text) {
                out.append(text);
            } else {
                render((Item) next, printableLimit, out, pending);
            }
        }
        return out.toString();
    }

    /** A term still to print, with the options in force where it stands. */
    private record Item(Term term, int limit, boolean charlistsAsLists) {
        Item with(Term t, int newLimit) {
            return new Item(t, newLimit, charlistsAsLists);
        }
    }

    /** Appends what prints directly, and pushes the parts of a collection (in reverse) onto {@code pending}. */
    private static void render(Item item, int printableLimit, StringBuilder out, Deque<Object> pending) {
        switch (item.term()) {
            case Atom a -> out.append(atomLiteral(a.name()));
            case Int i -> out.append(i);
            case Float64 f -> out.append(floatText(f));
            case Binary b -> binary(b.array(), b.offset(), b.size(), item.limit(), printableLimit, out);
            case BitString s -> {
                byte[] bytes = s.bytes();
                bitString(bytes, bytes.length - 1, s.lastByteBits(), item.limit(), out);
            }
            case TermList l -> list(item, l, printableLimit, out, pending);
            case Tuple t -> {
                List<Object> parts = new ArrayList<>();
                container(parts, "{", "}", t.array().length, item.limit(),
                        (i, limit, into) -> into.add(item.with(t.array()[i], limit)));
                push(parts, pending);
            }
            case TermMap m -> map(item, m, pending);
            case Pid p -> out.append("#PID<").append(p.node().name()).append('.').append(Integer.toUnsignedString(p.id()))
                    .append('.').append(Integer.toUnsignedString(p.serial())).append('>');
            case Port p -> out.append("#Port<").append(p.node().name()).append('.').append(Long.toUnsignedString(p.id()))
                    .append('>');
            case Ref r -> {
                out.append("#Reference<").append(r.node().name());
                for (int i = r.idCount() - 1; i >= 0; i--) {
                    out.append('.').append(Integer.toUnsignedString(r.id(i)));
                }
                out.append('>');
            }
            case Fun f -> out.append("#Function<").append(f.index()).append('.').append(f.oldUniq()).append('/')
                    .append(f.arity()).append(" in ").append(atomLiteral(f.module().name())).append('>');
            case ExportFun e -> out.append('&').append(atomLiteral(e.module().name())).append('.')
                    .append(remoteCall(e.function().name())).append('/').append(e.arity());
        }
    }

    private static void push(List<Object> parts, Deque<Object> pending) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            pending.push(parts.get(i));
        }
    }

    /** Adds the pieces of element {@code index}, printed under {@code limit}, to {@code into}. */
    private interface Element {
        void add(int index, int limit, List<Object> into);
    }

    /**
     * Elixir's {@code container_doc}: {@code open e1, e2, ... close}; each element gets the
     * limit less one more than the last, and once the limit is spent the rest is
     * {@code ...}.
     */
    private static void container(List<Object> parts, String open, String close, int count, int limit, Element element) {
        parts.add(open);
        int left = limit;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                parts.add(", ");
            }
            if (left == 0) {
                parts.add("...");
                break;
            }
            left = decrement(left);
            element.add(i, left, parts);
        }
        parts.add(close);
    }

    private static int decrement(int limit) {
        return limit == INFINITY ? INFINITY : limit - 1;
    }

    // ------------------------------------------------------------------ lists

    private static void list(Item item, TermList l, int printableLimit, StringBuilder out, Deque<Object> pending) {
        Term[] elements = l.array();
        if (elements.length == 0) {
            out.append("[]");
            return;
        }
        boolean proper = l.isProper();
        if (proper && !item.charlistsAsLists() && asciiPrintable(elements, printableLimit)) {
            StringBuilder text = new StringBuilder(elements.length);
            for (Term e : elements) {
                text.appendCodePoint(((Int) e).intValue());
            }
            byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
            out.append('\'');
            boolean cut = escape(utf8, 0, utf8.length, '\'', printableLimit, out);
            out.append(cut ? "' ++ ..." : "'");
            return;
        }
        List<Object> parts = new ArrayList<>();
        if (proper && keyword(elements)) {
            container(parts, "[", "]", elements.length, item.limit(), (i, limit, into) -> {
                Tuple pair = (Tuple) elements[i];
                into.add(atomKey(((Atom) pair.get(0)).name()) + " ");
                into.add(item.with(pair.get(1), limit));
            });
        } else if (proper) {
            container(parts, "[", "]", elements.length, item.limit(), (i, limit, into) -> into.add(item.with(elements[i], limit)));
        } else {
            // the last element and the tail share one step of the limit: [a, b | c]
            Term tail = l.rawTail();
            container(parts, "[", "]", elements.length, item.limit(), (i, limit, into) -> {
                into.add(item.with(elements[i], limit));
                if (i == elements.length - 1) {
                    into.add(" | ");
                    into.add(item.with(tail, limit));
                }
            });
        }
        push(parts, pending);
    }

    /** {@code List.ascii_printable?/2}: integers 7..13, 27 and 32..126, the first {@code limit} checked. */
    private static boolean asciiPrintable(Term[] elements, int limit) {
        for (int i = 0; i < elements.length; i++) {
            if (!(elements[i] instanceof Int n) || !n.isLong()) {
                return false;
            }
            long c = n.longValue();
            boolean printable = (c >= 7 && c <= 13) || c == 27 || (c >= 32 && c <= 126);
            // past the limit Elixir stops checking; the characters must still make a string
            if (i < limit ? !printable : (c < 0 || c > Character.MAX_CODE_POINT || (c >= 0xD800 && c <= 0xDFFF))) {
                return false;
            }
        }
        return true;
    }

    /** {@code Inspect.List.keyword?/1}: 2-tuples whose first element is an atom not starting with {@code Elixir.}. */
    private static boolean keyword(Term[] elements) {
        for (Term e : elements) {
            if (!(e instanceof Tuple t) || t.arity() != 2 || !(t.get(0) instanceof Atom key)
                    || key.name().startsWith("Elixir.")) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ maps and structs

    private static void map(Item item, TermMap m, Deque<Object> pending) {
        if (m.get(STRUCT) instanceof Atom module && Atom.isElixirAlias(module.name())) {
            if (!structSpecial(item, m, module, pending)) {
                structGeneric(item, m, module, pending);
            }
            return;
        }
        plainMap(item, m, pending);
    }

    /** Entry positions in the order Elixir lists them: term order for a small map, else the map's own. */
    private static Integer[] order(Term[] keys) {
        Integer[] order = new Integer[keys.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (keys.length <= SORTED_MAP_MAX) {
            Arrays.sort(order, (a, b) -> TermOrder.compare(keys[a], keys[b]));
        }
        return order;
    }

    /** {@code %Name{field: value, ...}}, as {@code Inspect.Any} prints a struct; a map when a field is not an atom. */
    private static void structGeneric(Item item, TermMap m, Atom module, Deque<Object> pending) {
        Term[] keys = m.keyArray();
        Term[] values = m.valueArray();
        List<Integer> fields = new ArrayList<>();
        for (Integer at : order(keys)) {
            Term k = keys[at];
            if (!(k instanceof Atom)) {
                plainMap(item, m, pending);
                return;
            }
            if (!k.equals(STRUCT) && !k.equals(EXCEPTION)) {
                fields.add(at);
            }
        }
        List<Object> parts = new ArrayList<>();
        container(parts, "%" + atomLiteral(module.name()) + "{", "}", fields.size(), item.limit(), (i, limit, into) -> {
            int at = fields.get(i);
            into.add(atomKey(((Atom) keys[at]).name()) + " ");
            into.add(item.with(values[at], limit));
        });
        push(parts, pending);
    }

    /** {@code %{a: 1}} when every key is an atom (not an alias), else {@code %{"a" => 1}}. */
    private static void plainMap(Item item, TermMap m, Deque<Object> pending) {
        Term[] keys = m.keyArray();
        Term[] values = m.valueArray();
        Integer[] order = order(keys);
        boolean keyword = true;
        for (Term k : keys) {
            keyword &= k instanceof Atom a && !a.name().startsWith("Elixir.");
        }
        boolean asKeywords = keyword;
        List<Object> parts = new ArrayList<>();
        container(parts, "%{", "}", keys.length, item.limit(), (i, limit, into) -> {
            int at = order[i];
            if (asKeywords) {
                into.add(atomKey(((Atom) keys[at]).name()) + " ");
            } else {
                into.add(item.with(keys[at], limit));
                into.add(" => ");
            }
            into.add(item.with(values[at], limit));
        });
        push(parts, pending);
    }

    /**
     * The standard library's structs that print otherwise (their {@code Inspect}
     * implementations); false when {@code module} is none of them or the struct does not
     * hold what its implementation reads.
     */
    private static boolean structSpecial(Item item, TermMap m, Atom module, Deque<Object> pending) {
        switch (module.name()) {
            case "Elixir.Range" -> {
                return range(item, m, pending);
            }
            case "Elixir.MapSet" -> {
                if (!hasExactly(m, "map", "version") || !(m.get(Atom.of("map")) instanceof TermMap set)
                        || !Int.of(2).equals(m.get(Atom.of("version")))) {
                    return false;
                }
                Term[] keys = set.keyArray();
                Integer[] order = order(keys);
                Term[] members = new Term[keys.length];
                for (int i = 0; i < members.length; i++) {
                    members[i] = keys[order[i]];
                }
                pending.push(")");
                pending.push(new Item(members.length == 0 ? TermList.NIL : TermList.wrap(members, null), item.limit(), true));
                pending.push("MapSet.new(");
                return true;
            }
            case "Elixir.Date" -> {
                String date = hasExactly(m, "calendar", "year", "month", "day") ? isoDate(m) : null;
                return sigil(date == null ? null : "~D[" + date + "]", pending);
            }
            case "Elixir.Time" -> {
                String time = hasExactly(m, "calendar", "hour", "minute", "second", "microsecond") ? isoTime(m) : null;
                return sigil(time == null ? null : "~T[" + time + "]", pending);
            }
            case "Elixir.NaiveDateTime" -> {
                boolean fields = hasExactly(m, "calendar", "year", "month", "day", "hour", "minute", "second", "microsecond");
                String date = fields ? isoDate(m) : null;
                String time = fields ? isoTime(m) : null;
                return sigil(date == null || time == null ? null : "~N[" + date + " " + time + "]", pending);
            }
            case "Elixir.DateTime" -> {
                return sigil(dateTime(m), pending);
            }
            case "Elixir.Date.Range" -> {
                if (!(m.get(Atom.of("first")) instanceof TermMap first) || !(m.get(Atom.of("last")) instanceof TermMap last)
                        || !(first.get(STRUCT) instanceof Atom) || !(last.get(STRUCT) instanceof Atom)) {
                    return false;
                }
                Term step = m.get(Atom.of("step"));
                if (step == null) {
                    step = first.compareTo(last) <= 0 ? Int.ONE : Int.of(-1); // a range from before Elixir 1.12
                }
                pending.push(Int.ONE.equals(step) ? ")" : ", " + inspect(step) + ")");
                pending.push(new Item(last, INFINITY, false));
                pending.push(", ");
                pending.push(new Item(first, INFINITY, false));
                pending.push("Date.range(");
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private static boolean sigil(String text, Deque<Object> pending) {
        if (text == null) {
            return false;
        }
        pending.push(text);
        return true;
    }

    /** {@code first..last} (step 1, rising) or {@code first..last//step}; ranges from before 1.12 have no step. */
    private static boolean range(Item item, TermMap m, Deque<Object> pending) {
        Term first = m.get(Atom.of("first"));
        Term last = m.get(Atom.of("last"));
        Term step = m.get(Atom.of("step"));
        if (first == null || last == null || m.size() != (step == null ? 3 : 4)) {
            return false;
        }
        if (step == null) {
            step = first.compareTo(last) <= 0 ? Int.ONE : Int.of(-1);
        }
        boolean plain = Int.ONE.equals(step) && last.compareTo(first) >= 0;
        if (!plain) {
            pending.push(item.with(step, item.limit()));
            pending.push("//");
        }
        pending.push(item.with(last, item.limit()));
        pending.push("..");
        pending.push(item.with(first, item.limit()));
        return true;
    }

    /** True when {@code m} holds {@code __struct__} and exactly these atom keys. */
    private static boolean hasExactly(TermMap m, String... fields) {
        if (m.size() != fields.length + 1) {
            return false;
        }
        for (String f : fields) {
            if (!m.containsKey(Atom.of(f))) {
                return false;
            }
        }
        return true;
    }

    private static Long integer(TermMap m, String field) {
        return m.get(Atom.of(field)) instanceof Int i && i.isLong() ? i.longValue() : null;
    }

    /** {@code Calendar.ISO.date_to_string/3}, or null when not in the ISO calendar or not integers. */
    private static String isoDate(TermMap m) {
        Long year = integer(m, "year");
        Long month = integer(m, "month");
        Long day = integer(m, "day");
        if (!ISO.equals(m.get(Atom.of("calendar"))) || year == null || month == null || day == null) {
            return null;
        }
        return zeroPad(year, 4) + "-" + zeroPad(month, 2) + "-" + zeroPad(day, 2);
    }

    /** {@code Calendar.ISO.time_to_string/4}, or null when not in the ISO calendar or malformed. */
    private static String isoTime(TermMap m) {
        Long hour = integer(m, "hour");
        Long minute = integer(m, "minute");
        Long second = integer(m, "second");
        if (!ISO.equals(m.get(Atom.of("calendar"))) || hour == null || minute == null || second == null
                || !(m.get(Atom.of("microsecond")) instanceof Tuple micro) || micro.arity() != 2
                || !(micro.get(0) instanceof Int value) || !value.isLong() || value.longValue() < 0
                || value.longValue() > 999_999 || !(micro.get(1) instanceof Int precision) || !precision.isLong()
                || precision.longValue() < 0 || precision.longValue() > 6) {
            return null;
        }
        String text = zeroPad(hour, 2) + ":" + zeroPad(minute, 2) + ":" + zeroPad(second, 2);
        int digits = (int) precision.longValue();
        return digits == 0 ? text : text + "." + zeroPad(value.longValue(), 6).substring(0, digits);
    }

    /** {@code ~U[...]} for UTC, {@code #DateTime<...>} otherwise; null when malformed or not ISO. */
    private static String dateTime(TermMap m) {
        if (!hasExactly(m, "calendar", "year", "month", "day", "hour", "minute", "second", "microsecond", "time_zone",
                "zone_abbr", "utc_offset", "std_offset")) {
            return null;
        }
        String date = isoDate(m);
        String time = isoTime(m);
        Long utc = integer(m, "utc_offset");
        Long std = integer(m, "std_offset");
        if (date == null || time == null || utc == null || std == null
                || !(m.get(Atom.of("time_zone")) instanceof Binary zone) || !(m.get(Atom.of("zone_abbr")) instanceof Binary abbr)) {
            return null;
        }
        boolean utcZone = zone.utf8().equals("Etc/UTC");
        String offset;
        if (utc == 0 && std == 0 && utcZone) {
            offset = "Z";
        } else {
            long total = utc + std;
            long abs = Math.abs(total);
            offset = (total < 0 ? "-" : "+") + zeroPad(abs / 3600, 2) + ":" + zeroPad(abs % 3600 / 60, 2);
        }
        String text = date + " " + time + offset + (utcZone ? "" : " " + abbr.utf8() + " " + zone.utf8());
        return utc == 0 && std == 0 && utcZone ? "~U[" + text + "]" : "#DateTime<" + text + ">";
    }

    private static String zeroPad(long value, int width) {
        if (value < 0) {
            return "-" + zeroPad(-value, width);
        }
        String digits = Long.toString(value);
        return "0".repeat(Math.max(0, width - digits.length())) + digits;
    }

    // ------------------------------------------------------------------ numbers, binaries

    /** Elixir's {@code Inspect.Float}: integral values from 1 to 1.0e16 as {@code 123.0}, else the shortest form. */
    private static String floatText(Float64 f) {
        double v = f.value();
        double abs = Math.abs(v);
        if (abs >= 1.0 && abs < 1.0e16 && v == Math.rint(v)) {
            return Long.toString((long) v) + ".0";
        }
        return f.toString(); // float_to_list(F, [short]), as io_lib_format:fwrite_g/1 on OTP 25
    }

    /** A printable UTF-8 binary as a string, anything else as {@code <<1, 2, 3>>}. */
    private static void binary(byte[] data, int offset, int length, int limit, int printableLimit, StringBuilder out) {
        if (printableUtf8(data, offset, offset + length, printableLimit)) {
            out.append('"');
            boolean cut = escape(data, offset, offset + length, '"', printableLimit, out);
            out.append(cut ? "\" <> ..." : "\"");
            return;
        }
        bitString(Arrays.copyOfRange(data, offset, offset + length), length, 0, limit, out);
    }

    /**
     * The UTF-8 character at {@code at} as Erlang's {@code utf8} segment reads it (no overlong
     * forms, no surrogates, nothing above U+10FFFF): {@code (size << 24) | codepoint}, or -1.
     */
    private static int utf8At(byte[] data, int at, int end) {
        int b = data[at] & 0xFF;
        int cp;
        int size;
        if (b < 0x80) {
            return (1 << 24) | b;
        } else if (b >= 0xC2 && b <= 0xDF) {
            cp = b & 0x1F;
            size = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            cp = b & 0x0F;
            size = 3;
        } else if (b >= 0xF0 && b <= 0xF4) {
            cp = b & 0x07;
            size = 4;
        } else {
            return -1;
        }
        if (at + size > end) {
            return -1;
        }
        for (int k = 1; k < size; k++) {
            int c = data[at + k] & 0xFF;
            if ((c & 0xC0) != 0x80) {
                return -1;
            }
            cp = (cp << 6) | (c & 0x3F);
        }
        if ((size == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (size == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
            return -1;
        }
        return (size << 24) | cp;
    }

    /** {@code String.printable?/2}: the first {@code limit} characters are valid UTF-8 and printable. */
    private static boolean printableUtf8(byte[] data, int at, int end, int limit) {
        int count = limit;
        while (at < end && count != 0) {
            int unit = utf8At(data, at, end);
            if (unit < 0 || !printable(unit & 0xFFFFFF)) {
                return false;
            }
            at += unit >>> 24;
            count = decrement(count);
        }
        return true;
    }

    /** {@code String.printable?/2} for one character. */
    private static boolean printable(int c) {
        return (c >= 0x20 && c <= 0x7E) || (c >= 7 && c <= 13) || c == 27 || c == 0x7F
                || (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
    }

    /** {@code <<1, 2, 3>>}, {@code <<1, 5::size(3)>>}; {@code lastBits} 0 when the last byte is whole. */
    private static void bitString(byte[] bytes, int wholeBytes, int lastBits, int limit, StringBuilder out) {
        out.append("<<");
        int units = wholeBytes + (lastBits == 0 ? 0 : 1);
        int left = limit;
        for (int i = 0; i < units; i++) {
            if (i > 0) {
                out.append(", ");
            }
            if (left == 0) {
                out.append("...");
                break;
            }
            if (i < wholeBytes) {
                out.append(bytes[i] & 0xFF);
            } else {
                out.append((bytes[i] & 0xFF) >>> (8 - lastBits)).append("::size(").append(lastBits).append(')');
            }
            if (i < units - 1) {
                left = decrement(left);
            }
        }
        out.append(">>");
    }

    // ------------------------------------------------------------------ escapes

    /**
     * {@code Code.Identifier.escape/4} with Elixir's escape map: appends {@code limit} units
     * of the UTF-8 bytes {@code data[at..end)} escaped for a literal quoted with
     * {@code quote} (a unit is a character, the pair {@code #{}, or a byte that is not UTF-8);
     * true when bytes were left out.
     */
    private static boolean escape(byte[] data, int at, int end, char quote, int limit, StringBuilder out) {
        int count = limit;
        while (at < end) {
            if (count == 0) {
                return true;
            }
            int b = data[at] & 0xFF;
            if (b == quote) {
                out.append('\\').append(quote);
                at++;
            } else if (b == '#' && at + 1 < end && data[at + 1] == '{') {
                out.append("\\#{");
                at += 2;
            } else {
                int unit = utf8At(data, at, end);
                if (unit < 0) {
                    out.append(String.format("\\x%02X", b));
                    at++;
                } else {
                    escapeChar(unit & 0xFFFFFF, out);
                    at += unit >>> 24;
                }
            }
            count = decrement(count);
        }
        return false;
    }

    private static void escapeChar(int c, StringBuilder out) {
        switch (c) {
            case 7 -> out.append("\\a");
            case 8 -> out.append("\\b");
            case 0x7F -> out.append("\\d");
            case 27 -> out.append("\\e");
            case 12 -> out.append("\\f");
            case 10 -> out.append("\\n");
            case 13 -> out.append("\\r");
            case 9 -> out.append("\\t");
            case 11 -> out.append("\\v");
            case '\\' -> out.append("\\\\");
            case 0 -> out.append("\\0");
            case 0xFEFF -> out.append("\\uFEFF");
            default -> {
                if ((c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                        || (c >= 0x10000 && c <= 0x10FFFF)) {
                    out.appendCodePoint(c);
                } else if (c < 0x100) {
                    out.append(String.format("\\x%02X", c));
                } else if (c < 0x10000) {
                    out.append(String.format("\\x{%04X}", c));
                } else {
                    out.append(String.format("\\x{%06X}", c));
                }
            }
        }
    }

    private static String escaped(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        escape(utf8, 0, utf8.length, '"', INFINITY, out);
        return out.toString();
    }

    // ------------------------------------------------------------------ atoms

    /** How Elixir 1.14's {@code Macro} classifies an atom ({@code inner_classify/1}). */
    private enum Kind { ALIAS, IDENTIFIER, UNQUOTED_OPERATOR, QUOTED_OPERATOR, NOT_CALLABLE, OTHER }

    private static final Set<String> NOT_CALLABLE = Set.of("%", "%{}", "{}", "<<>>", "...", "..", ".", "..//", "->");
    private static final Set<String> QUOTED_OPERATORS = Set.of("::", "^^^", "~~~", "<|>");
    private static final Set<String> UNARY_OPERATORS = Set.of("&", "!", "^", "not", "+", "-", "~~~", "@");
    private static final Set<String> BINARY_OPERATORS = Set.of("<-", "\\\\", "when", "::", "|", "=", "||", "|||", "or",
            "&&", "&&&", "and", "==", "!=", "=~", "===", "!==", "<", "<=", ">=", ">", "|>", "<<<", ">>>", "<~", "~>",
            "<<~", "~>>", "<~>", "<|>", "in", "^^^", "++", "--", "..", "<>", "+++", "---", "+", "-", "*", "/", "**", ".");
    private static final Set<Character.UnicodeScript> IGNORED_SCRIPTS =
            EnumSet.of(Character.UnicodeScript.COMMON, Character.UnicodeScript.INHERITED);
    private static final List<Set<Character.UnicodeScript>> RESTRICTIVE = List.of(
            EnumSet.of(Character.UnicodeScript.LATIN, Character.UnicodeScript.HAN, Character.UnicodeScript.HIRAGANA,
                    Character.UnicodeScript.KATAKANA),
            EnumSet.of(Character.UnicodeScript.LATIN, Character.UnicodeScript.HAN, Character.UnicodeScript.BOPOMOFO),
            EnumSet.of(Character.UnicodeScript.LATIN, Character.UnicodeScript.HAN, Character.UnicodeScript.HANGUL));

    /** {@code Macro.inspect_atom(:literal, atom)}: {@code :ok}, {@code nil}, {@code Foo.Bar}, {@code :"a b"}. */
    static String atomLiteral(String name) {
        if (name.equals("nil") || name.equals("true") || name.equals("false")) {
            return name;
        }
        return switch (kind(name)) {
            case ALIAS -> name.equals("Elixir") || name.equals("Elixir.Elixir") || name.startsWith("Elixir.Elixir.")
                    ? name : name.substring("Elixir.".length());
            case IDENTIFIER, UNQUOTED_OPERATOR, NOT_CALLABLE -> ":" + name;
            case QUOTED_OPERATOR, OTHER -> ":\"" + escaped(name) + "\"";
        };
    }

    /** {@code Macro.inspect_atom(:key, atom)}: a keyword key with its colon, {@code name:} or {@code "a b":}. */
    static String atomKey(String name) {
        return switch (kind(name)) {
            case ALIAS -> "\"" + name + "\":";
            case IDENTIFIER, UNQUOTED_OPERATOR, NOT_CALLABLE -> name + ":";
            case QUOTED_OPERATOR, OTHER -> "\"" + escaped(name) + "\":";
        };
    }

    /** {@code Macro.inspect_atom(:remote_call, atom)}: a function name after {@code Module.}. */
    static String remoteCall(String name) {
        return switch (kind(name)) {
            case IDENTIFIER, UNQUOTED_OPERATOR, QUOTED_OPERATOR -> name;
            case NOT_CALLABLE, ALIAS -> "\"" + name + "\"";
            case OTHER -> "\"" + escaped(name) + "\"";
        };
    }

    private static Kind kind(String name) {
        if (NOT_CALLABLE.contains(name)) {
            return Kind.NOT_CALLABLE;
        }
        if (QUOTED_OPERATORS.contains(name)) {
            return Kind.QUOTED_OPERATOR;
        }
        if (UNARY_OPERATORS.contains(name) || BINARY_OPERATORS.contains(name)) {
            return Kind.UNQUOTED_OPERATOR;
        }
        if (Atom.isElixirAlias(name)) {
            return Kind.ALIAS;
        }
        return tokenize(name);
    }

    private static boolean asciiLetter(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean unicodeUpper(int c) {
        return Character.isUnicodeIdentifierStart(c) && (Character.isUpperCase(c) || Character.isTitleCase(c));
    }

    private static boolean unicodeContinue(int c) {
        return Character.isUnicodeIdentifierPart(c) && !Character.isIdentifierIgnorable(c);
    }

    /**
     * Elixir's identifier tokenizer on the whole name: an identifier ({@code foo},
     * {@code _x1}, {@code ok?}, {@code héllo}); not callable when it starts with an upper-case
     * letter or holds {@code @}; OTHER (quoted) when anything is left over, the text is not
     * in NFC, or its scripts mix in a way UTS 39 does not call highly restrictive.
     */
    private static Kind tokenize(String name) {
        int[] cps = name.codePoints().toArray();
        if (cps.length == 0) {
            return Kind.OTHER;
        }
        int head = cps[0];
        boolean identifier;
        boolean ascii;
        if (head >= 'A' && head <= 'Z') {
            identifier = false;
            ascii = true;
        } else if ((head >= 'a' && head <= 'z') || head == '_') {
            identifier = true;
            ascii = true;
        } else if (unicodeUpper(head)) {
            identifier = false;
            ascii = false;
        } else if (Character.isUnicodeIdentifierStart(head)) {
            identifier = true;
            ascii = false;
        } else {
            return Kind.OTHER;
        }
        boolean at = false;
        int i = 1;
        for (; i < cps.length; i++) {
            int c = cps[i];
            if (c == '!' || c == '?') {
                i++;
                break;
            }
            if (c == '@') {
                at = true;
            } else if (asciiLetter(c) || c == '_' || (c >= '0' && c <= '9')) {
                continue;
            } else if (c <= 127) {
                return Kind.OTHER;
            } else if (unicodeContinue(c) || Character.isUnicodeIdentifierStart(c)) {
                ascii = false;
            } else {
                return Kind.OTHER;
            }
        }
        if (i < cps.length) {
            return Kind.OTHER;
        }
        if (!ascii && (!Normalizer.isNormalized(name, Normalizer.Form.NFC) || !singleScriptEnough(cps))) {
            return Kind.OTHER;
        }
        return identifier && !at ? Kind.IDENTIFIER : Kind.NOT_CALLABLE;
    }

    /** One script (Common and Inherited aside), or a highly restrictive mix (UTS 39). */
    private static boolean singleScriptEnough(int[] cps) {
        Set<Character.UnicodeScript> scripts = EnumSet.noneOf(Character.UnicodeScript.class);
        for (int c : cps) {
            Character.UnicodeScript s = Character.UnicodeScript.of(c);
            if (!IGNORED_SCRIPTS.contains(s)) {
                scripts.add(s);
            }
        }
        if (scripts.size() <= 1) {
            return true;
        }
        for (Set<Character.UnicodeScript> allowed : RESTRICTIVE) {
            if (allowed.containsAll(scripts)) {
                return true;
            }
        }
        return false;
    }
}
