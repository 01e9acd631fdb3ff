package net.kmesh.perf.bpf.btf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The types of a {@code .BTF} section (the kernel's {@code include/uapi/linux/btf.h}), enough to
 * read struct layouts, enums, and the definitions of {@code SEC(".maps")} variables. Tests only.
 */
public final class Btf {
    public static final int INT = 1;
    public static final int PTR = 2;
    public static final int ARRAY = 3;
    public static final int STRUCT = 4;
    public static final int UNION = 5;
    public static final int ENUM = 6;
    public static final int TYPEDEF = 8;
    public static final int VOLATILE = 9;
    public static final int CONST = 10;
    public static final int RESTRICT = 11;
    public static final int FUNC_PROTO = 13;
    public static final int VAR = 14;
    public static final int DATASEC = 15;
    public static final int DECL_TAG = 17;
    public static final int TYPE_TAG = 18;
    public static final int ENUM64 = 19;

    /** A member of a struct or union (offset in bits), a constant of an enum (value), a datasec entry. */
    public record Member(String name, int type, long offset) {
    }

    /**
     * One type. {@code size} is the byte size of ints, structs, unions and enums; {@code type} the
     * referenced type of pointers, typedefs, qualifiers, vars and arrays (the element type).
     */
    public record Type(int id, int kind, String name, int size, int type, int arrayLength, List<Member> members) {
        public Member member(String member) {
            return members.stream().filter(m -> m.name.equals(member)).findFirst().orElseThrow(
                    () -> new AssertionError(name + " has no member " + member + "; it has " + members));
        }
    }

    /**
     * A map as {@code SEC(".maps")} defines it, every number read from the BTF that libbpf reads.
     * Key and value are type ids (0 when the map gives sizes instead).
     */
    public record MapDefinition(String name, int type, int key, int value, int keySize, int valueSize, int maxEntries,
                         int flags) {
    }

    private final List<Type> types = new ArrayList<>();

    public Btf(ByteBuffer btf) {
        if (Short.toUnsignedInt(btf.getShort(0)) != 0xeb9f) {
            throw new IllegalArgumentException("not BTF: magic " + Integer.toHexString(btf.getShort(0)));
        }
        int hdrLen = btf.getInt(4);
        int typeOff = hdrLen + btf.getInt(8);
        int typeEnd = typeOff + btf.getInt(12);
        int strOff = hdrLen + btf.getInt(16);
        types.add(new Type(0, 0, "void", 0, 0, 0, List.of()));
        int p = typeOff;
        while (p < typeEnd) {
            String name = string(btf, strOff + btf.getInt(p));
            int info = btf.getInt(p + 4);
            int sizeOrType = btf.getInt(p + 8);
            int kind = (info >>> 24) & 0x1f;
            int vlen = info & 0xffff;
            p += 12;
            List<Member> members = new ArrayList<>();
            int size = 0;
            int type = 0;
            int length = 0;
            switch (kind) {
                case INT -> {
                    size = sizeOrType;
                    p += 4;
                }
                case ARRAY -> {
                    type = btf.getInt(p);
                    length = btf.getInt(p + 8);
                    p += 12;
                }
                case STRUCT, UNION -> {
                    size = sizeOrType;
                    boolean bitfields = info < 0; // kind_flag: offsets carry a bitfield size in the top 8 bits
                    for (int i = 0; i < vlen; i++, p += 12) {
                        int offset = btf.getInt(p + 8);
                        members.add(new Member(string(btf, strOff + btf.getInt(p)), btf.getInt(p + 4),
                                bitfields ? offset & 0xffffff : Integer.toUnsignedLong(offset)));
                    }
                }
                case ENUM -> {
                    size = sizeOrType;
                    for (int i = 0; i < vlen; i++, p += 8) {
                        members.add(new Member(string(btf, strOff + btf.getInt(p)), 0, btf.getInt(p + 4)));
                    }
                }
                case ENUM64 -> {
                    size = sizeOrType;
                    for (int i = 0; i < vlen; i++, p += 12) {
                        long value = Integer.toUnsignedLong(btf.getInt(p + 4)) | ((long) btf.getInt(p + 8) << 32);
                        members.add(new Member(string(btf, strOff + btf.getInt(p)), 0, value));
                    }
                }
                case FUNC_PROTO -> {
                    type = sizeOrType;
                    p += 8 * vlen;
                }
                case VAR, DECL_TAG -> {
                    type = sizeOrType;
                    p += 4;
                }
                case DATASEC -> {
                    size = sizeOrType;
                    for (int i = 0; i < vlen; i++, p += 12) {
                        members.add(new Member("", btf.getInt(p), btf.getInt(p + 4)));
                    }
                }
                default -> type = sizeOrType; // PTR, FWD, TYPEDEF, qualifiers, FUNC, FLOAT, TYPE_TAG
            }
            types.add(new Type(types.size(), kind, name, size, type, length, List.copyOf(members)));
        }
    }

    public Type type(int id) {
        return types.get(id);
    }

    /** The type behind typedefs and qualifiers. */
    public Type resolve(int id) {
        Type t = types.get(id);
        while (t.kind == TYPEDEF || t.kind == VOLATILE || t.kind == CONST || t.kind == RESTRICT
                || t.kind == TYPE_TAG) {
            t = types.get(t.type);
        }
        return t;
    }

    /** The byte size of a type (arrays included). */
    public int sizeOf(int id) {
        Type t = resolve(id);
        return switch (t.kind) {
            case ARRAY -> t.arrayLength * sizeOf(t.type);
            case PTR -> 8;
            default -> t.size;
        };
    }

    /** The struct named {@code name}. */
    public Type struct(String name) {
        return named(STRUCT, name).orElseThrow(() -> new AssertionError("no struct " + name + " in this BTF"));
    }

    /** The enum named {@code name}, its constants as members. */
    public Type enumeration(String name) {
        return named(ENUM, name).orElseThrow(() -> new AssertionError("no enum " + name + " in this BTF"));
    }

    public Optional<Type> named(int kind, String name) {
        return types.stream().filter(t -> t.kind == kind && t.name.equals(name)).findFirst();
    }

    /** Byte offset of {@code member} in {@code struct}. */
    public static int offsetOf(Type struct, String member) {
        return (int) (struct.member(member).offset / 8);
    }

    /** Every map defined in the {@code .maps} section, by variable name. */
    public Map<String, MapDefinition> maps() {
        Map<String, MapDefinition> maps = new LinkedHashMap<>();
        Type section = named(DATASEC, ".maps").orElseThrow(() -> new AssertionError("no .maps section in this BTF"));
        for (Member entry : section.members) {
            Type var = types.get(entry.type);
            Type def = resolve(var.type);
            int mapType = 0;
            int key = 0;
            int value = 0;
            int keySize = 0;
            int valueSize = 0;
            int maxEntries = 0;
            int flags = 0;
            for (Member m : def.members) {
                // libbpf's conventions: __uint(name, n) is int (*name)[n]; __type(name, T) is T *name.
                Type pointee = resolve(resolve(m.type).type);
                switch (m.name) {
                    case "type" -> mapType = pointee.arrayLength;
                    case "max_entries" -> maxEntries = pointee.arrayLength;
                    case "map_flags" -> flags = pointee.arrayLength;
                    case "key_size" -> keySize = pointee.arrayLength;
                    case "value_size" -> valueSize = pointee.arrayLength;
                    case "key" -> {
                        key = resolve(m.type).type;
                        keySize = sizeOf(key);
                    }
                    case "value" -> {
                        value = resolve(m.type).type;
                        valueSize = sizeOf(value);
                    }
                    default -> { }
                }
            }
            maps.put(var.name, new MapDefinition(var.name, mapType, key, value, keySize, valueSize, maxEntries, flags));
        }
        return maps;
    }

    private static String string(ByteBuffer btf, int offset) {
        int end = offset;
        while (btf.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - offset];
        btf.get(offset, b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
