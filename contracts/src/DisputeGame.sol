// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILayerBinding} from "./ILayerBinding.sol";
import {IPreimageOracle} from "./IPreimageOracle.sol";
import {IStepVerifier} from "./IStepVerifier.sol";

/// @notice The parameters of a game type (docs/dispute-game.md, "Parameters"); the off-chain
///         mirror is `faultline::dispute::GameConfig`.
struct GameParams {
    /// @notice Decides the steps of the last layer.
    IStepVerifier verifier;
    /// @notice The agreed state 0 of the first layer's trace.
    bytes32 absolutePrestate;
    /// @notice k of each layer, outermost first (1 to 4 layers).
    uint8[] arities;
    /// @notice d of each layer: the layer's trace has k^d steps.
    uint8[] depths;
    /// @notice How each layer below the first starts and ends (one per inner layer).
    ILayerBinding[] bindings;
    /// @notice Seconds each side may use along any path of the tree (below 2^32).
    uint64 maxClock;
    /// @notice A mover keeps at least this much of its clock.
    uint64 clockExtension;
    /// @notice The root claim's bond, in wei.
    uint256 baseBond;
    /// @notice Each depth's bond is this many percent above the last one's.
    uint256 bondGrowthPercent;
}

/// @title DisputeGame
/// @notice One k-ary bisection game over a root claim, with the rules of docs/dispute-game.md:
///         counters posting k − 1 states, layers opened on pieces of one step, steps decided by
///         the game type's IStepVerifier in the last layer, chess clocks with extension, bonds
///         growing with depth, bottom-up resolution that can be paged, and pull payments.
///         A game type is one deployment of this contract (its parameters are immutables);
///         each game is a clone of it made by the DisputeGameFactory.
/// @dev A node keeps two storage slots (a third while its resolution is paged). What it asserts (its left state, posted states and right
///      end) is not stored: a move against a node passes the node's assertions (`claims`),
///      which are checked against the key the node was posted under. Children form a list,
///      newest first, so resolution meets the earliest-posted child last.
contract DisputeGame {
    // ---- The rules' rejections: the same names as the C++ model's (dispute::Rejection) ----

    /// @notice The game is resolved.
    error GameResolved();
    /// @notice The target node does not exist.
    error NodeNotFound(uint256 node);
    /// @notice A step cannot be countered.
    error StepCannotBeCountered(uint256 node);
    /// @notice The target node is resolved.
    error NodeResolved(uint256 node);
    /// @notice The node has `pieces` pieces.
    error PieceOutOfRange(uint256 piece, uint256 pieces);
    /// @notice A piece of one step of the last layer is decided by a step, not a counter.
    error PieceNeedsStep();
    /// @notice A step is only possible on a piece of one step of the last layer.
    error StepNeedsSinglePiece();
    /// @notice The countering side's clock has run out.
    error ClockExpired();
    /// @notice A counter posts k − 1 states.
    error WrongStateCount(uint256 expected, uint256 actual);
    /// @notice The bond at the new node's depth is `expected`.
    error WrongBond(uint256 expected, uint256 actual);
    /// @notice The same counter was already posted, as `node`.
    error CounterAlreadyPosted(uint256 node);
    /// @notice The piece was already decided by a step, `node`.
    error PieceAlreadyStepped(uint256 node);
    /// @notice The witness's pre-state is not the agreed state at the piece's start.
    error PreStateNotAgreed(bytes32 agreed, bytes32 witnessed);
    /// @notice The step verifier rejected the witness (its revert data).
    error InvalidStep(bytes reason);
    /// @notice The step's post-state agrees with the node it counters.
    error StepAgreesWithTarget();

    // ---- Other rejections ----

    /// @notice The node's counter window is still open: a move against it is still allowed.
    error ClockNotExpired(uint256 node);
    /// @notice The node's child is not resolved yet.
    error ChildNotResolved(uint256 node, uint256 child);
    /// @notice The claims given are not the node's assertions.
    error ClaimsMismatch(uint256 node);
    /// @notice The recipient has no credit to claim.
    error NoCredit(address recipient);
    /// @notice Sending the credit failed.
    error TransferFailed(address recipient);
    /// @notice A call into the game while it pays out.
    error Reentrancy();
    /// @notice The game was already initialized (or is the game type's implementation).
    error AlreadyInitialized();
    /// @notice Only the factory that deployed the game type creates its games.
    error NotFactory();
    /// @notice The game has local data in slots 1 (input key) and 2 (root claim) only.
    error UnknownLocalSlot(uint256 slot);
    /// @notice The parameters break a requirement of docs/dispute-game.md.
    error InvalidParams(string reason);

    // ---- Events: a game can be followed from its logs alone ----

    /// @notice Node 0: `proposer` claims `rootClaim` for the program's input `inputKey`.
    event Proposed(address indexed proposer, bytes32 rootClaim, bytes32 inputKey);
    /// @notice `claimant` countered piece `piece` of `target` with `states`.
    /// The node's clock and time follow from its parent's and the block's time.
    event Countered(
        uint256 indexed node,
        uint256 indexed target,
        address indexed claimant,
        uint256 piece,
        bytes32[] states
    );
    /// @notice `claimant` stepped piece `piece` of `target`, computing `postState`.
    event Stepped(
        uint256 indexed node,
        uint256 indexed target,
        address indexed claimant,
        uint256 piece,
        bytes32 postState
    );
    /// @notice `node` resolved; its `bond` went to `bondRecipient`'s credit.
    event Resolved(
        uint256 indexed node, bool countered, address indexed bondRecipient, uint256 bond
    );
    /// @notice The root resolved: the root claim stands or was countered.
    event GameOver(bool rootStands);
    /// @notice `amount` of credit was paid to `recipient`.
    event CreditClaimed(address indexed recipient, uint256 amount);

    struct Node {
        // slot 0
        uint32 parent; // NO_NODE for the root
        address claimant;
        uint8 piece;
        uint8 layer;
        uint8 depth; // in the whole tree: bonds grow with it
        uint8 flags; // STEP | RESOLVED | COUNTERED | NEGATED | PAGED
        uint32 firstChild; // the newest child, NO_NODE if none
        // slot 1
        uint32 createdAt;
        uint32 clock; // seconds its side had used on this path when posted
        uint32 parentClock; // its parent's clock: the countering side's before this node
        uint64 lo; // its segment's first index in its layer's trace
        uint32 nextSibling; // the sibling posted before it, NO_NODE if none
        uint32 opener; // the node that opened its layer (the root in the first layer)
    }

    /// @dev Where a paged resolution stands (while the node's PAGED flag is set): the next
    ///      child + 1 and the earliest standing child so far + 1 (0: none).
    struct Paging {
        uint32 cursor;
        uint32 winner;
    }

    uint32 internal constant NO_NODE = type(uint32).max;
    uint8 internal constant STEP = 1;
    uint8 internal constant RESOLVED = 2;
    uint8 internal constant COUNTERED = 4;
    uint8 internal constant NEGATED = 8; // its right end asserts "≠"
    uint8 internal constant PAGED = 16; // a paged resolution is under way (see `paging`)
    uint256 internal constant MAX_LAYERS = 4;

    // ---- The game type (shared by every clone through the implementation's code) ----

    address public immutable factory;
    IStepVerifier public immutable verifier;
    IPreimageOracle public immutable oracle;
    bytes32 public immutable absolutePrestate;
    /// @dev The game type's own address: the implementation is never a game, its clones are.
    address internal immutable SELF;
    uint256 public immutable maxClock;
    uint256 public immutable clockExtension;
    uint256 public immutable baseBond;
    uint256 public immutable bondGrowthPercent;
    uint256 public immutable layerCount;
    /// @dev Per layer l, bits 32l…32l+31: arity (8), depth (8), depth in the tree of the
    ///      layer's first node (16).
    uint256 internal immutable LAYERS;
    ILayerBinding internal immutable BINDING1;
    ILayerBinding internal immutable BINDING2;
    ILayerBinding internal immutable BINDING3;

    // ---- One game ----

    bool internal transient locked;
    bytes32 public rootClaim;
    /// @notice The keccak256-type preimage key of the program's input (local slot 1).
    bytes32 public inputKey;
    Node[] internal nodes;
    /// @dev keccak256(target, piece, the new node's assertions) of each counter, and
    ///      keccak256(target, piece, STEP_TAG) of each step, to node + 1.
    mapping(bytes32 key => uint256 nodePlusOne) internal posted;
    /// @dev The outer step whose trace a layer's first node opened.
    mapping(uint256 opener => uint64 outerStep) internal outerSteps;
    /// @dev Paged resolutions in progress, by node.
    mapping(uint256 node => Paging) internal paging;
    /// @notice Bonds won and not yet claimed.
    mapping(address recipient => uint256 wei_) public credit;

    bytes32 internal constant STEP_TAG = keccak256("faultline.step");

    constructor(GameParams memory params) {
        uint256 layers = params.arities.length;
        if (layers == 0 || layers > MAX_LAYERS) revert InvalidParams("1 to 4 layers");
        if (params.depths.length != layers || params.bindings.length != layers - 1) {
            revert InvalidParams("one arity and depth per layer, one binding per inner layer");
        }
        uint256 packed;
        uint256 start = 1;
        for (uint256 l = 0; l < layers; ++l) {
            uint256 k = params.arities[l];
            uint256 d = params.depths[l];
            if (k < 2 || k > 64) revert InvalidParams("arity must lie in [2, 64]");
            uint256 length = 1;
            for (uint256 i = 0; i < d; ++i) {
                if (length > ((uint256(1) << 62) - 1) / k) {
                    revert InvalidParams("arity^max_depth must be below 2^62");
                }
                length *= k;
            }
            if (l > 0 && address(params.bindings[l - 1]) == address(0)) {
                revert InvalidParams("needs bind_start and bind_end");
            }
            packed |= (k | d << 8 | start << 16) << (32 * l);
            start += d;
        }
        // Bonds grow with depth up to a step in the last layer, at depth `start`: none may
        // overflow, so bondAt can compute without checks.
        uint256 bond = params.baseBond;
        uint256 factor = 100 + params.bondGrowthPercent;
        for (uint256 i = 0; i < start; ++i) {
            if (bond > type(uint256).max / factor) revert InvalidParams("bonds overflow 256 bits");
            bond = bond * factor / 100;
        }
        if (params.clockExtension >= params.maxClock) {
            revert InvalidParams("clock_extension must be below max_clock");
        }
        if (params.maxClock >= 1 << 32) revert InvalidParams("max_clock must be below 2^32");
        factory = msg.sender;
        verifier = params.verifier;
        oracle = params.verifier.oracle();
        absolutePrestate = params.absolutePrestate;
        maxClock = params.maxClock;
        clockExtension = params.clockExtension;
        baseBond = params.baseBond;
        bondGrowthPercent = params.bondGrowthPercent;
        layerCount = layers;
        LAYERS = packed;
        BINDING1 = layers > 1 ? params.bindings[0] : ILayerBinding(address(0));
        BINDING2 = layers > 2 ? params.bindings[1] : ILayerBinding(address(0));
        BINDING3 = layers > 3 ? params.bindings[2] : ILayerBinding(address(0));
        SELF = address(this);
    }

    /// @notice Starts a clone's game: `proposer` claims `rootClaim_` about the program run on
    ///         the input whose keccak256-type preimage key is `inputKey_`, paying bondAt(0).
    function initialize(address proposer, bytes32 rootClaim_, bytes32 inputKey_) external payable {
        if (msg.sender != factory) revert NotFactory();
        if (initialized()) revert AlreadyInitialized();
        if (msg.value != bondAt(0)) revert WrongBond(bondAt(0), msg.value);
        rootClaim = rootClaim_;
        inputKey = inputKey_;
        nodes.push(
            Node({
                parent: NO_NODE,
                claimant: proposer,
                piece: 0,
                layer: 0,
                depth: 0,
                flags: 0,
                firstChild: NO_NODE,
                createdAt: uint32(block.timestamp),
                clock: 0,
                parentClock: 0,
                lo: 0,
                nextSibling: NO_NODE,
                opener: 0
            })
        );
        emit Proposed(proposer, rootClaim_, inputKey_);
    }

    // ---- Moves ----

    /// @notice Counters piece `piece` of `target` with the k − 1 states `states` at the points
    ///         that split it into k equal pieces (of the next layer's trace, if the piece is one
    ///         step of a layer with a layer below), paying bondAt(depth of target + 1).
    /// @param claims The target's assertions: its left state, its posted states, its right end
    ///        (the root: the absolute prestate and the root claim).
    function counter(
        uint256 target,
        uint256 piece,
        bytes32[] calldata claims,
        bytes32[] calldata states
    ) external payable returns (uint256 id) {
        Node storage x = _target(target, claims);
        Move memory move = _counterMove(target, piece, x);
        uint256 k = _arity(move.layer);
        if (states.length != k - 1) revert WrongStateCount(k - 1, states.length);
        id = nodes.length;
        move.left = claims[piece];
        move.right = claims[piece + 1];
        if (move.opens) _open(move, x, id);
        bytes32 key = keccak256(abi.encodePacked(target, piece, move.left, states, move.right));
        if (posted[key] != 0) revert CounterAlreadyPosted(posted[key] - 1);
        uint256 bond = bondAt(x.depth + 1);
        if (msg.value != bond) revert WrongBond(bond, msg.value);
        posted[key] = id + 1;
        _push(x, target, piece, move.layer, move.flags, move.clock, move.lo, move.opener);
        emit Countered(id, target, msg.sender, piece, states);
    }

    /// @notice Counters piece `piece` of `target`, one step of the last layer, by executing
    ///         it: `stateData` must commit to the agreed state at the piece's start, and the
    ///         post-state the verifier computes must contradict the target at its end. Load
    ///         the preimage parts the step reads into the oracle first (loadLocalData for the
    ///         game's own). Steps carry no bond.
    function step(
        uint256 target,
        uint256 piece,
        bytes32[] calldata claims,
        bytes calldata stateData,
        bytes calldata proof
    ) external returns (uint256 id) {
        (Node storage x, uint32 clock, bool negated) = _stepTarget(target, piece, claims);
        bytes32 postState = _execute(claims[piece], claims[piece + 1], negated, stateData, proof);
        id = nodes.length;
        posted[keccak256(abi.encodePacked(target, piece, STEP_TAG))] = id + 1;
        _push(x, target, piece, x.layer, STEP | RESOLVED, clock, 0, x.opener);
        emit Stepped(id, target, msg.sender, piece, postState);
    }

    // ---- Resolution and payouts ----

    /// @notice Resolves `id` once its counter window has closed and its children are
    ///         resolved, looking at up to `maxChildren` children per call (0: all). A node with
    ///         many children resolves over several calls; it returns true on the last one.
    ///         The node is countered iff a child stands; its bond goes to the earliest-posted
    ///         standing child's claimant, or back to its own.
    function resolveNode(uint256 id, uint256 maxChildren) external returns (bool done) {
        if (id >= nodes.length) revert NodeNotFound(id);
        Node storage x = nodes[id];
        uint8 flags = x.flags;
        if (flags & RESOLVED != 0) revert NodeResolved(id);
        if (_usedClock(x) < maxClock) revert ClockNotExpired(id);
        uint256 child = x.firstChild;
        uint256 winner = 0;
        if (flags & PAGED != 0) {
            Paging memory paged = paging[id];
            child = paged.cursor - 1;
            winner = paged.winner;
        }
        uint256 budget = maxChildren == 0 ? type(uint256).max : maxChildren;
        for (; child != NO_NODE && budget != 0; --budget) {
            Node storage c = nodes[child];
            uint8 childFlags = c.flags;
            if (childFlags & RESOLVED == 0) revert ChildNotResolved(id, child);
            if (childFlags & COUNTERED == 0) winner = child + 1; // older than any found before
            child = c.nextSibling;
        }
        if (child != NO_NODE) {
            // forge-lint: disable-next-line(unsafe-typecast) node ids + 1 fit 32 bits: 2^32 nodes would cost over 10^14 gas
            paging[id] = Paging({cursor: uint32(child + 1), winner: uint32(winner)});
            x.flags = flags | PAGED;
            return false;
        }
        address recipient = winner == 0 ? x.claimant : nodes[winner - 1].claimant;
        x.flags = (flags & ~PAGED) | (winner == 0 ? RESOLVED : RESOLVED | COUNTERED);
        uint256 bond = bondAt(x.depth);
        credit[recipient] += bond;
        emit Resolved(id, winner != 0, recipient, bond);
        if (id == 0) emit GameOver(winner == 0);
        return true;
    }

    /// @notice Pays `recipient` all its credit.
    function claimCredit(address payable recipient) external {
        if (locked) revert Reentrancy();
        uint256 amount = credit[recipient];
        if (amount == 0) revert NoCredit(recipient);
        locked = true;
        credit[recipient] = 0;
        (bool sent,) = recipient.call{value: amount}("");
        if (!sent) revert TransferFailed(recipient);
        locked = false;
        emit CreditClaimed(recipient, amount);
    }

    // ---- The game's local data ----

    /// @notice Loads the part at `partOffset` of local slot 1 (the input key) or 2 (the root
    ///         claim) into the oracle under this game's localized key, for steps that read it.
    function loadLocalData(uint256 slot, uint256 partOffset) external returns (bytes32 key) {
        bytes32 value;
        if (slot == 1) value = inputKey;
        else if (slot == 2) value = rootClaim;
        else revert UnknownLocalSlot(slot);
        return oracle.loadLocalData(slot, abi.encodePacked(value), partOffset);
    }

    // ---- Views ----

    /// @notice The bond of a node at `depth`: baseBond grown by bondGrowthPercent per depth.
    function bondAt(uint256 depth) public view returns (uint256 bond) {
        bond = baseBond;
        uint256 factor = 100 + bondGrowthPercent;
        // The constructor checked that no node's bond overflows (see maxBondDepth).
        unchecked {
            for (uint256 i = 0; i < depth; ++i) {
                bond = bond * factor / 100;
            }
        }
    }

    function nodeCount() external view returns (uint256) {
        return nodes.length;
    }

    /// @notice Everything stored about `id`, for agents that mirror the game.
    function getNode(uint256 id) external view returns (Node memory) {
        if (id >= nodes.length) revert NodeNotFound(id);
        return nodes[id];
    }

    /// @notice True once the game has its root (a clone the factory initialized), and for the
    ///         game type's implementation, which never is a game.
    function initialized() public view returns (bool) {
        return address(this) == SELF || nodes.length != 0;
    }

    /// @notice True once the root is resolved: the game is over.
    function resolved() public view returns (bool) {
        return nodes.length != 0 && nodes[0].flags & RESOLVED != 0;
    }

    /// @notice True once resolved: the root claim stands.
    function rootStands() external view returns (bool) {
        return resolved() && nodes[0].flags & COUNTERED == 0;
    }

    /// @notice k, d and the depth in the tree of the first node of `layer`.
    function layerInfo(uint256 index) external view returns (uint256 k, uint256 d, uint256 start) {
        return (_arity(index), _depth(index), _start(index));
    }

    /// @notice The binding of an inner layer (`index` >= 1) to the layer above; none for the first.
    function layerBinding(uint256 index) external view returns (ILayerBinding) {
        return index == 0 || index >= layerCount ? ILayerBinding(address(0)) : _binding(index);
    }

    // ---- Internals ----

    /// @dev The checks every move makes of its target first, and its claims.
    function _target(uint256 target, bytes32[] calldata claims)
        internal
        view
        returns (Node storage x)
    {
        // Once the game is over every node is resolved (the root resolves last), so the root
        // is read only when the target is missing or resolved.
        bool missing = target >= nodes.length;
        if ((missing || nodes[target].flags & RESOLVED != 0) && resolved()) revert GameResolved();
        if (missing) revert NodeNotFound(target);
        x = nodes[target];
        uint8 flags = x.flags;
        if (flags & STEP != 0) revert StepCannotBeCountered(target);
        if (flags & RESOLVED != 0) revert NodeResolved(target);
        if (target == 0) {
            // The root's assertions are the game's own: no key was stored for them.
            if (claims.length != 2 || claims[0] != absolutePrestate || claims[1] != rootClaim) {
                revert ClaimsMismatch(0);
            }
        } else {
            bytes32 key = keccak256(abi.encodePacked(uint256(x.parent), uint256(x.piece), claims));
            if (posted[key] != target + 1) revert ClaimsMismatch(target);
        }
    }

    /// @dev A counter's new node, as far as the target and piece decide it.
    struct Move {
        uint256 layer;
        uint64 lo;
        uint32 clock;
        uint32 opener;
        uint8 flags;
        bool opens;
        bytes32 left;
        bytes32 right;
    }

    /// @dev The checks of a counter's target, piece and clock, and where its node goes: a
    ///      piece of one step opens the next layer.
    function _counterMove(uint256 target, uint256 piece, Node storage x)
        internal
        view
        returns (Move memory move)
    {
        (uint256 lo, uint256 pieceLength, uint256 pieces) = _pieces(target, x);
        if (piece >= pieces) revert PieceOutOfRange(piece, pieces);
        move.opens = pieceLength == 1;
        if (move.opens && x.layer + 1 == layerCount) revert PieceNeedsStep();
        move.clock = _moveClock(x);
        move.layer = x.layer + (move.opens ? 1 : 0);
        // forge-lint: disable-next-line(unsafe-typecast) an index of a layer's trace is below k^d < 2^62
        move.lo = uint64(lo + piece * pieceLength);
        move.opener = x.opener;
        // The right end contradicts the target there: "= v" becomes "≠ v" and "≠ v" "= v".
        bool negated = !(piece + 1 == pieces && x.flags & NEGATED != 0);
        move.flags = negated ? NEGATED : 0;
    }

    /// @dev Opens the next layer over the trace of outer step `move.lo`: the new node `id`
    ///      starts at 0 of the inner trace, and its ends are bound to the outer states.
    function _open(Move memory move, Node storage x, uint256 id) internal {
        uint64[] memory path = _pathTo(x, move.lo);
        ILayerBinding binding = _binding(move.layer);
        move.left = binding.bindStart(path, move.left);
        move.right = binding.bindEnd(path, move.right);
        outerSteps[id] = move.lo;
        move.lo = 0;
        // forge-lint: disable-next-line(unsafe-typecast) node ids fit 32 bits
        move.opener = uint32(id);
    }

    /// @dev The checks of a step before it executes: the target's, the piece's, the clock's
    ///      and that no step decided the piece yet. `negated`: the target asserts "≠" at the
    ///      piece's end (only ever at its own right end).
    function _stepTarget(uint256 target, uint256 piece, bytes32[] calldata claims)
        internal
        view
        returns (Node storage x, uint32 clock, bool negated)
    {
        x = _target(target, claims);
        (, uint256 pieceLength, uint256 pieces) = _pieces(target, x);
        if (piece >= pieces) revert PieceOutOfRange(piece, pieces);
        if (pieceLength != 1 || x.layer + 1 != layerCount) revert StepNeedsSinglePiece();
        clock = _moveClock(x);
        uint256 stepped = posted[keccak256(abi.encodePacked(target, piece, STEP_TAG))];
        if (stepped != 0) revert PieceAlreadyStepped(stepped - 1);
        negated = piece + 1 == pieces && x.flags & NEGATED != 0;
    }

    /// @dev The target's first index, piece length and number of pieces.
    function _pieces(uint256 target, Node storage x)
        internal
        view
        returns (uint256 lo, uint256 pieceLength, uint256 pieces)
    {
        if (target == 0) return (0, _length(0, _depth(0)), 1);
        uint256 l = x.layer;
        uint256 k = _arity(l);
        // A node at depth start(l) + j of layer l has a segment of k^(d − j) steps.
        uint256 below = _depth(l) - (x.depth - _start(l));
        return (x.lo, _length(l, below) / k, k);
    }

    /// @dev The clock a move against `x` charges its side, extended; reverts once run out.
    function _moveClock(Node storage x) internal view returns (uint32) {
        uint256 used = _usedClock(x);
        if (used >= maxClock) revert ClockExpired();
        if (used > maxClock - clockExtension) used = maxClock - clockExtension;
        // forge-lint: disable-next-line(unsafe-typecast) used <= maxClock < 2^32 here
        return uint32(used);
    }

    /// @dev Seconds the side countering `x` has used if it moves now (counter_clock).
    function _usedClock(Node storage x) internal view returns (uint256) {
        return x.parentClock + (block.timestamp - x.createdAt);
    }

    /// @dev The path of the layer a counter on `x` opens at outer step `outerStep`: the outer
    ///      steps of every layer above, outermost first.
    function _pathTo(Node storage x, uint64 outerStep)
        internal
        view
        returns (uint64[] memory path)
    {
        path = new uint64[](x.layer + 1);
        path[x.layer] = outerStep;
        uint256 opener = x.opener;
        for (uint256 l = x.layer; l > 0; --l) {
            path[l - 1] = outerSteps[opener];
            opener = nodes[nodes[opener].parent].opener;
        }
    }

    function _push(
        Node storage x,
        uint256 target,
        uint256 piece,
        uint256 layer_,
        uint8 flags,
        uint32 clock,
        uint64 lo,
        uint32 opener
    ) internal {
        uint256 id = nodes.length;
        nodes.push(
            Node({
                // forge-lint: disable-next-line(unsafe-typecast) target is a node id, and node ids fit 32 bits
                parent: uint32(target),
                claimant: msg.sender,
                // forge-lint: disable-next-line(unsafe-typecast) a piece is below k <= 64
                piece: uint8(piece),
                // forge-lint: disable-next-line(unsafe-typecast) a layer is below MAX_LAYERS
                layer: uint8(layer_),
                depth: x.depth + 1,
                flags: flags,
                firstChild: NO_NODE,
                createdAt: uint32(block.timestamp),
                clock: clock,
                parentClock: x.clock,
                lo: lo,
                nextSibling: x.firstChild,
                opener: opener
            })
        );
        // forge-lint: disable-next-line(unsafe-typecast) node ids fit 32 bits
        x.firstChild = uint32(id);
    }

    /// @dev The verified post-state of the step from `stateData`, which must commit to `agreed`
    ///      and contradict the target's assertion `disputed` (`= disputed`, or `≠ disputed` if
    ///      `negated`).
    function _execute(
        bytes32 agreed,
        bytes32 disputed,
        bool negated,
        bytes calldata stateData,
        bytes calldata proof
    ) internal returns (bytes32 postState) {
        try verifier.stateCommitment(stateData) returns (bytes32 witnessed) {
            if (witnessed != agreed) revert PreStateNotAgreed(agreed, witnessed);
        } catch (bytes memory reason) {
            revert InvalidStep(reason);
        }
        try verifier.step(stateData, proof) returns (bytes32 computed) {
            postState = computed;
        } catch (bytes memory reason) {
            revert InvalidStep(reason);
        }
        if (negated ? postState != disputed : postState == disputed) revert StepAgreesWithTarget();
    }

    function _arity(uint256 l) internal view returns (uint256) {
        return LAYERS >> (32 * l) & 0xff;
    }

    function _depth(uint256 l) internal view returns (uint256) {
        return LAYERS >> (32 * l + 8) & 0xff;
    }

    function _start(uint256 l) internal view returns (uint256) {
        return LAYERS >> (32 * l + 16) & 0xffff;
    }

    /// @dev k^n for layer l.
    function _length(uint256 l, uint256 n) internal view returns (uint256 length) {
        uint256 k = _arity(l);
        length = 1;
        // Squaring: k^n < 2^62 was checked when the game type was made.
        unchecked {
            while (n != 0) {
                if (n & 1 != 0) length *= k;
                k *= k;
                n >>= 1;
            }
        }
    }

    function _binding(uint256 l) internal view returns (ILayerBinding) {
        return l == 1 ? BINDING1 : l == 2 ? BINDING2 : BINDING3;
    }
}
