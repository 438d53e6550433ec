#!/usr/bin/env python3
"""Lets TorchSharp 0.107.0's libLibTorchSharp.so load on systems whose libstdc++ predates GCC 13 (e.g. Debian 12).

The library lists a version requirement GLIBCXX_3.4.32 for a single symbol (_ZSt21ios_base_library_initv) that
nothing relocates against, so it is never bound. glibc's loader rejects a missing *required* version but only
warns about a missing *weak* one, so we set VER_FLG_WEAK on that requirement in the copy in the build output.
Idempotent: an already-weak entry is left as is and the file is not rewritten.

Usage: patch_glibcxx.py LIB.so [LIB.so ...]
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2
WANTED = b"GLIBCXX_3.4.32"


def c_string(data, offset):
    return bytes(data[offset:data.index(b"\0", offset)])


def patch(path):
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit(f"{path}: not a 64-bit little-endian ELF file")
    (e_shoff,) = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    # Elf64_Shdr: name, type, flags, addr, offset, size, link, info, addralign, entsize
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize) for i in range(e_shnum)]

    found = changed = 0
    for sh in sections:
        if sh[1] != SHT_GNU_VERNEED:
            continue
        strtab = sections[sh[6]][4]  # sh_link names the string table holding the version names
        entry, count = sh[4], sh[7]  # sh_info = number of Verneed entries
        for _ in range(count):
            # Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32
            _, vn_cnt, _, vn_aux, vn_next = struct.unpack_from("<HHIII", data, entry)
            aux = entry + vn_aux
            for _ in range(vn_cnt):
                # Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32
                _, vna_flags, _, vna_name, vna_next = struct.unpack_from("<IHHII", data, aux)
                if c_string(data, strtab + vna_name) == WANTED:
                    found += 1
                    if not vna_flags & VER_FLG_WEAK:
                        struct.pack_into("<H", data, aux + 4, vna_flags | VER_FLG_WEAK)
                        changed += 1
                if vna_next == 0:
                    break
                aux += vna_next
            if vn_next == 0:
                break
            entry += vn_next

    if changed:
        with open(path, "wb") as f:
            f.write(data)
    state = "patched" if changed else ("already weak" if found else "no such requirement")
    print(f"patch_glibcxx: {path}: {WANTED.decode()} {state}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    for p in sys.argv[1:]:
        patch(p)
