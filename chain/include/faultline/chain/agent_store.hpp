// What an agent must remember across crashes, in an SQLite database (WAL, synchronous=FULL):
// the transactions it signed and may have in flight, the games it plays, and how far it has read
// the factory's logs (with that block's hash, to notice a reorg). The chain is the truth for
// everything else.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "faultline/chain/account.hpp"

struct sqlite3;

namespace faultline::chain {

class AgentStore {
 public:
  /// Opens (creating if needed) the database at `path`. io_error with SQLite's reason.
  static Result<AgentStore> open(const std::string& path);

  /// Signed transactions that may be in flight.
  Result<void> add_in_flight(const SignedTransaction& sent);
  Result<void> remove_in_flight(const Hash& hash);
  /// Oldest first.
  [[nodiscard]] Result<std::vector<SignedTransaction>> in_flight() const;

  struct GameRecord {
    Address game{};
    std::uint64_t game_type = 0;
    std::uint64_t first_block = 0;
    bool finished = false;  ///< resolved and its credit claimed
  };
  /// Adds a game, or leaves it as it is if known.
  Result<void> add_game(const GameRecord& game);
  Result<void> finish_game(const Address& game);
  [[nodiscard]] Result<std::vector<GameRecord>> games() const;

  /// The last block whose factory logs were read, and its hash.
  struct Cursor {
    std::uint64_t block = 0;
    Hash hash{};
  };
  Result<void> set_cursor(const Cursor& cursor);
  [[nodiscard]] Result<std::optional<Cursor>> cursor() const;

 private:
  struct Close {
    void operator()(sqlite3* db) const noexcept;
  };
  explicit AgentStore(sqlite3* db) : db_(db) {}
  Result<void> execute(const std::string& sql) const;
  std::unique_ptr<sqlite3, Close> db_;
};

}  // namespace faultline::chain
