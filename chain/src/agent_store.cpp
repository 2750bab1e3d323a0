// The agent's crash-safe store over SQLite.
#include "faultline/chain/agent_store.hpp"

#include <sqlite3.h>

#include <cstring>

namespace faultline::chain {
namespace {

Error sqlite_error(sqlite3* db, const std::string& what) {
  return Error{Errc::io_error, "agent store: " + what + ": " + sqlite3_errmsg(db)};
}

/// One prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr) != SQLITE_OK) statement_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(statement_); }
  [[nodiscard]] bool ok() const noexcept { return statement_ != nullptr; }
  Statement& bind(int index, std::int64_t value) {
    sqlite3_bind_int64(statement_, index, value);
    return *this;
  }
  Statement& bind(int index, ByteView bytes) {
    sqlite3_bind_blob(statement_, index, bytes.data(), static_cast<int>(bytes.size()),
                      SQLITE_TRANSIENT);
    return *this;
  }
  /// SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(statement_); }
  [[nodiscard]] std::int64_t integer(int column) const {
    return sqlite3_column_int64(statement_, column);
  }
  [[nodiscard]] Bytes blob(int column) const {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement_, column));
    const int size = sqlite3_column_bytes(statement_, column);
    return data == nullptr ? Bytes{} : Bytes(data, data + size);
  }

 private:
  sqlite3_stmt* statement_ = nullptr;
};

template <std::size_t N>
std::array<std::uint8_t, N> fixed(const Bytes& bytes) {
  std::array<std::uint8_t, N> out{};
  if (bytes.size() == N) std::memcpy(out.data(), bytes.data(), N);
  return out;
}

Result<void> run(sqlite3* db, Statement& statement, const std::string& what) {
  if (!statement.ok()) return sqlite_error(db, what);
  if (statement.step() != SQLITE_DONE) return sqlite_error(db, what);
  return {};
}

}  // namespace

void AgentStore::Close::operator()(sqlite3* db) const noexcept {
  sqlite3_close(db);
}

Result<AgentStore> AgentStore::open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    Error error = sqlite_error(db, "cannot open " + path);
    sqlite3_close(db);
    return error;
  }
  AgentStore store(db);
  sqlite3_busy_timeout(db, 5'000);
  // WAL with synchronous=FULL: a committed row survives a crash of the process or the machine.
  const char* schema =
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
      "CREATE TABLE IF NOT EXISTS in_flight (hash BLOB PRIMARY KEY, nonce INTEGER NOT NULL,"
      " raw BLOB NOT NULL, added INTEGER NOT NULL);"
      "CREATE TABLE IF NOT EXISTS games (address BLOB PRIMARY KEY, game_type INTEGER NOT NULL,"
      " first_block INTEGER NOT NULL, finished INTEGER NOT NULL DEFAULT 0);"
      "CREATE TABLE IF NOT EXISTS cursor (id INTEGER PRIMARY KEY CHECK (id = 0),"
      " block INTEGER NOT NULL, hash BLOB NOT NULL);";
  if (auto made = store.execute(schema); !made) return made.error();
  return store;
}

Result<void> AgentStore::execute(const std::string& sql) const {
  char* message = nullptr;
  if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    Error error{Errc::io_error, std::string("agent store: ") + (message ? message : "error")};
    sqlite3_free(message);
    return error;
  }
  return {};
}

Result<void> AgentStore::add_in_flight(const SignedTransaction& sent) {
  Statement insert(db_.get(),
                   "INSERT OR REPLACE INTO in_flight (hash, nonce, raw, added) VALUES "
                   "(?, ?, ?, (SELECT IFNULL(MAX(added), 0) + 1 FROM in_flight))");
  if (insert.ok()) {
    insert.bind(1, sent.hash).bind(2, static_cast<std::int64_t>(sent.nonce)).bind(3, sent.raw);
  }
  return run(db_.get(), insert, "recording a transaction");
}

Result<void> AgentStore::remove_in_flight(const Hash& hash) {
  Statement remove(db_.get(), "DELETE FROM in_flight WHERE hash = ?");
  if (remove.ok()) remove.bind(1, hash);
  return run(db_.get(), remove, "forgetting a transaction");
}

Result<std::vector<SignedTransaction>> AgentStore::in_flight() const {
  Statement select(db_.get(), "SELECT hash, nonce, raw FROM in_flight ORDER BY added");
  if (!select.ok()) return sqlite_error(db_.get(), "reading transactions");
  std::vector<SignedTransaction> out;
  int status = 0;
  while ((status = select.step()) == SQLITE_ROW) {
    SignedTransaction sent;
    sent.hash = fixed<32>(select.blob(0));
    sent.nonce = static_cast<std::uint64_t>(select.integer(1));
    sent.raw = select.blob(2);
    out.push_back(std::move(sent));
  }
  if (status != SQLITE_DONE) return sqlite_error(db_.get(), "reading transactions");
  return out;
}

Result<void> AgentStore::add_game(const GameRecord& game) {
  Statement insert(db_.get(),
                   "INSERT OR IGNORE INTO games (address, game_type, first_block, finished) "
                   "VALUES (?, ?, ?, ?)");
  if (insert.ok()) {
    insert.bind(1, game.game)
        .bind(2, static_cast<std::int64_t>(game.game_type))
        .bind(3, static_cast<std::int64_t>(game.first_block))
        .bind(4, std::int64_t{game.finished ? 1 : 0});
  }
  return run(db_.get(), insert, "recording a game");
}

Result<void> AgentStore::finish_game(const Address& game) {
  Statement update(db_.get(), "UPDATE games SET finished = 1 WHERE address = ?");
  if (update.ok()) update.bind(1, game);
  return run(db_.get(), update, "finishing a game");
}

Result<std::vector<AgentStore::GameRecord>> AgentStore::games() const {
  Statement select(db_.get(),
                   "SELECT address, game_type, first_block, finished FROM games ORDER BY rowid");
  if (!select.ok()) return sqlite_error(db_.get(), "reading games");
  std::vector<GameRecord> out;
  int status = 0;
  while ((status = select.step()) == SQLITE_ROW) {
    GameRecord game;
    game.game = fixed<20>(select.blob(0));
    game.game_type = static_cast<std::uint64_t>(select.integer(1));
    game.first_block = static_cast<std::uint64_t>(select.integer(2));
    game.finished = select.integer(3) != 0;
    out.push_back(game);
  }
  if (status != SQLITE_DONE) return sqlite_error(db_.get(), "reading games");
  return out;
}

Result<void> AgentStore::set_cursor(const Cursor& cursor) {
  Statement upsert(db_.get(), "INSERT OR REPLACE INTO cursor (id, block, hash) VALUES (0, ?, ?)");
  if (upsert.ok()) upsert.bind(1, static_cast<std::int64_t>(cursor.block)).bind(2, cursor.hash);
  return run(db_.get(), upsert, "moving the log cursor");
}

Result<std::optional<AgentStore::Cursor>> AgentStore::cursor() const {
  Statement select(db_.get(), "SELECT block, hash FROM cursor WHERE id = 0");
  if (!select.ok()) return sqlite_error(db_.get(), "reading the log cursor");
  const int status = select.step();
  if (status == SQLITE_DONE) return std::optional<Cursor>();
  if (status != SQLITE_ROW) return sqlite_error(db_.get(), "reading the log cursor");
  return std::optional<Cursor>(
      Cursor{static_cast<std::uint64_t>(select.integer(0)), fixed<32>(select.blob(1))});
}

}  // namespace faultline::chain
