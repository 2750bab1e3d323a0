// The stack machine (backend.hpp): its state and layout, one step written once for the three
// contexts faultline's VmMachine and VmStepVerifier run it in, the program loader and the
// backend. Everything here comes from faultline's public headers.
#include "stack/backend.hpp"

#include <array>
#include <charconv>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "faultline/keccak.hpp"
#include "faultline/merkle_memory.hpp"
#include "faultline/state_layout.hpp"
#include "faultline/step_support.hpp"
#include "faultline/vm_machine.hpp"

namespace stack {
namespace {

using faultline::Bytes;
using faultline::ByteView;
using faultline::Errc;
using faultline::Error;
using faultline::Hash;
using faultline::MerkleMemory;
using faultline::Result;
using faultline::StepOutcome;
using faultline::VmStatus;

// ---- The state --------------------------------------------------------------------------

/// Why a step faulted: kept in exit_code while the status is faulted.
enum class Fault : std::uint32_t {
  none = 0,
  bad_pc = 1,        ///< pc not 8-aligned, or past the code region
  bad_op = 2,        ///< an opcode the machine does not have
  underflow = 3,     ///< a pop from an empty stack
  overflow = 4,      ///< a push past kStackLimit
  misaligned = 5,    ///< a load or store address not 4-aligned
  memory_limit = 6,  ///< a store would make more pages non-zero than allowed
};

struct State {
  VmStatus status = VmStatus::running;
  std::uint64_t exit_code = 0;  ///< the exit code, or the Fault
  std::uint32_t pc = 0;
  std::uint32_t sp = kStackBase;  ///< the next free stack word
  std::uint64_t step = 0;
  std::uint64_t memory_limit = 0;  ///< pages
  std::uint64_t pages_in_use = 0;
  Hash memory_root{};
};

constexpr std::array<faultline::StateField, 8> kFields{{
    {"status", 0, 1, "VmStatus"},
    {"exit_code", 1, 4, "the exit code, or why the machine faulted"},
    {"pc", 5, 4, "address of the next instruction"},
    {"sp", 9, 4, "address of the next free stack word"},
    {"step", 13, 8, "steps executed"},
    {"memory_limit", 21, 8, "most non-zero 4 KiB pages"},
    {"pages_in_use", 29, 8, "non-zero 4 KiB pages"},
    {"memory_root", 37, 32, "Merkle root of the 2^32-byte memory"},
}};
constexpr std::array<faultline::MemoryLayout, 1> kMemories{{{"memory_root", kAddressBits}}};
constexpr faultline::StateLayout kLayout{kFields, "status", kMemories};
constexpr std::size_t kStateSize = 69;
static_assert(kLayout.size() == kStateSize);
static_assert(faultline::is_contiguous_layout(kFields, kStateSize));

void put(Bytes& out, std::uint64_t value, unsigned size) {
  for (unsigned i = size; i-- > 0;)
    out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}
std::uint64_t get(ByteView bytes, std::size_t offset, unsigned size) {
  std::uint64_t value = 0;
  for (unsigned i = 0; i < size; ++i)
    value = value << 8 | bytes[offset + i];
  return value;
}

// ---- Memory in the three contexts --------------------------------------------------------

/// The real memory, for the fast run and the witness.
struct MemoryContext : faultline::MachineIo {
  MemoryContext(State& s, MerkleMemory& m, const faultline::PreimageOracle& o,
                faultline::Outputs& out)
      : MachineIo(m, o, out), state(s) {}
  State& state;

  std::uint32_t load32(std::uint32_t address) {
    const std::uint8_t* bytes = memory.page_for_read(address >> MerkleMemory::kPageBits) +
                                address % MerkleMemory::kPageBytes;
    return static_cast<std::uint32_t>(get(ByteView(bytes, 4), 0, 4));
  }
  bool store32(std::uint32_t address, std::uint32_t value) {
    const std::uint64_t page = address >> MerkleMemory::kPageBits;
    switch (memory.admit(page, value != 0, state.memory_limit)) {
      case MerkleMemory::Admission::refuse:
        return false;
      case MerkleMemory::Admission::skip:
        return true;
      case MerkleMemory::Admission::write:
        break;
    }
    std::uint8_t* bytes = memory.page_for_write(page) + address % MerkleMemory::kPageBytes;
    for (unsigned i = 0; i < 4; ++i)
      bytes[i] = static_cast<std::uint8_t>(value >> (8 * (3 - i)));
    return true;
  }
};

struct DecodeCache {};  // the stack machine decodes nothing ahead

struct RunContext : MemoryContext {
  RunContext(State& s, MerkleMemory& m, const faultline::PreimageOracle& o, faultline::Outputs& out,
             DecodeCache& /*cache*/)
      : MemoryContext(s, m, o, out) {}
};

/// The real memory, each leaf's proof recorded the first time the step touches it.
struct RecordingContext : MemoryContext {
  RecordingContext(State& s, MerkleMemory& m, const faultline::PreimageOracle& o,
                   faultline::Outputs& out, DecodeCache& /*cache*/, Bytes& proofs,
                   std::vector<faultline::PreimageRead>& reads)
      : MemoryContext(s, m, o, out), recorder(m, proofs, reads) {}
  faultline::LeafRecorder recorder;

