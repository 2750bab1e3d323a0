// The game's rules, one by one, on a synthetic trace.
#include <catch2/catch.hpp>

#include "faultline/dispute/game.hpp"
#include "synthetic.hpp"

namespace {

using namespace faultline;
using namespace faultline::dispute;

struct Fixture {
  test::SyntheticVerifier verifier;
  InMemoryPreimageOracle oracle;
  test::SyntheticTrace truth{7, 10};
  GameConfig config;
  Fixture() {
    config.arity = 4;
    config.max_depth = 2;  // 16 steps
    config.absolute_prestate = *truth.claim_at(0);
  }
  Game game(const Hash& root) { return *Game::create(config, verifier, oracle, 1, root, 0); }
  std::vector<Hash> points(std::uint64_t lo, std::uint64_t hi) {
    std::vector<Hash> out;
    for (unsigned t = 1; t < config.arity; ++t)
      out.push_back(*truth.claim_at(lo + t * (hi - lo) / 4));
    return out;
  }
};

bool rejected(const Result<NodeId>& move, const std::string& text) {
  return !move.ok() && move.error().message.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("a wrong root is bisected to one step and countered by it") {
  Fixture f;
  Hash wrong = *f.truth.claim_at(16);
  wrong[5] ^= 1;
  Game game = f.game(wrong);
  const Wei bond1 = game.bond_at_depth(1);
  CHECK(bond1 == 1'250'000);
  auto first = game.counter(2, 0, 0, f.points(0, 16), bond1, 100);
  REQUIRE(first.ok());
  CHECK(game.node(*first).lo == 0);
  CHECK(game.node(*first).hi == 16);
  // The proposer (wrongly) disputes the counter's first piece [0, 4] with a wrong state at 1.
  auto points = f.points(0, 4);
  points[0][3] ^= 1;
  auto second = game.counter(1, *first, 0, points, game.bond_at_depth(2), 200);
  REQUIRE(second.ok());
  // Pieces of the depth-2 node are single steps: [0,1] is decided by executing step 0.
  CHECK(rejected(game.counter(2, *second, 0, f.points(0, 1), game.bond_at_depth(3), 300),
                 "PieceNeedsStep: "));
  auto step = game.step(2, *second, 0, *f.truth.witness_at(0), 300);
  REQUIRE(step.ok());
  CHECK(rejected(game.step(2, *second, 0, *f.truth.witness_at(0), 301), "PieceAlreadyStepped: "));
  // A true piece cannot be countered by a step.
  CHECK(rejected(game.step(2, *second, 2, *f.truth.witness_at(2), 302), "StepAgreesWithTarget: "));

  CHECK_FALSE(game.resolve(1000));  // clocks still running
  REQUIRE(game.resolve(10'000'000));
  CHECK_FALSE(game.root_stands());
  CHECK(game.node(*second).countered);
  CHECK_FALSE(game.node(*first).countered);
  CHECK(game.node(0).bond_recipient == 2);
  SignedWei total = 0;
  for (const auto& [party, balance] : game.balances())
    total += balance;
  CHECK(total == 0);
  CHECK(game.balances().at(2) == SignedWei(game.bond_at_depth(0) + game.bond_at_depth(2)));
  CHECK(rejected(game.counter(2, 0, 0, f.points(0, 16), bond1, 10'000'001), "GameResolved: "));
}

TEST_CASE("malformed and out-of-rule moves are rejected with reasons") {
  Fixture f;
  Game game = f.game(*f.truth.claim_at(16));
  const Wei bond1 = game.bond_at_depth(1);
  CHECK(rejected(game.counter(2, 9, 0, f.points(0, 16), bond1, 1),
                 "NodeNotFound: node 9 does not exist"));
  CHECK(rejected(game.counter(2, 0, 1, f.points(0, 16), bond1, 1), "PieceOutOfRange: "));
  CHECK(rejected(game.counter(2, 0, 0, {Hash{}}, bond1, 1),
                 "WrongStateCount: a counter posts 3 states"));
  CHECK(rejected(game.counter(2, 0, 0, f.points(0, 16), bond1 - 1, 1), "WrongBond: "));
  CHECK(rejected(game.counter(2, 0, 0, f.points(0, 16), bond1 + 1, 1), "WrongBond: "));  // exact
  REQUIRE(game.counter(2, 0, 0, f.points(0, 16), bond1, 1).ok());
  CHECK(rejected(game.counter(3, 0, 0, f.points(0, 16), bond1, 2), "CounterAlreadyPosted: "));
  // The challengers' clock: countering the root after max_clock has passed is too late.
  CHECK(rejected(game.counter(3, 0, 0, {Hash{}, Hash{}, Hash{}}, bond1, f.config.max_clock),
                 "ClockExpired: "));
  // A step with a witness of another step, or a forged pre-state, is rejected: its pre-state
  // is not the agreed one.
  auto deep = game.counter(1, 1, 1, f.points(4, 8), game.bond_at_depth(2), 10);
  REQUIRE(deep.ok());
  CHECK(rejected(game.step(2, *deep, 0, *f.truth.witness_at(5), 20), "PreStateNotAgreed: "));
  StepWitness forged = *f.truth.witness_at(4);
  forged.state[8] ^= 1;
  CHECK(rejected(game.step(2, *deep, 0, forged, 20), "PreStateNotAgreed: "));
  // A step against a piece of four steps, and a witness the step verifier itself rejects.
  CHECK(rejected(game.step(2, 1, 0, *f.truth.witness_at(0), 20),
                 "StepNeedsSinglePiece: a step is only possible on a piece of one step of the "
                 "last layer"));
  StepWitness padded = *f.truth.witness_at(4);
  padded.proof.push_back(0);
  const auto unverified = game.step(2, *deep, 0, padded, 20);
  CHECK(rejected(unverified, "InvalidStep: invalid step: bad synthetic witness"));
  CHECK(rejection_of(unverified.error()) == Rejection::InvalidStep);
}

TEST_CASE("clock extension keeps a late mover's side at least the extension") {
  Fixture f;
  Game game = f.game(*f.truth.claim_at(16));
  const std::uint64_t late = f.config.max_clock - 10;
  auto counter = game.counter(2, 0, 0, f.points(0, 16), game.bond_at_depth(1), late);
  REQUIRE(counter.ok());
  CHECK(game.node(*counter).clock == f.config.max_clock - f.config.clock_extension);
}

TEST_CASE("steps cannot be countered, resolved nodes and moves from the past are rejected") {
  Fixture f;
  Hash wrong = *f.truth.claim_at(16);
  wrong[0] ^= 1;
  Game game = f.game(wrong);
  auto counter = game.counter(2, 0, 0, f.points(0, 16), game.bond_at_depth(1), 10);
  REQUIRE(counter.ok());
  CHECK(rejected(game.counter(1, *counter, 0, f.points(0, 4), game.bond_at_depth(2), 5),
                 "MoveBeforeNode: "));
  auto points = f.points(0, 4);
  points[0][1] ^= 1;
  auto lie = game.counter(1, *counter, 0, points, game.bond_at_depth(2), 20);
  REQUIRE(lie.ok());
  auto step = game.step(2, *lie, 0, *f.truth.witness_at(0), 30);
  REQUIRE(step.ok());
  CHECK(rejected(game.counter(1, *step, 0, {Hash{}, Hash{}, Hash{}}, game.bond_at_depth(4), 40),
                 "StepCannotBeCountered: "));
  // A late second counter on the root keeps the game open; the lie's subgame resolves first,
  // and then no move may touch it.
  REQUIRE(game.counter(3, 0, 0, {Hash{3}, Hash{4}, Hash{5}}, game.bond_at_depth(1),
                       f.config.max_clock - 100)
              .ok());
  const std::uint64_t later = f.config.max_clock + 10;
  CHECK_FALSE(game.resolve(later));
  REQUIRE(game.node(*lie).resolved);
  CHECK(game.node(*lie).countered);
  CHECK(rejected(game.step(2, *lie, 1, *f.truth.witness_at(1), later), "NodeResolved: "));
}

TEST_CASE("a side's clock accumulates along its path, not per move") {
  Fixture f;
  Hash wrong = *f.truth.claim_at(16);
  wrong[2] ^= 1;
  Game game = f.game(wrong);  // posted at t = 0
  // The challenger takes 200,000 s to counter the root.
  auto first = game.counter(2, 0, 0, f.points(0, 16), game.bond_at_depth(1), 200'000);
  REQUIRE(first.ok());
  CHECK(game.node(*first).clock == 200'000);
  // The proposer answers 10 s later: its own clock on this path is 10 s.
  auto points = f.points(0, 4);
  points[1][0] ^= 1;
  auto second = game.counter(1, *first, 0, points, game.bond_at_depth(2), 200'010);
  REQUIRE(second.ok());
  CHECK(game.node(*second).clock == 10);
  // The challenger's next move is charged its 200,000 s so far plus the time since the
  // proposer's move: 110,000 s more would be 310,000 > max_clock, although that one delay
  // alone is well below it.
  CHECK(game.counter_clock(*second, 310'010) == 310'000);
  CHECK(rejected(game.step(2, *second, 1, *f.truth.witness_at(1), 310'010),
                 "ClockExpired: the countering side's clock has run out"));
  // 90,000 s more is 290,000 s, allowed and below max_clock - extension: stored as is.
  auto third = game.step(2, *second, 1, *f.truth.witness_at(1), 290'010);
  REQUIRE(third.ok());
  CHECK(game.node(*third).clock == 290'000);
  // Countering `first` charges the proposer's clock from the root's (0 s), so more proposer
  // moves against `first` are allowed until max_clock after it was posted.
  CHECK(game.counter_clock(*first, 200'000 + f.config.max_clock - 1) == f.config.max_clock - 1);
  CHECK(rejected(game.counter(6, *first, 2, f.points(8, 12), game.bond_at_depth(2),
                              200'000 + f.config.max_clock),
                 "ClockExpired: the countering side's clock has run out"));
}

TEST_CASE("a countered node's bond goes to its earliest-posted standing child") {
  Fixture f;
  Hash wrong = *f.truth.claim_at(16);
  wrong[9] ^= 1;
  Game game = f.game(wrong);
  const Wei bond1 = game.bond_at_depth(1), bond2 = game.bond_at_depth(2);
  // Party 4 counters first, with a false state at 4; party 5 counters that and stands, so
  // party 4's node is countered.
  auto liar_points = f.points(0, 16);
  liar_points[0][0] ^= 1;
  auto countered = game.counter(4, 0, 0, liar_points, bond1, 5);
  REQUIRE(countered.ok());
  REQUIRE(game.counter(5, *countered, 0, f.points(0, 4), bond2, 6).ok());
  // Then party 2 counters with the true states, and party 3 later with other states; nobody
  // counters either, so both stand.
  auto earliest_standing = game.counter(2, 0, 0, f.points(0, 16), bond1, 10);
  REQUIRE(earliest_standing.ok());
  auto other_points = f.points(0, 16);
  other_points[2][0] ^= 1;
  REQUIRE(game.counter(3, 0, 0, other_points, bond1, 20).ok());
  REQUIRE(game.resolve(10'000'000));
  CHECK_FALSE(game.root_stands());
  CHECK(game.node(*countered).countered);
  CHECK(game.node(*countered).bond_recipient == 5);
  CHECK(game.node(0).bond_recipient == 2);
  // Net flows: each party's deposits back or lost, plus the bonds it won.
  const auto& balances = game.balances();
  CHECK(balances.at(1) == -SignedWei(game.bond_at_depth(0)));
  CHECK(balances.at(2) == SignedWei(game.bond_at_depth(0)));
  CHECK(balances.at(3) == 0);
  CHECK(balances.at(4) == -SignedWei(bond1));
  CHECK(balances.at(5) == SignedWei(bond1));
}

TEST_CASE("bonds in wei grow without overflowing, and a config whose bonds do not fit is refused") {
  // 0.08 ETH grown by 25 % four times: the contract's bondAt(4).
  CHECK(grown_bond(80'000'000'000'000'000, 25, 4) == Wei(195'312'500'000'000'000));
  CHECK(grown_bond(1'000'003, 25, 2) == Wei(1'562'503));  // floor at each depth
  // Past 64 bits: 0.08 ETH at depth 40 is 601.8 ETH (the contract's bondAt(40), floors and all).
  CHECK(grown_bond(80'000'000'000'000'000, 25, 40) == Wei("601853107621011202453"));
  // 1 ETH doubled 68 times fits 128 bits of wei; 70 times does not.
  CHECK(grown_bond(1'000'000'000'000'000'000, 100, 68) == Wei(1'000'000'000'000'000'000) << 68);
  CHECK_FALSE(grown_bond(1'000'000'000'000'000'000, 100, 70).has_value());
  GameConfig config;
  config.arity = 2;
  config.max_depth = 40;
  config.base_bond = 80'000'000'000'000'000;  // OP's base bond: 752 ETH at depth 41
  CHECK(config.validate().ok());
  config.bond_growth_percent = 300;  // quadrupled a level: 3.9e23 ETH at depth 41
  CHECK_THAT(config.validate().error().message, Catch::Contains("does not fit 128 bits"));
}

TEST_CASE("a layer of k to the d steps is refused from 2 to the 62 steps on, as the docs say") {
  GameConfig config;
  config.arity = 2;
  config.bond_growth_percent = 0;  // the bonds' limit is not the one under test
  config.max_depth = 61;
  CHECK(config.validate().ok());  // 2^61 steps
  config.max_depth = 62;          // 2^62: refused
  CHECK_THAT(config.validate().error().message, Catch::Contains("below 2^62"));
  config.arity = 64;
  config.max_depth = 10;  // 2^60
  CHECK(config.validate().ok());
  config.max_depth = 11;  // 2^66
  CHECK_FALSE(config.validate().ok());
}
