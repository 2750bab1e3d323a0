// Guest output is shared between a machine and its snapshots, never copied per checkpoint,
// and yet no copy ever sees bytes another copy wrote after it.
#include <catch2/catch.hpp>

#include "faultline/step_support.hpp"

namespace {

using faultline::as_bytes;
using faultline::OutputBuffer;

std::string text_of(const OutputBuffer& output) {
  const faultline::ByteView bytes = output.bytes();
  return {bytes.begin(), bytes.end()};
}

}  // namespace

TEST_CASE("output buffers: copies share bytes and keep their own length") {
  OutputBuffer original;
  CHECK(original.bytes().empty());
  original.append(as_bytes("hello"));
  const OutputBuffer checkpoint = original;
  CHECK(checkpoint.bytes().data() == original.bytes().data());

  // The original writes on in place; the checkpoint still ends where it was taken.
  original.append(as_bytes(", world"));
  CHECK(text_of(original) == "hello, world");
  CHECK(text_of(checkpoint) == "hello");
  CHECK(checkpoint.bytes().data() == original.bytes().data());

  // A copy resumed from the checkpoint that writes what the original wrote shares it too.
  OutputBuffer replay = checkpoint;
  replay.append(as_bytes(", "));
  replay.append(as_bytes("world"));
  CHECK(replay == original);
  CHECK(replay.bytes().data() == original.bytes().data());

  // One that writes something else takes its own copy of its prefix; the others are unchanged.
  OutputBuffer diverged = checkpoint;
  diverged.append(as_bytes(", there"));
  CHECK(text_of(diverged) == "hello, there");
  CHECK(diverged.bytes().data() != original.bytes().data());
  CHECK(text_of(original) == "hello, world");
  CHECK(text_of(checkpoint) == "hello");
  CHECK_FALSE(diverged == original);

  // A write that runs past the shared bytes is a divergence too, even if its start agrees.
  OutputBuffer longer = checkpoint;
  longer.append(as_bytes(", world!"));
  CHECK(text_of(longer) == "hello, world!");
  CHECK(text_of(original) == "hello, world");

  // The original, behind nobody, still appends in place after all that.
  const std::uint8_t* before = original.bytes().data();
  original.append({});
  CHECK(original.bytes().data() == before);
  CHECK(text_of(original) == "hello, world");
}
