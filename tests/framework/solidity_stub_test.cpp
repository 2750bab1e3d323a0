// Layout checks (check_state_layout) and the verifier stub generator's names and refusals; the
// generated Solidity itself is compiled and run on anvil by tests/evm/verifier_stub_test.cpp.
#include <catch2/catch.hpp>
#include <filesystem>

#include "faultline/file.hpp"
#include "faultline/solidity_stub.hpp"

namespace {

using namespace faultline;

constexpr StateField kFields[] = {
    {"heap_root", 0, 32, "root"}, {"status", 32, 1, "VmStatus"}, {"address", 33, 8, "a keyword"}};
constexpr MemoryLayout kHeap[] = {{"heap_root", 16}};
constexpr StateLayout kLayout{kFields, "status", kHeap};

std::string layout_error(const StateLayout& layout) {
  auto checked = check_state_layout(layout);
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.error().code == Errc::invalid_argument);
  return checked.error().message;
}

}  // namespace

TEST_CASE("check_state_layout accepts a good layout and names what is wrong with a bad one") {
  CHECK(check_state_layout(kLayout).ok());
  CHECK(kLayout.size() == 41);

  const StateField gap[] = {{"a", 0, 32, ""}, {"status", 33, 1, ""}};
  CHECK_THAT(layout_error({gap, "status", {}}), Catch::Contains("no gap"));
  const StateField upper[] = {{"Status", 0, 1, ""}};
  CHECK_THAT(layout_error({upper, "Status", {}}), Catch::Contains("snake_case"));
  const StateField twice[] = {{"status", 0, 1, ""}, {"status", 1, 1, ""}};
  CHECK_THAT(layout_error({twice, "status", {}}), Catch::Contains("declared twice"));
  CHECK_THAT(layout_error({kFields, "state", kHeap}), Catch::Contains("'state' does not exist"));
  CHECK_THAT(layout_error({kFields, "address", kHeap}), Catch::Contains("must be 1 byte"));
  const MemoryLayout small_root[] = {{"address", 16}};
  CHECK_THAT(layout_error({kFields, "status", small_root}), Catch::Contains("32 bytes"));
  const MemoryLayout tiny[] = {{"heap_root", 8}};
  CHECK_THAT(layout_error({kFields, "status", tiny}), Catch::Contains("12 to 64"));
  const MemoryLayout shared[] = {{"heap_root", 16}, {"heap_root", 20}};
  CHECK_THAT(layout_error({kFields, "status", shared}), Catch::Contains("share"));
}

TEST_CASE("the stub generator derives Solidity names from the backend and field names") {
  auto names = stub_names("my-vm_2");
  REQUIRE(names.ok());
  CHECK(names->contract == "MyVm2StepVerifier");
  CHECK(names->source == "src/my-vm_2/MyVm2StepVerifier.sol");
  CHECK(names->test == "test/MyVm2StepVerifier.t.sol");
  CHECK_FALSE(stub_names("My VM").ok());
  CHECK_FALSE(stub_names("").ok());

  auto files = generate_verifier_stub("toy", kLayout);
  REQUIRE(files.ok());
  REQUIRE(files->size() == 2);
  const std::string& verifier = (*files)[0].text;
  CHECK_THAT(verifier, Catch::Contains("contract ToyStepVerifier is IStepVerifier"));
  CHECK_THAT(verifier, Catch::Contains("uint256 internal constant HEAP_ROOT_OFFSET = 0;"));
  CHECK_THAT(verifier, Catch::Contains("uint64 address_; // a keyword"));
  CHECK_THAT(verifier, Catch::Contains("uint256 internal constant HEAP_TREE_HEIGHT = 11;"));
  CHECK_THAT(verifier, Catch::Contains("function proveHeapLeaf("));
  CHECK_THAT(verifier, Catch::Contains("error NotImplemented(uint256 operation);"));
  CHECK_THAT((*files)[1].text, Catch::Contains("contract ToyStepVerifierTest is Test"));

  const StateField bad[] = {{"status", 0, 2, ""}};
  CHECK_FALSE(generate_verifier_stub("toy", {bad, "status", {}}).ok());
}

TEST_CASE("write_solidity_files creates directories and replaces files only when asked") {
  const auto root = std::filesystem::temp_directory_path() / "faultline-stub-test";
  std::filesystem::remove_all(root);
  const std::vector<SolidityFile> files{{"src/a/A.sol", "contract A {}\n"}};
  REQUIRE(write_solidity_files(files, root.string(), false).ok());
  auto text = read_file((root / "src/a/A.sol").string());
  REQUIRE(text.ok());
  CHECK(text->size() == 14);
  auto again = write_solidity_files(files, root.string(), false);
  REQUIRE_FALSE(again.ok());
  CHECK_THAT(again.error().message, Catch::Contains("already exists"));
  CHECK(write_solidity_files(files, root.string(), true).ok());
  auto blocked = write_solidity_files(files, (root / "src/a/A.sol").string(), true);
  REQUIRE_FALSE(blocked.ok());
  CHECK(blocked.error().code == Errc::io_error);
  std::filesystem::remove_all(root);
}
