package net.kmesh.perf.bpf.btf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a compiled BPF object (a little-endian ELF64 relocatable file) as clang wrote it: its
 * programs' instructions by function name and its {@code .BTF} section. Tests only.
 */
public final class BpfElf {
    private static final int SHT_SYMTAB = 2;
    private static final int STT_FUNC = 2;
    private static final int SHF_EXECINSTR = 0x4;
    private static final int CALL = 0x85; // BPF_JMP | BPF_CALL
    private static final int SRC_HELPER = 0; // src_reg of a helper call (1: a BPF-to-BPF call, 2: a kfunc)

    private record Section(String name, int type, long flags, int offset, int size, int link) {
    }

    /** One instruction: {@code code}, {@code src_reg}, {@code imm}. */
    public record Insn(int code, int src, int imm) {
        public boolean isHelperCall(int helper) {
            return code == CALL && src == SRC_HELPER && imm == helper;
        }

        public boolean isCall() {
            return code == CALL;
        }
    }

    private final ByteBuffer elf;
    private final List<Section> sections = new ArrayList<>();
    private final Map<String, List<Insn>> programs = new LinkedHashMap<>();

    private BpfElf(byte[] bytes) {
        elf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.getInt(0) != 0x464c457f || elf.get(4) != 2 || elf.get(5) != 1) {
            throw new IllegalArgumentException("not a little-endian ELF64 object");
        }
        int shoff = (int) elf.getLong(0x28);
        int shentsize = Short.toUnsignedInt(elf.getShort(0x3a));
        int shnum = Short.toUnsignedInt(elf.getShort(0x3c));
        int shstrndx = Short.toUnsignedInt(elf.getShort(0x3e));
        int namesOffset = (int) elf.getLong(shoff + shstrndx * shentsize + 24);
        for (int i = 0; i < shnum; i++) {
            int h = shoff + i * shentsize;
            sections.add(new Section(string(namesOffset + elf.getInt(h)), elf.getInt(h + 4), elf.getLong(h + 8),
                    (int) elf.getLong(h + 24), (int) elf.getLong(h + 32), elf.getInt(h + 40)));
        }
        for (Section symtab : sections) {
            if (symtab.type != SHT_SYMTAB) {
                continue;
            }
            int strings = sections.get(symtab.link).offset;
            for (int s = symtab.offset; s < symtab.offset + symtab.size; s += 24) {
                int shndx = Short.toUnsignedInt(elf.getShort(s + 6));
                if ((elf.get(s + 4) & 0xf) != STT_FUNC || shndx == 0 || shndx >= sections.size()) {
                    continue;
                }
                Section code = sections.get(shndx);
                if ((code.flags & SHF_EXECINSTR) == 0) {
                    continue;
                }
                int start = code.offset + (int) elf.getLong(s + 8);
                int size = (int) elf.getLong(s + 16);
                List<Insn> insns = new ArrayList<>(size / 8);
                for (int p = start; p < start + size; p += 8) {
                    insns.add(new Insn(Byte.toUnsignedInt(elf.get(p)), (elf.get(p + 1) >> 4) & 0xf, elf.getInt(p + 4)));
                }
                programs.put(string(strings + elf.getInt(s)), insns);
            }
        }
    }

    /** Reads the class-path resource {@code resource}. */
    public static BpfElf resource(String resource) {
        try (InputStream in = BpfElf.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException(resource + " is not on the class path: run make -C bpf");
            }
            return new BpfElf(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of every function in an executable section: the programs and any subprograms. */
    public List<String> functions() {
        return List.copyOf(programs.keySet());
    }

    /** The instructions of the function {@code name}. */
    public List<Insn> instructions(String name) {
        List<Insn> insns = programs.get(name);
        if (insns == null) {
            throw new IllegalArgumentException("no function " + name + " in this object; it has " + programs.keySet());
        }
        return insns;
    }

    /** The object's {@code .BTF} section. */
    public Btf btf() {
        for (Section s : sections) {
            if (s.name.equals(".BTF")) {
                return new Btf(elf.slice(s.offset, s.size).order(ByteOrder.LITTLE_ENDIAN));
            }
        }
        throw new IllegalStateException("the object has no .BTF section: was it built with -g?");
    }

    private String string(int offset) {
        int end = offset;
        while (elf.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - offset];
        elf.get(offset, b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