  std::uint32_t load32(std::uint32_t address) {
    (void)recorder.touch(address);
    return MemoryContext::load32(address);
  }
  bool store32(std::uint32_t address, std::uint32_t value) {
    const int slot = recorder.touch(address);
    if (!MemoryContext::store32(address, value)) return false;
    recorder.wrote(slot);
    return true;
  }
};

/// The memory rebuilt from a witness's proofs alone: the step verifier.
struct ReplayContext {
  ReplayContext(State& s, ByteView proofs, const faultline::PreimageOracle& /*oracle*/)
      : state(s),
        memory(proofs, kAddressBits - MerkleMemory::kLeafBits, s.memory_root, s.memory_limit,
               s.pages_in_use) {}
  State& state;
  faultline::LeafReplayer memory;

  std::uint32_t load32(std::uint32_t address) {
    const Hash& leaf = memory.leaf(address);
    return static_cast<std::uint32_t>(get(leaf, address % 32, 4));
  }
  bool store32(std::uint32_t address, std::uint32_t value) {
    Hash after = memory.leaf(address);
    for (unsigned i = 0; i < 4; ++i)
      after[address % 32 + i] = static_cast<std::uint8_t>(value >> (8 * (3 - i)));
    return memory.write(address, after);
  }
};

// ---- One step, written once -------------------------------------------------------------

template <class Context>
StepOutcome step(Context& context) {
  State& s = context.state;
  if (s.status != VmStatus::running) return StepOutcome::halted;
  ++s.step;
  const auto fault = [&](Fault why) {
    s.status = VmStatus::faulted;
    s.exit_code = static_cast<std::uint64_t>(why);
    return StepOutcome::executed;
  };
  if (s.pc % 8 != 0 || s.pc >= kStackBase) return fault(Fault::bad_pc);
  const std::uint32_t head = context.load32(s.pc);  // one leaf: pc is 8-aligned
  const std::uint32_t immediate = context.load32(s.pc + 4);
  const std::uint32_t op = head >> 24;
  if (op >= kOpCount || (head & 0x00ff'ffff) != 0) return fault(Fault::bad_op);
  std::uint32_t next = s.pc + 8;
  const auto pop = [&](std::uint32_t& value) {
    if (s.sp == kStackBase) return false;
    s.sp -= 4;
    value = context.load32(s.sp);
    return true;
  };
  const auto push = [&](std::uint32_t value) -> std::optional<Fault> {
    if (s.sp >= kStackLimit) return Fault::overflow;
    if (!context.store32(s.sp, value)) return Fault::memory_limit;
    s.sp += 4;
    return std::nullopt;
  };
  std::uint32_t a = 0, b = 0;
  std::optional<Fault> failed;
  switch (static_cast<Op>(op)) {
    case Op::halt:
      if (!pop(a)) return fault(Fault::underflow);
      s.status = a == 0 ? VmStatus::exited_ok : VmStatus::exited_failure;
      s.exit_code = a;
      return StepOutcome::executed;  // pc stays at the halt
    case Op::push:
      failed = push(immediate);
      break;
    case Op::add:
    case Op::sub:
    case Op::mul:
    case Op::lt: {
      if (!pop(b) || !pop(a)) return fault(Fault::underflow);
      const std::uint32_t result = op == 2   ? a + b
                                   : op == 3 ? a - b
                                   : op == 4 ? a * b
                                             : static_cast<std::uint32_t>(a < b ? 1 : 0);
      failed = push(result);
      break;
    }
    case Op::dup:
      if (!pop(a)) return fault(Fault::underflow);
      failed = push(a);
      if (!failed) failed = push(a);
      break;
    case Op::swap:
      if (!pop(b) || !pop(a)) return fault(Fault::underflow);
      failed = push(b);
      if (!failed) failed = push(a);
      break;
    case Op::jz:
      if (!pop(a)) return fault(Fault::underflow);
      if (a == 0) next = immediate;
      break;
    case Op::jmp:
      next = immediate;
      break;
    case Op::load:
      if (!pop(a)) return fault(Fault::underflow);
      if (a % 4 != 0) return fault(Fault::misaligned);
      failed = push(context.load32(a));
      break;
    case Op::store:
      if (!pop(a) || !pop(b)) return fault(Fault::underflow);
      if (a % 4 != 0) return fault(Fault::misaligned);
      if (!context.store32(a, b)) return fault(Fault::memory_limit);
      break;
  }
  if (failed) return fault(*failed);
  s.pc = next;
  return StepOutcome::executed;
}

struct Isa {
  using State = stack::State;
  using DecodeCache = stack::DecodeCache;
  using RunContext = stack::RunContext;
  using RecordingContext = stack::RecordingContext;
  using ReplayContext = stack::ReplayContext;

  static Bytes encode(const State& s) {
    Bytes out;
    out.reserve(kStateSize);
    put(out, static_cast<std::uint8_t>(s.status), 1);
    put(out, s.exit_code, 4);
    put(out, s.pc, 4);
    put(out, s.sp, 4);
    put(out, s.step, 8);
    put(out, s.memory_limit, 8);
    put(out, s.pages_in_use, 8);
    out.insert(out.end(), s.memory_root.begin(), s.memory_root.end());
    return out;
  }

  static Result<State> decode(ByteView bytes) {
    if (bytes.size() != kStateSize) {
      return Error{Errc::malformed_input,
                   "a stack state has 69 bytes, not " + std::to_string(bytes.size())};
    }
    State s;
    if (bytes[0] > static_cast<std::uint8_t>(VmStatus::running)) {
      return Error{Errc::malformed_input, "status byte " + std::to_string(bytes[0])};
    }
    s.status = static_cast<VmStatus>(bytes[0]);
    s.exit_code = get(bytes, 1, 4);
    s.pc = static_cast<std::uint32_t>(get(bytes, 5, 4));
    s.sp = static_cast<std::uint32_t>(get(bytes, 9, 4));
    s.step = get(bytes, 13, 8);
    s.memory_limit = get(bytes, 21, 8);
    s.pages_in_use = get(bytes, 29, 8);
    std::copy(bytes.begin() + 37, bytes.end(), s.memory_root.begin());
    if (s.sp < kStackBase || s.sp > kStackLimit || s.sp % 4 != 0) {
      return Error{Errc::malformed_input, "sp outside the stack"};
    }
    return s;
  }

  static std::string fault_description(const State& s) {
    static constexpr std::array<const char*, 7> kWhy = {"no fault",
                                                        "pc not 8-aligned or past the code",
                                                        "unknown opcode",
                                                        "stack underflow",
                                                        "stack overflow",
                                                        "misaligned load or store",
                                                        "memory limit reached"};
    return s.exit_code < kWhy.size() ? kWhy[s.exit_code] : "fault " + std::to_string(s.exit_code);
  }

  static StepOutcome step(RecordingContext& context) { return stack::step(context); }
  static StepOutcome step(ReplayContext& context) { return stack::step(context); }
  static faultline::RunOutcome run(RunContext& context, std::uint64_t steps) {
    faultline::RunOutcome outcome;
    while (outcome.steps < steps && stack::step(context) == StepOutcome::executed)
      ++outcome.steps;
    return outcome;
  }
};
static_assert(faultline::VmIsa<Isa>);

// ---- Programs ---------------------------------------------------------------------------

std::optional<Op> op_named(const std::string& name) {
  static const std::map<std::string, Op> kOps = {
      {"halt", Op::halt}, {"push", Op::push}, {"add", Op::add},   {"sub", Op::sub},
      {"mul", Op::mul},   {"lt", Op::lt},     {"dup", Op::dup},   {"swap", Op::swap},
      {"jz", Op::jz},     {"jmp", Op::jmp},   {"load", Op::load}, {"store", Op::store}};
  const auto found = kOps.find(name);
  return found == kOps.end() ? std::nullopt : std::optional(found->second);
}

/// The code of a program's text: each instruction's 8 bytes. Errors name the line.
Result<Bytes> assemble(std::string_view text) {
  struct Line {
    std::size_t number;
    Op op;
    std::string operand;
  };
  std::vector<Line> lines;
  std::map<std::string, std::uint32_t> labels;
  std::istringstream in{std::string(text)};
  std::string raw;
  for (std::size_t number = 1; std::getline(in, raw); ++number) {
    const std::string where = "line " + std::to_string(number) + ": ";
    std::istringstream words(raw.substr(0, raw.find('#')));
    std::string word, operand, extra;
    if (!(words >> word)) continue;
    if (word.back() == ':') {
      word.pop_back();
      if (word.empty() || !labels.emplace(word, lines.size() * 8).second) {
        return Error{Errc::malformed_input, where + "a label is empty or defined twice"};
      }
      if (!(words >> word)) continue;
    }
    const auto op = op_named(word);
    if (!op) return Error{Errc::malformed_input, where + "no instruction '" + word + "'"};
    const bool takes = *op == Op::push || *op == Op::jz || *op == Op::jmp;
    if (takes != static_cast<bool>(words >> operand) || (words >> extra)) {
      return Error{Errc::malformed_input,
                   where + word + (takes ? " takes one operand" : " takes no operand")};
    }
    if (lines.size() == kMaxInstructions) {
      return Error{Errc::out_of_range, where + "more than 2^20 instructions"};
    }
    lines.push_back({number, *op, operand});
  }
  Bytes code;
  for (const Line& line : lines) {
    std::uint32_t immediate = 0;
    if (!line.operand.empty()) {
      if (const auto label = labels.find(line.operand); label != labels.end()) {
        immediate = label->second;
      } else {
        const bool hex = line.operand.starts_with("0x");
        const char* first = line.operand.data() + (hex ? 2 : 0);
        const char* last = line.operand.data() + line.operand.size();
        const auto parsed = std::from_chars(first, last, immediate, hex ? 16 : 10);
        if (parsed.ec != std::errc() || parsed.ptr != last || first == last) {
          return Error{Errc::malformed_input, "line " + std::to_string(line.number) + ": '" +
                                                  line.operand +
                                                  "' is neither a label nor a 32-bit number"};
        }
      }
    }
    put(code, static_cast<std::uint8_t>(line.op), 1);
    put(code, 0, 3);
    put(code, immediate, 4);
  }
  return code;
}

class Program final : public faultline::Program {
 public:
  Program(Bytes code, const Hash& artifact_hash, std::uint64_t memory_limit)
      : code_(std::move(code)), artifact_hash_(artifact_hash), memory_limit_(memory_limit) {}

  std::string_view backend_name() const noexcept override { return "stack"; }
  const Hash& artifact_hash() const noexcept override { return artifact_hash_; }

  std::unique_ptr<faultline::Machine> start(
      std::shared_ptr<const faultline::PreimageOracle> oracle) const override {
    MerkleMemory memory(kAddressBits);
    (void)memory.write(0, code_);  // checked to fit by load()
    State state;
    state.memory_limit = memory_limit_;
    state.pages_in_use = memory.nonzero_pages();
    return std::make_unique<faultline::VmMachine<Isa>>(state, std::move(memory), std::move(oracle));
  }

 private:
  Bytes code_;
  Hash artifact_hash_;
  std::uint64_t memory_limit_;
};

class Backend final : public faultline::Backend {
 public:
  explicit Backend(std::uint64_t memory_limit) : memory_limit_(memory_limit) {}

  std::string_view name() const noexcept override { return "stack"; }
  std::string_view description() const noexcept override {
    return "a 32-bit stack machine (examples/stack_backend, built outside the tree)";
  }
  Result<std::unique_ptr<faultline::Program>> load(ByteView artifact) const override {
    auto code =
        assemble(std::string_view(reinterpret_cast<const char*>(artifact.data()), artifact.size()));
    if (!code) return code.error();
    if (code->empty()) return Error{Errc::malformed_input, "a program needs an instruction"};
    const std::uint64_t pages =
        (code->size() + MerkleMemory::kPageBytes - 1) >> MerkleMemory::kPageBits;
    if (pages > memory_limit_) {
      return Error{Errc::out_of_range, "the code needs more pages than the memory limit"};
    }
    return std::unique_ptr<faultline::Program>(
        std::make_unique<Program>(std::move(*code), faultline::keccak256(artifact), memory_limit_));
  }
  const faultline::StepVerifier& step_verifier() const noexcept override { return verifier_; }
  std::optional<faultline::StateLayout> state_layout() const noexcept override { return kLayout; }

 private:
  std::uint64_t memory_limit_;
  faultline::VmStepVerifier<Isa> verifier_;
};

}  // namespace

std::unique_ptr<faultline::Backend> make_backend(std::uint64_t memory_limit_pages) {
  return std::make_unique<Backend>(memory_limit_pages);
}

}  // namespace stack
