package unclip4j.checkpoint;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle reader that never runs anything the file names. It interprets the opcodes PyTorch's
 * {@code torch.save} and TorchScript emit (protocol 2, plus the few protocol 3/4 additions) into
 * plain Java values: {@code null} (None), Boolean, Long, BigInteger, Double, String, byte[],
 * {@link ArrayList} (list), {@link LinkedHashMap} (dict), {@link Tuple}, {@link Global} and
 * {@link Obj}.
 *
 * <p>Every GLOBAL goes through a {@link Policy}: it returns either a {@link Callable} the caller
 * wrote (such as "rebuild a tensor view") or an inert {@link Global}. Calling an inert global
 * (REDUCE, NEWOBJ, OBJ, INST) only records the call as an {@link Obj}; BUILD only stores its
 * state. Names that exist to run code ({@code os.system}, {@code builtins.eval},
 * {@code subprocess.Popen}, ...) are refused outright, so a malicious file gets a clear message.
 */
public final class Unpickler {
    /** A reference to a Python class or function, never resolved to anything executable. */
    public record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** An instance of an inert global: its class and BUILD state, recorded (its constructor arguments are not needed). */
    public static final class Obj {
        public final Global type;
        public Object state;

        Obj(Global type) {
            this.type = type;
        }

        /** The BUILD state as attributes (a dict state), or an empty map. */
        @SuppressWarnings("unchecked")
        public Map<Object, Object> attributes() {
            return state instanceof Map<?, ?> m ? (Map<Object, Object>) m : Map.of();
        }
    }

    /** A Python tuple. Identity equality, so hostile self-referencing tuples cannot recurse in hashCode. */
    public static final class Tuple {
        public final List<Object> items;

        Tuple(List<Object> items) {
            this.items = Collections.unmodifiableList(new ArrayList<>(items)); // may hold null (None)
        }

        public int size() {
            return items.size();
        }

        public Object get(int i) {
            return items.get(i);
        }
    }

    /** An allow-listed callable supplied by the caller (never by the file). */
    @FunctionalInterface
    public interface Callable {
        Object call(Tuple args);
    }

    /** How globals and persistent ids are resolved; the file cannot extend it. */
    public interface Policy {
        /** A {@link Callable} for names the caller implements, else {@code new Global(module, name)}. */
        Object global(String module, String name);

        Object persistentLoad(Object pid);
    }

    /** Modules and builtins whose only use in a pickle is to run code or touch the system. */
    private static final Set<String> DENIED_MODULES = Set.of("os", "posix", "nt", "subprocess", "sys", "shutil", "socket",
            "importlib", "runpy", "pty", "pickle", "_pickle", "marshal", "ctypes", "code", "codeop", "webbrowser", "commands",
            "pdb", "timeit", "multiprocessing", "tempfile", "pathlib", "io", "_io", "asyncio", "signal", "urllib", "http",
            "ftplib", "smtplib", "telnetlib", "platform", "posixpath", "ntpath", "operator", "functools", "types", "popen2",
            "cProfile", "profile", "trace", "shelve", "dbm", "zipimport", "site", "sysconfig", "threading", "_thread");
    private static final Set<String> DENIED_BUILTINS = Set.of("eval", "exec", "execfile", "compile", "open", "file", "__import__",
            "getattr", "setattr", "delattr", "globals", "locals", "vars", "input", "breakpoint", "apply", "help", "memoryview");

    static final int MAX_DEPTH = 100_000;

    private final String where;
    private final MemorySegment in;
    private final Policy policy;
    private long pos;
    /** From the PROTO opcode, which protocols 0 and 1 do not write: their text opcodes are not read. */
    private int protocol;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private Unpickler(String where, MemorySegment in, Policy policy) {
        this.where = where;
        this.in = in;
        this.policy = policy;
    }

