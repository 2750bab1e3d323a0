// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPreimageOracle
/// @notice The preimages that single-step verifiers read. A preimage is served as a stream: its
///         8-byte big-endian length followed by its bytes, read by steps in 32-byte parts
///         (the layout of faultline's off-chain oracle channel, docs/backends/riscv.md).
///         Keys carry their type in byte 0: 2 for keccak256-keyed data (the key is the data's
///         keccak256 with byte 0 set to 2), 1 for local data bound to the game that loaded it.
interface IPreimageOracle {
    /// @notice The part of `key`'s stream at `partOffset` (a multiple of 32).
    /// @return part The stream bytes [partOffset, partOffset + 32), zero past the end.
    /// @return length 8 plus the preimage's length.
    function readPreimage(bytes32 key, uint256 partOffset)
        external
        view
        returns (bytes32 part, uint256 length);

    /// @notice 8 plus the length of `key`'s preimage once any part of it is loaded, else 0.
    function streamLength(bytes32 key) external view returns (uint256);

    /// @notice Loads the part at `partOffset` of a keccak256-keyed preimage, supplied in full:
    ///         the key is derived from the data, so anyone may load any preimage.
    /// @return key The preimage's key.
    function loadKeccak256PreimagePart(uint256 partOffset, bytes calldata preimage)
        external
        returns (bytes32 key);

    /// @notice Loads the part at `partOffset` of the caller's local data in `slot` (a game
    ///         loads its own inputs and claims); other callers get other keys.
    /// @return key The localized key under which the caller's steps read the data.
    function loadLocalData(uint256 slot, bytes calldata data, uint256 partOffset)
        external
        returns (bytes32 key);
}
