// Whole-file reads are bounded and every failure is an Error, never an exception or an abort.
#include <catch2/catch.hpp>
#include <filesystem>

#include "faultline/file.hpp"

namespace {

using namespace faultline;

std::string scratch(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("faultline-file-test-" + name)).string();
}

}  // namespace

TEST_CASE("read_file and write_file: round trip, limits, and errors with reasons") {
  const std::string path = scratch("data");
  const Bytes data = {1, 2, 3, 0, 255};
  REQUIRE(write_file(path, data).ok());
  auto read = read_file(path);
  REQUIRE(read.ok());
  CHECK(*read == data);
  CHECK(read_file(path, 5).ok());  // exactly at the cap

  auto over = read_file(path, 4);
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code == Errc::out_of_range);
  CHECK(over.error().message.find("4-byte limit") != std::string::npos);

  // A device is read only up to the cap.
  auto endless = read_file("/dev/zero", 1 << 20);
  REQUIRE_FALSE(endless.ok());
  CHECK(endless.error().code == Errc::out_of_range);

  auto missing = read_file(scratch("missing"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == Errc::not_found);

  auto directory = read_file(std::filesystem::temp_directory_path().string());
  REQUIRE_FALSE(directory.ok());
  CHECK(directory.error().code == Errc::io_error);
  CHECK(directory.error().message.find("Is a directory") != std::string::npos);

  auto full = write_file("/dev/full", data);
  REQUIRE_FALSE(full.ok());
  CHECK(full.error().code == Errc::io_error);
  CHECK(full.error().message.find("No space left") != std::string::npos);
  std::filesystem::remove(path);
}