    /** Unpickles one object. Malformed or hostile input throws {@link CheckpointException} and nothing else. */
    public static Object load(String where, MemorySegment pickle, Policy policy) {
        Unpickler u = new Unpickler(where, pickle, policy);
        try {
            return u.run();
        } catch (CheckpointException e) {
            throw e;
        } catch (RuntimeException e) {
            // ClassCast, IndexOutOfBounds, ...: the opcodes did not fit together
            throw new CheckpointException(where + ": malformed pickle near byte " + u.pos + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** Checks a global's name before anything else sees it. */
    static void refuseDangerous(String where, String module, String name) {
        String root = module.contains(".") ? module.substring(0, module.indexOf('.')) : module;
        boolean builtin = root.equals("builtins") || root.equals("__builtin__");
        if (DENIED_MODULES.contains(root) || (builtin && DENIED_BUILTINS.contains(name))) {
            throw new CheckpointException(where + ": refusing to load: the pickle references " + module + "." + name
                    + ", which no checkpoint needs (the file may be malicious; nothing was executed)");
        }
    }

    private Object run() {
        while (true) {
            if (pos >= in.byteSize()) throw fail("pickle ends without STOP (truncated?)");
            int op = u8();
            switch (op) {
                case 0x80 -> { protocol = u8(); if (protocol > 5) throw fail("unsupported pickle protocol " + protocol); } // PROTO
                case 0x95 -> skip(8);                                    // FRAME: length, ignored
                case '.' -> { if (stack.size() != 1) throw fail("pickle stops with " + stack.size() + " values on the stack"); return pop(); }
                case '(' -> marks.add(stack.size());                     // MARK
                case '0' -> pop();                                       // POP
                case '1' -> popMark();                                   // POP_MARK
                case '2' -> push(peek());                                // DUP
                case 'N' -> push(null);                                  // NONE
                case 0x88 -> push(Boolean.TRUE);                         // NEWTRUE
                case 0x89 -> push(Boolean.FALSE);                        // NEWFALSE
                case 'J' -> push((long) in.get(I32, take(4)));          // BININT
                case 'K' -> push((long) u8());                           // BININT1
                case 'M' -> push((long) Short.toUnsignedInt(in.get(I16, take(2)))); // BININT2
                case 0x8a -> push(longBytes(u8()));                      // LONG1
                case 0x8b -> push(longBytes(length(in.get(I32, take(4))))); // LONG4
                case 'G' -> push(in.get(F64BE, take(8)));                // BINFLOAT (big-endian)
                case 'X' -> push(utf8(length(in.get(I32, take(4)))));    // BINUNICODE
                case 0x8c -> push(utf8(u8()));                           // SHORT_BINUNICODE
                case 0x8d -> push(utf8(length(in.get(I64, take(8)))));   // BINUNICODE8
                case 'T' -> push(latin1(length(in.get(I32, take(4)))));  // BINSTRING
                case 'U' -> push(latin1(u8()));                          // SHORT_BINSTRING
                case 'B' -> push(bytes(length(in.get(I32, take(4)))));   // BINBYTES
                case 'C' -> push(bytes(u8()));                           // SHORT_BINBYTES
                case '}' -> push(new LinkedHashMap<>());                 // EMPTY_DICT
                case ']' -> push(new ArrayList<>());                     // EMPTY_LIST
                case ')' -> push(new Tuple(List.of()));                  // EMPTY_TUPLE
                case 't' -> push(new Tuple(popMark()));                  // TUPLE
                case 0x85 -> push(tupleOf(1));                           // TUPLE1
                case 0x86 -> push(tupleOf(2));                           // TUPLE2
                case 0x87 -> push(tupleOf(3));                           // TUPLE3
                case 'a' -> { Object v = pop(); list(peek()).add(v); }   // APPEND
                case 'e' -> { List<Object> items = popMark(); list(peek()).addAll(items); } // APPENDS
                case 's' -> { Object v = pop(), k = pop(); dict(peek()).put(key(k), v); } // SETITEM
                case 'u' -> setItems(popMark(), dict(peek()));           // SETITEMS
                case 'c' -> push(global(line(), line()));               // GLOBAL
                case 0x93 -> { String name = string(pop()), module = string(pop()); push(global(module, name)); } // STACK_GLOBAL
                case 'i' -> { String module = line(), name = line(); Object cls = global(module, name); push(call(cls, new Tuple(popMark()))); } // INST
                case 'o' -> { List<Object> items = popMark(); if (items.isEmpty()) throw fail("OBJ without a class"); push(call(items.get(0), new Tuple(items.subList(1, items.size())))); } // OBJ
                case 'R' -> { Tuple args = tuple(pop()); push(call(pop(), args)); }    // REDUCE
                case 0x81 -> { Tuple args = tuple(pop()); push(newObj(pop(), args)); } // NEWOBJ
                case 'b' -> { Object state = pop(); build(peek(), state); } // BUILD
                case 'Q' -> push(policy.persistentLoad(pop()));          // BINPERSID
                case 'q' -> memo.put((long) u8(), peek());               // BINPUT
                case 'r' -> memo.put(Integer.toUnsignedLong(in.get(I32, take(4))), peek()); // LONG_BINPUT
                case 0x94 -> memo.put((long) memo.size(), peek());       // MEMOIZE
                case 'h' -> push(memoGet(u8()));                         // BINGET
                case 'j' -> push(memoGet(Integer.toUnsignedLong(in.get(I32, take(4))))); // LONG_BINGET
                // text-protocol opcodes are printable characters; any other byte is a corrupt stream, whatever its header
                default -> throw protocol < 2 && op >= 0x20 && op < 0x7f
                        ? new CheckpointException(String.format("%s: a protocol 0/1 (text) pickle, which is not read (opcode 0x%02x at pickle "
                                + "byte %d); re-save it with torch.save and its default pickle_protocol (2) or a later one", where, op, pos))
                        : fail(String.format("unsupported pickle opcode 0x%02x", op));
            }
        }
    }

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64BE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Object global(String module, String name) {
        refuseDangerous(where, module, name);
        return policy.global(module, name);
    }

    private Object call(Object callable, Tuple args) {
        if (callable instanceof Callable c) return c.call(args);
        if (callable instanceof Global g) return new Obj(g);
        throw fail("pickle calls a " + typeName(callable) + ", which is not a class or function");
    }

    private Object newObj(Object cls, Tuple args) {
        if (cls instanceof Global g) return new Obj(g);
        if (cls instanceof Callable c) return c.call(args);
        throw fail("NEWOBJ on a " + typeName(cls));
    }

    private void build(Object target, Object state) {
        // BUILD never calls __setstate__: an inert object records its state; anything else ignores it
        // (PyTorch sets OrderedDict._metadata this way, which loading does not need)
        if (target instanceof Obj o) o.state = state;
    }

    private void setItems(List<Object> items, Map<Object, Object> d) {
        if (items.size() % 2 != 0) throw fail("SETITEMS with an odd number of values");
        for (int i = 0; i < items.size(); i += 2) d.put(key(items.get(i)), items.get(i + 1));
    }

    /** Dict keys must be hashable without recursion: lists and dicts are unhashable in Python too. */
    private Object key(Object k) {
        if (k instanceof List || k instanceof Map) throw fail("unhashable dict key (" + typeName(k) + ")");
        return k;
    }

    private Tuple tupleOf(int n) {
        if (stack.size() - floor() < n) throw fail("stack underflow");
        List<Object> items = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
        for (int i = 0; i < n; i++) stack.removeLast();
        return new Tuple(items);
    }

    private int floor() {
        return marks.isEmpty() ? 0 : marks.getLast();
    }

    private void push(Object o) {
        if (stack.size() >= MAX_DEPTH) throw fail("pickle stack deeper than " + MAX_DEPTH);
        stack.add(o);
    }

    private Object pop() {
        if (stack.size() <= floor()) throw fail("stack underflow");
        return stack.removeLast();
    }

    private Object peek() {
        if (stack.size() <= floor()) throw fail("stack underflow");
        return stack.getLast();
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) throw fail("MARK expected");
        int m = marks.removeLast();
        List<Object> items = new ArrayList<>(stack.subList(m, stack.size()));
        while (stack.size() > m) stack.removeLast();
        return items;
    }

    private Object memoGet(long i) {
        if (!memo.containsKey(i)) throw fail("memo entry " + i + " is not defined");
        return memo.get(i);
    }

    private int u8() {
        return Byte.toUnsignedInt(in.get(ValueLayout.JAVA_BYTE, take(1)));
    }

    private long take(long n) {
        if (n < 0 || n > in.byteSize() - pos) throw fail("pickle ends inside an opcode (truncated?)");
        long p = pos;
        pos += n;
        return p;
    }

    private void skip(long n) {
        take(n);
    }

    private long length(long n) {
        if (n < 0 || n > in.byteSize() - pos) throw fail("length " + n + " runs past the end of the pickle");
        return n;
    }

    private byte[] bytes(long n) {
        return in.asSlice(take(length(n)), n).toArray(ValueLayout.JAVA_BYTE);
    }

    private Object longBytes(long n) {
        byte[] le = bytes(n);
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) be[i] = le[le.length - 1 - i];
        BigInteger v = be.length == 0 ? BigInteger.ZERO : new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String utf8(long n) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes(n))).toString();
        } catch (CharacterCodingException e) {
            throw fail("string is not valid UTF-8");
        }
    }

    private String latin1(long n) {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    /** A newline-terminated ASCII argument (GLOBAL and INST). */
    private String line() {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = u8();
            if (c == '\n') return sb.toString();
            if (c < 0x20 || c > 0x7e || sb.length() > 1000) throw fail("malformed global name");
            sb.append((char) c);
        }
    }

    private static String string(Object o) {
        if (o instanceof String s) return s;
        throw new ClassCastException("expected a string");
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof ArrayList<?> l) return (List<Object>) l;
        throw fail("APPEND to a " + typeName(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
        if (o instanceof LinkedHashMap<?, ?> m) return (Map<Object, Object>) m;
        throw fail("SETITEM on a " + typeName(o));
    }

    private Tuple tuple(Object o) {
        if (o instanceof Tuple t) return t;
        throw fail("arguments are a " + typeName(o) + ", not a tuple");
    }

    static String typeName(Object o) {
        if (o == null) return "None";
        if (o instanceof Obj obj) return obj.type + " object";
        if (o instanceof Global g) return "global " + g;
        return switch (o) {
            case Map<?, ?> m -> "dict";
            case List<?> l -> "list";
            case Tuple t -> "tuple";
            case String s -> "str";
            default -> o.getClass().getSimpleName();
        };
    }

    private CheckpointException fail(String what) {
        return new CheckpointException(where + ": " + what + " (pickle byte " + pos + ")");
    }
}
