// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DisputeGame, GameParams} from "../src/DisputeGame.sol";
import {DisputeGameFactory} from "../src/DisputeGameFactory.sol";
import {IdentityBinding, ILayerBinding} from "../src/ILayerBinding.sol";
import {PreimageOracle} from "../src/PreimageOracle.sol";
import {Synthetic, SyntheticStepVerifier} from "./SyntheticStepVerifier.sol";
import {Test} from "./Test.sol";

/// @notice A binding that tags both ends with the path, so a test sees which path a layer
///         was opened with.
contract TaggedBinding is ILayerBinding {
    function bindStart(uint64[] calldata path, bytes32 outerState) external pure returns (bytes32) {
        return keccak256(abi.encode("start", path, outerState));
    }

    function bindEnd(uint64[] calldata path, bytes32 outerState) external pure returns (bytes32) {
        return keccak256(abi.encode("end", path, outerState));
    }
}

/// @notice A credit recipient that calls back into the game when paid.
contract Reentrant {
    DisputeGame internal game;

    function aim(DisputeGame game_) external {
        game = game_;
    }

    receive() external payable {
        game.claimCredit(payable(address(this)));
    }
}

/// @notice The game's rules, move by move, on the synthetic VM of the C++ tests: state i of a
///         run of LENGTH steps is commitment(SEED, i, LENGTH).
contract DisputeGameTest is Test {
    uint64 internal constant SEED = 7;
    uint64 internal constant LENGTH = 8;
    uint256 internal constant MAX_CLOCK = 1000;
    uint256 internal constant EXTENSION = 100;
    uint256 internal constant T0 = 1_000_000;

    address internal constant PROPOSER = address(0xA11CE);
    address internal constant CHALLENGER = address(0xB0B);
    address internal constant THIRD = address(0xC4A5);

    PreimageOracle internal oracle;
    SyntheticStepVerifier internal verifier;
    DisputeGameFactory internal factory;
    DisputeGame internal game;
    /// @dev The assertions of each node posted, as a move against it passes them.
    mapping(uint256 node => bytes32[]) internal claimsOf;

    function setUp() public {
        oracle = new PreimageOracle();
        verifier = new SyntheticStepVerifier(oracle);
        factory = new DisputeGameFactory();
        factory.registerGameType(params(_one(2), _one(3), new ILayerBinding[](0)));
        vm.warp(T0);
        for (uint256 i = 0; i < 3; ++i) {
            vm.deal([PROPOSER, CHALLENGER, THIRD][i], 100 ether);
        }
    }

    // ---- Helpers ----

    function params(uint8[] memory arities, uint8[] memory depths, ILayerBinding[] memory bindings)
        internal
        view
        returns (GameParams memory)
    {
        return GameParams({
            verifier: verifier,
            absolutePrestate: s(0),
            arities: arities,
            depths: depths,
            bindings: bindings,
            maxClock: uint64(MAX_CLOCK),
            clockExtension: uint64(EXTENSION),
            baseBond: 1 ether,
            bondGrowthPercent: 25
        });
    }

    function _one(uint8 value) internal pure returns (uint8[] memory out) {
        out = new uint8[](1);
        out[0] = value;
    }

    function _two(uint8 a, uint8 b) internal pure returns (uint8[] memory out) {
        out = new uint8[](2);
        out[0] = a;
        out[1] = b;
    }

    function _states(bytes32 a) internal pure returns (bytes32[] memory out) {
        out = new bytes32[](1);
        out[0] = a;
    }

    /// @dev The true state i.
    function s(uint256 i) internal pure returns (bytes32) {
        return Synthetic.commitment(SEED, uint64(i), LENGTH);
    }

    /// @dev A lie about state i.
    function lie(uint256 i) internal pure returns (bytes32) {
        return s(i) ^ bytes32(uint256(1));
    }

    function propose(uint256 gameType, address who, bytes32 root) internal {
        vm.prank(who);
        game = factory.create{value: 1 ether}(gameType, root, bytes32(uint256(0xbeef)));
        claimsOf[0].push(s(0));
        claimsOf[0].push(root);
    }

    /// @dev `who` counters `piece` of `target` (bindings left to `left` and `right` when the
    ///      move opens a layer).
    function counterAs(
        address who,
        uint256 target,
        uint256 piece,
        bytes32[] memory states,
        bytes32 left,
        bytes32 right
    ) internal returns (uint256 id) {
        uint256 bond = game.bondAt(game.getNode(target).depth + 1);
        vm.prank(who);
        id = game.counter{value: bond}(target, piece, claimsOf[target], states);
        claimsOf[id].push(left);
        for (uint256 i = 0; i < states.length; ++i) {
            claimsOf[id].push(states[i]);
        }
        claimsOf[id].push(right);
    }

    function counterAs(address who, uint256 target, uint256 piece, bytes32[] memory states)
        internal
        returns (uint256)
    {
        bytes32[] memory claims = claimsOf[target];
        return counterAs(who, target, piece, states, claims[piece], claims[piece + 1]);
    }

    function stepAs(address who, uint256 target, uint256 piece, uint256 index)
        internal
        returns (uint256)
    {
        bytes memory state = Synthetic.encode(SEED, uint64(index), LENGTH);
        vm.prank(who);
        return game.step(target, piece, claimsOf[target], state, "");
    }

    function resolveAll() internal {
        for (uint256 id = game.nodeCount(); id > 0; --id) {
            if (game.getNode(id - 1).flags & 2 == 0) game.resolveNode(id - 1, 0);
        }
    }

    // ---- A whole game ----

    /// The honest challenger against a proposer that lies from step 3 on: the liar's only
    /// answer at the last level is a step that cannot contradict the truth.
    function testHonestChallengerWinsAndIsPaid() public {
        propose(0, PROPOSER, lie(8));
        vm.warp(T0 + 10);
        uint256 n1 = counterAs(CHALLENGER, 0, 0, _states(s(4))); // [s0, s4, ≠ lie8]
        vm.warp(T0 + 20);
        uint256 n2 = counterAs(PROPOSER, n1, 0, _states(s(2))); // [s0, s2, ≠ s4]
        vm.warp(T0 + 30);
        uint256 n3 = counterAs(CHALLENGER, n2, 1, _states(s(3))); // [s2, s3, = s4]
        assertEq(game.getNode(n3).depth, 3, "depth");
        assertEq(game.getNode(n3).lo, 2, "segment");
        assertEq(game.getNode(n3).clock, 20, "clock");
        // The liar believes s3 is wrong; the step from s2 computes s3.
        bytes32[] memory claims3 = claimsOf[n3];
        vm.expectRevert(DisputeGame.StepAgreesWithTarget.selector);
        stepAs(PROPOSER, n3, 0, 2);
        vm.expectRevert(DisputeGame.PieceNeedsStep.selector);
        game.counter{value: 1.953125 ether * 5 / 4}(n3, 0, claims3, _states(lie(3)));

        vm.warp(T0 + 999);
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.ClockNotExpired.selector, 0));
        game.resolveNode(0, 0);
        vm.warp(T0 + 2000);
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.ChildNotResolved.selector, 0, n1));
        game.resolveNode(0, 0);
        resolveAll();
        assertTrue(game.resolved() && !game.rootStands(), "the root claim is countered");
        uint256 all = 1 ether + 1.25 ether + 1.5625 ether + 1.953125 ether;
        assertEq(game.credit(CHALLENGER), all, "the challenger wins every bond");
        assertEq(game.credit(PROPOSER), 0, "the liar wins nothing");
        assertEq(address(game).balance, all, "the game holds what it owes");
        uint256 before = CHALLENGER.balance;
        game.claimCredit(payable(CHALLENGER));
        assertEq(CHALLENGER.balance - before, all, "paid");
        assertEq(address(game).balance, 0, "the game holds nothing once all is claimed");
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.NoCredit.selector, CHALLENGER));
        game.claimCredit(payable(CHALLENGER));
        vm.expectRevert(DisputeGame.GameResolved.selector);
        game.step(n3, 1, claims3, Synthetic.encode(SEED, 3, LENGTH), "");
    }

    /// The honest proposer against a challenger that lies from step 3 on: the honest side
    /// steps at the last level.
    function testHonestProposerStepsAndTheRootStands() public {
        propose(0, PROPOSER, s(8));
        uint256 n1 = counterAs(CHALLENGER, 0, 0, _states(lie(4))); // [s0, lie4, ≠ s8]
        uint256 n2 = counterAs(PROPOSER, n1, 0, _states(s(2))); // [s0, s2, ≠ lie4]
        uint256 n3 = counterAs(CHALLENGER, n2, 1, _states(lie(3))); // [s2, lie3, = lie4]
        uint256 n4 = stepAs(PROPOSER, n3, 0, 2); // s2 → s3 ≠ lie3
        assertTrue(game.getNode(n4).flags & 3 == 3, "a step is resolved when posted");
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.PieceAlreadyStepped.selector, n4));
        stepAs(PROPOSER, n3, 0, 2);
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.StepCannotBeCountered.selector, n4));
        game.counter(n4, 0, new bytes32[](0), new bytes32[](0));
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.NodeNotFound.selector, 9));
        game.counter(9, 0, new bytes32[](0), new bytes32[](0));

        vm.warp(T0 + 5000);
        resolveAll();
        assertTrue(game.rootStands(), "the root claim stands");
        assertEq(game.credit(PROPOSER), 1 ether + 1.25 ether + 1.5625 ether + 1.953125 ether, "won");
        assertEq(game.credit(CHALLENGER), 0, "lost");
    }

    // ---- The rules' rejections ----

    function testMovesAreCheckedAgainstTheTarget() public {
        propose(0, PROPOSER, lie(8));
        uint256 n1 = counterAs(CHALLENGER, 0, 0, _states(s(4)));
        bytes32[] memory claims = claimsOf[n1];
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.PieceOutOfRange.selector, 1, 1));
        game.counter{value: 1.25 ether}(0, 1, claimsOf[0], _states(s(4)));
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.PieceOutOfRange.selector, 2, 2));
        game.counter{value: 1.5625 ether}(n1, 2, claims, _states(s(2)));
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.WrongStateCount.selector, 1, 2));
        game.counter{value: 1.5625 ether}(n1, 0, claims, new bytes32[](2));
        vm.expectRevert(
            abi.encodeWithSelector(DisputeGame.WrongBond.selector, 1.5625 ether, 1.25 ether)
        );
        game.counter{value: 1.25 ether}(n1, 0, claims, _states(s(2)));
        vm.prank(THIRD);
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.CounterAlreadyPosted.selector, n1));
        game.counter{value: 1.25 ether}(0, 0, claimsOf[0], _states(s(4)));
        vm.expectRevert(DisputeGame.StepNeedsSinglePiece.selector);
        stepAs(PROPOSER, n1, 0, 0);
        claims[1] = lie(4);
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.ClaimsMismatch.selector, n1));
        game.counter{value: 1.5625 ether}(n1, 0, claims, _states(s(2)));
    }

    function testStepsAreCheckedAgainstTheAgreedState() public {
        propose(0, PROPOSER, s(8));
        uint256 n1 = counterAs(CHALLENGER, 0, 0, _states(lie(4)));
        uint256 n2 = counterAs(PROPOSER, n1, 0, _states(s(2)));
        uint256 n3 = counterAs(CHALLENGER, n2, 1, _states(lie(3)));
        bytes memory state = Synthetic.encode(SEED, 1, LENGTH);
        bytes32[] memory claims = claimsOf[n3];
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.PreStateNotAgreed.selector, s(2), s(1)));
        game.step(n3, 0, claims, state, "");
        bytes memory reason =
            abi.encodeWithSelector(SyntheticStepVerifier.MalformedState.selector, 23);
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.InvalidStep.selector, reason));
        game.step(n3, 0, claims, new bytes(23), "");
        reason = abi.encodeWithSelector(SyntheticStepVerifier.MalformedState.selector, 24);
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.InvalidStep.selector, reason));
        game.step(n3, 0, claims, Synthetic.encode(SEED, 2, LENGTH), "x");
    }

    function testClocksRunOutAndExtend() public {
        propose(0, PROPOSER, lie(8));
        vm.warp(T0 + 995);
        uint256 n1 = counterAs(CHALLENGER, 0, 0, _states(s(4)));
        assertEq(game.getNode(n1).clock, MAX_CLOCK - EXTENSION, "a late mover keeps the extension");
        vm.warp(T0 + 995 + 99);
        uint256 n2 = counterAs(PROPOSER, n1, 0, _states(s(2))); // the proposer used 99 s
        assertEq(game.getNode(n2).clock, 99, "clock");
        vm.warp(T0 + 995 + 99 + 99); // the challenger's side: 900 + 99
        uint256 n3 = counterAs(CHALLENGER, n2, 1, _states(s(3)));
        assertEq(game.getNode(n3).clock, MAX_CLOCK - EXTENSION, "900 + 99 is extended again");
        // n1 was posted at T0 + 995: its counter window closes 1000 s later.
        vm.warp(T0 + 995 + 1000);
        bytes32[] memory claims = claimsOf[n1];
        vm.expectRevert(DisputeGame.ClockExpired.selector);
        game.counter{value: 1.5625 ether}(n1, 1, claims, _states(s(6)));
    }

    function testNodesResolveInPagesAndPayTheEarliestStandingChild() public {
        propose(0, PROPOSER, lie(8));
        counterAs(CHALLENGER, 0, 0, _states(s(4)));
        counterAs(THIRD, 0, 0, _states(lie(4)));
        counterAs(PROPOSER, 0, 0, _states(lie(5)));
        vm.warp(T0 + 2000);
        for (uint256 id = 1; id <= 3; ++id) {
            game.resolveNode(id, 0);
        }
        assertTrue(!game.resolveNode(0, 1), "page 1 of 3");
        assertTrue(!game.resolveNode(0, 1), "page 2 of 3");
        assertTrue(game.resolveNode(0, 1), "page 3 of 3");
        assertEq(game.credit(CHALLENGER), 1 ether + 1.25 ether, "the earliest standing child wins");
        assertEq(game.credit(THIRD), 1.25 ether, "its own bond back");
        assertEq(game.credit(PROPOSER), 1.25 ether, "its own bond back");
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.NodeResolved.selector, 0));
        game.resolveNode(0, 0);
    }

    function testCreditCannotBeClaimedReentrantly() public {
        Reentrant recipient = new Reentrant();
        vm.deal(address(recipient), 10 ether);
        propose(0, PROPOSER, lie(8));
        counterAs(address(recipient), 0, 0, _states(s(4)));
        vm.warp(T0 + 2000);
        resolveAll();
        recipient.aim(game);
        vm.expectRevert(
            abi.encodeWithSelector(DisputeGame.TransferFailed.selector, address(recipient))
        );
        game.claimCredit(payable(address(recipient)));
        assertEq(game.credit(address(recipient)), 2.25 ether, "the credit stays");
    }

    // ---- Solvency ----

    /// Random moves by three parties (true or lying states, steps where they may be valid, at
    /// random times): the game always holds exactly the bonds paid in, owes them all once
    /// resolved, and holds nothing once every credit is claimed.
    function testFuzzTheGameStaysSolvent(uint256 seed, uint8 moves) public {
        propose(0, PROPOSER, seed % 2 == 0 ? s(8) : lie(8));
        address[3] memory parties = [PROPOSER, CHALLENGER, THIRD];
        uint256 paidIn = 1 ether;
        for (uint256 m = 0; m < 10 + moves % 50; ++m) {
            seed = uint256(keccak256(abi.encode(seed)));
            uint256 target = seed % game.nodeCount();
            DisputeGame.Node memory node = game.getNode(target);
            vm.warp(block.timestamp + (seed >> 8) % 300);
            if (node.flags & 1 != 0) continue; // a step
            // Depth δ >= 1 has a segment of 2^(4 - δ) steps in two pieces; the root one of 8.
            uint256 pieceLength = target == 0 ? 8 : (uint256(1) << (4 - node.depth)) / 2;
            uint256 piece = target == 0 ? 0 : (seed >> 16) % 2;
            uint256 start = node.lo + piece * pieceLength;
            address who = parties[(seed >> 24) % 3];
            if (pieceLength == 1) {
                bytes memory state = Synthetic.encode(SEED, uint64(start), LENGTH);
                bytes32[] memory claims = claimsOf[target];
                vm.prank(who);
                try game.step(target, piece, claims, state, "") {} catch {}
                continue;
            }
            uint256 index = start + pieceLength / 2;
            bytes32 posted = (seed >> 32) % 3 == 0 ? lie(index) : s(index);
            uint256 bond = game.bondAt(node.depth + 1);
            bytes32[] memory targetClaims = claimsOf[target];
            vm.prank(who);
            try game.counter{value: bond}(target, piece, targetClaims, _states(posted)) returns (
                uint256 id
            ) {
                paidIn += bond;
                claimsOf[id].push(targetClaims[piece]);
                claimsOf[id].push(posted);
                claimsOf[id].push(targetClaims[piece + 1]);
            } catch {}
            assertEq(address(game).balance, paidIn, "the game holds every bond paid in");
        }
        assertTrue(game.nodeCount() > 1, "the first counter of the root is always valid");
        vm.warp(block.timestamp + 10 * MAX_CLOCK);
        resolveAll();
        uint256 owed = 0;
        for (uint256 i = 0; i < 3; ++i) {
            owed += game.credit(parties[i]);
        }
        assertEq(owed, paidIn, "resolved, the game owes every bond");
        for (uint256 i = 0; i < 3; ++i) {
            if (game.credit(parties[i]) != 0) game.claimCredit(payable(parties[i]));
        }
        assertEq(address(game).balance, 0, "the game holds nothing once all is claimed");
    }

    // ---- Game types and the factory ----

    function testFactoryChecksGameTypesAndBonds() public {
        vm.expectRevert(abi.encodeWithSelector(DisputeGameFactory.UnknownGameType.selector, 5));
        factory.create{value: 1 ether}(5, bytes32(0), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.WrongBond.selector, 1 ether, 2 ether));
        factory.create{value: 2 ether}(0, bytes32(0), bytes32(0));
        vm.expectRevert(
            abi.encodeWithSelector(DisputeGame.InvalidParams.selector, "arity must lie in [2, 64]")
        );
        factory.registerGameType(params(_one(65), _one(3), new ILayerBinding[](0)));
        vm.expectRevert(
            abi.encodeWithSelector(
                DisputeGame.InvalidParams.selector, "arity^max_depth must be below 2^62"
            )
        );
        factory.registerGameType(params(_one(2), _one(62), new ILayerBinding[](0)));
        factory.registerGameType(params(_one(2), _one(61), new ILayerBinding[](0)));
        GameParams memory huge = params(_one(2), _one(3), new ILayerBinding[](0));
        huge.baseBond = type(uint256).max / 2;
        vm.expectRevert(
            abi.encodeWithSelector(DisputeGame.InvalidParams.selector, "bonds overflow 256 bits")
        );
        factory.registerGameType(huge);
        propose(0, PROPOSER, lie(8));
        vm.expectRevert(DisputeGame.NotFactory.selector);
        game.initialize(PROPOSER, bytes32(0), bytes32(0));
        DisputeGame implementation = factory.gameTypes(0);
        vm.prank(address(factory));
        vm.expectRevert(DisputeGame.AlreadyInitialized.selector);
        implementation.initialize(PROPOSER, bytes32(0), bytes32(0));
    }

    function testLocalDataIsTheGamesOwn() public {
        propose(0, PROPOSER, lie(8));
        bytes32 key = game.loadLocalData(1, 0);
        assertEq(key, oracle.localize(1, address(game)), "localized to the game");
        (bytes32 part,) = oracle.readPreimage(key, 0);
        // The stream: 8-byte length (32), then the input key 0xbeef.
        assertEq(part, bytes32(uint256(32) << 192), "length first");
        vm.expectRevert(abi.encodeWithSelector(DisputeGame.UnknownLocalSlot.selector, 3));
        game.loadLocalData(3, 0);
    }

    // ---- Layers ----

    /// Chunks of 4 steps, then the steps of the disputed chunk: the honest proposer steps in
    /// the inner layer, whose states are the outer ones (identity bindings).
    function testTwoLayersWithIdentityBindings() public {
        ILayerBinding[] memory bindings = new ILayerBinding[](1);
        bindings[0] = new IdentityBinding();
        factory.registerGameType(params(_two(2, 2), _two(1, 2), bindings));
        propose(1, PROPOSER, s(8));
        assertEq(address(game.layerBinding(0)), address(0), "the first layer has no binding");
        assertEq(address(game.layerBinding(1)), address(bindings[0]), "the inner layer's binding");
        assertEq(address(game.layerBinding(2)), address(0), "no third layer");
        uint256 n1 = counterAs(CHALLENGER, 0, 0, _states(lie(4))); // chunks [0,1], [1,2]
        // Chunk 0 is one outer step: the counter opens the inner layer over states 0…4.
        uint256 n2 = counterAs(PROPOSER, n1, 0, _states(s(2))); // [s0, s2, ≠ lie4]
        assertEq(game.getNode(n2).layer, 1, "opened the inner layer");
        assertEq(game.getNode(n2).lo, 0, "at the inner trace's start");
        uint256 n3 = counterAs(CHALLENGER, n2, 1, _states(lie(3))); // [s2, lie3, = lie4]
        stepAs(PROPOSER, n3, 0, 2);
        vm.warp(T0 + 5000);
        resolveAll();
        assertTrue(game.rootStands(), "the root claim stands");
    }

    /// The binding sees the path of outer steps: [outer step] for the second layer.
    function testLayerBindingsSeeThePath() public {
        ILayerBinding[] memory bindings = new ILayerBinding[](1);
        TaggedBinding tagged = new TaggedBinding();
        bindings[0] = tagged;
        factory.registerGameType(params(_two(2, 4), _two(2, 2), bindings));
        propose(1, PROPOSER, lie(4));
        uint256 n1 = counterAs(CHALLENGER, 0, 0, _states(s(2))); // outer pieces [0,2], [2,4]
        uint256 n2 = counterAs(PROPOSER, n1, 1, _states(lie(3))); // [s2, lie3, = lie4]
        uint64[] memory path = new uint64[](1);
        path[0] = 3;
        bytes32[] memory inner = new bytes32[](3);
        uint256 opened = counterAs(
            CHALLENGER,
            n2,
            1,
            inner,
            tagged.bindStart(path, claimsOf[n2][1]),
            tagged.bindEnd(path, claimsOf[n2][2])
        );
        assertEq(game.getNode(opened).layer, 1, "layer");
        // A counter on the opened node is accepted only with the claims it was opened with.
        counterAs(PROPOSER, opened, 0, new bytes32[](3));
    }
}
