// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ILayerBinding
/// @notice How a layer of a dispute game below the first starts and ends: the inner trace of one
///         step of the layer above (the instructions of one chunk of instructions, the VM run
///         of one ML operator). Both functions must be injective in `outerState`, so that a
///         disagreement about an outer state is a disagreement about the inner trace's start or
///         end (docs/dispute-game.md, "Layers"). The off-chain mirror is a
///         `faultline::dispute::Layer`'s bind_start and bind_end.
interface ILayerBinding {
    /// @notice The inner trace's state 0 for the outer step `path[path.length - 1]`.
    /// @param path The index of the outer step in every layer above, outermost first.
    /// @param outerState The outer layer's state at the start of that step.
    function bindStart(uint64[] calldata path, bytes32 outerState) external view returns (bytes32);

    /// @notice The inner trace's final state, from the outer layer's state at the step's end.
    function bindEnd(uint64[] calldata path, bytes32 outerState) external view returns (bytes32);
}

/// @title IdentityBinding
/// @notice The binding of "chunks of instructions → instructions": the inner trace of chunk c is
///         the machine's states c·2^m … (c+1)·2^m, so both ends are the outer states themselves.
contract IdentityBinding is ILayerBinding {
    /// @inheritdoc ILayerBinding
    function bindStart(uint64[] calldata, bytes32 outerState) external pure returns (bytes32) {
        return outerState;
    }

    /// @inheritdoc ILayerBinding
    function bindEnd(uint64[] calldata, bytes32 outerState) external pure returns (bytes32) {
        return outerState;
    }
}
