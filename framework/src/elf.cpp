// Static ELF loading with libelf; every check gives a message a user can act on.
#include "faultline/elf.hpp"

#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <memory>

namespace faultline {
namespace {

Error elf_error(Errc code, const std::string& what) {
  return Error{code, "ELF: " + what};
}

struct ElfCloser {
  void operator()(Elf* elf) const { elf_end(elf); }
};

}  // namespace

Result<LoadedElf> load_elf(ByteView file, const ElfTarget& target) {
  if (elf_version(EV_CURRENT) == EV_NONE) {
    return elf_error(Errc::unsupported, "libelf is out of date");
  }
  // libelf wants a mutable buffer; it only reads it (ELF_C_READ via elf_memory).
  std::vector<char> image(file.begin(), file.end());
  std::unique_ptr<Elf, ElfCloser> elf(elf_memory(image.data(), image.size()));
  if (!elf || elf_kind(elf.get()) != ELF_K_ELF) {
    return elf_error(Errc::malformed_input, "not an ELF file");
  }
  GElf_Ehdr header;
  if (gelf_getehdr(elf.get(), &header) == nullptr) {
    return elf_error(Errc::malformed_input, std::string("bad header: ") + elf_errmsg(-1));
  }
  const int elf_class = gelf_getclass(elf.get());
  if (elf_class != (target.bits == 32 ? ELFCLASS32 : ELFCLASS64)) {
    return elf_error(Errc::unsupported, std::string(elf_class == ELFCLASS32 ? "32" : "64") +
                                            "-bit file, but this backend runs " +
                                            std::to_string(target.bits) + "-bit programs");
  }
  if (header.e_ident[EI_DATA] != (target.big_endian ? ELFDATA2MSB : ELFDATA2LSB)) {
    return elf_error(Errc::unsupported, std::string(target.big_endian ? "little" : "big") +
                                            "-endian file; " + std::string(target.architecture) +
                                            " programs here are " +
                                            (target.big_endian ? "big" : "little") + "-endian");
  }
  if (header.e_machine != target.machine) {
    return elf_error(Errc::unsupported, "machine " + std::to_string(header.e_machine) + " is not " +
                                            std::string(target.architecture) + " (" +
                                            std::to_string(target.machine) + ")");
  }
  if (header.e_type != ET_EXEC) {
    return elf_error(Errc::unsupported,
                     "only static executables (ET_EXEC) can run; link with -static");
  }
  if (target.check_flags) {
    if (std::string why = target.check_flags(static_cast<std::uint32_t>(header.e_flags));
        !why.empty()) {
      return elf_error(Errc::unsupported, why);
    }
  }

  // As Linux does: an entry size other than the class's would make libelf read the table as
  // the reader of the file did not mean it.
  const std::size_t entry_size = elf_class == ELFCLASS32 ? sizeof(Elf32_Phdr) : sizeof(Elf64_Phdr);
  if (header.e_phnum != 0 && header.e_phentsize != entry_size) {
    return elf_error(Errc::malformed_input, "program header entries are " +
                                                std::to_string(header.e_phentsize) +
                                                " bytes, not " + std::to_string(entry_size));
  }
  std::size_t count = 0;
  if (elf_getphdrnum(elf.get(), &count) != 0) {
    return elf_error(Errc::malformed_input, std::string("bad program headers: ") + elf_errmsg(-1));
  }
  LoadedElf loaded;
  loaded.entry = header.e_entry;
  bool entry_in_code = false;
  std::vector<std::size_t> header_of;  // the program header of each loaded segment
  for (std::size_t i = 0; i < count; ++i) {
    GElf_Phdr ph;
    if (gelf_getphdr(elf.get(), static_cast<int>(i), &ph) == nullptr) {
      return elf_error(Errc::malformed_input,
                       "program header " + std::to_string(i) + " is unreadable");
    }
    if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC) {
      return elf_error(Errc::unsupported, "dynamically linked; link with -static");
    }
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
    const std::string name = "segment " + std::to_string(i);
    if (ph.p_filesz > ph.p_memsz) {
      return elf_error(Errc::malformed_input, name + " has more file bytes than memory bytes");
    }
    if (ph.p_offset > file.size() || ph.p_filesz > file.size() - ph.p_offset) {
      return elf_error(Errc::malformed_input,
                       name + " is truncated: its bytes run past the end of the file");
    }
    if (ph.p_vaddr >= target.load_limit || ph.p_memsz > target.load_limit - ph.p_vaddr) {
      return elf_error(Errc::out_of_range, name + " at " + hex_number(ph.p_vaddr) + " (+" +
                                               hex_number(ph.p_memsz) +
                                               ") does not fit below the mmap area at " +
                                               hex_number(target.load_limit));
    }
    ElfSegment segment;
    segment.address = ph.p_vaddr;
    segment.memory_size = ph.p_memsz;
    segment.data.assign(file.begin() + static_cast<std::ptrdiff_t>(ph.p_offset),
                        file.begin() + static_cast<std::ptrdiff_t>(ph.p_offset + ph.p_filesz));
    loaded.segments.push_back(std::move(segment));
    header_of.push_back(i);
    loaded.end = std::max(loaded.end, ph.p_vaddr + ph.p_memsz);
    if ((ph.p_flags & PF_X) != 0) {
      const bool first = loaded.code_end == 0;
      loaded.code_start = first ? ph.p_vaddr : std::min(loaded.code_start, ph.p_vaddr);
      loaded.code_end = std::max(loaded.code_end, ph.p_vaddr + ph.p_memsz);
      if (header.e_entry >= ph.p_vaddr && header.e_entry - ph.p_vaddr < ph.p_memsz)
        entry_in_code = true;
    }
  }
  if (loaded.segments.empty()) return elf_error(Errc::malformed_input, "no loadable segments");
  // Overlapping segments would make the image depend on the order they are loaded in (a later
  // segment's zero fill over an earlier one's bytes): a program must mean one thing.
  std::vector<std::size_t> by_address(loaded.segments.size());
  for (std::size_t k = 0; k < by_address.size(); ++k)
    by_address[k] = k;
  std::sort(by_address.begin(), by_address.end(), [&loaded](std::size_t a, std::size_t b) {
    return loaded.segments[a].address < loaded.segments[b].address;
  });
  for (std::size_t k = 1; k < by_address.size(); ++k) {
    const ElfSegment& before = loaded.segments[by_address[k - 1]];
    if (loaded.segments[by_address[k]].address < before.address + before.memory_size) {
      return elf_error(Errc::malformed_input,
                       "segments " + std::to_string(header_of[by_address[k - 1]]) + " and " +
                           std::to_string(header_of[by_address[k]]) + " overlap");
    }
  }
  if (!entry_in_code || header.e_entry % target.entry_alignment != 0) {
    return elf_error(Errc::malformed_input, "entry point " + hex_number(header.e_entry) +
                                                " is not in an executable segment");
  }
  return loaded;
}

Result<MerkleMemory> memory_image(const LoadedElf& elf, unsigned address_bits,
                                  std::uint64_t memory_limit) {
  MerkleMemory memory(address_bits);
  for (const ElfSegment& segment : elf.segments) {
    if (auto written = memory.write(segment.address, segment.data); !written) {
      return written.error();
    }
  }
  if (const std::uint64_t pages = memory.nonzero_pages(); pages > memory_limit) {
    return Error{Errc::out_of_range, "the program's image has " + std::to_string(pages) +
                                         " non-zero 4 KiB pages: over the memory limit of " +
                                         std::to_string(memory_limit) + " pages"};
  }
  return memory;
}

}  // namespace faultline
