// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPreimageOracle} from "./IPreimageOracle.sol";

/// @title IStepVerifier
/// @notice One step of one backend's machine, re-executed onchain: the onchain half of a
///         backend, mirrored bit for bit by its off-chain `faultline::StepVerifier`.
interface IStepVerifier {
    /// @notice Executes the step from the encoded pre-state and the proofs of the memory it
    ///         touches, and returns the post-state commitment: keccak256 of the encoded
    ///         post-state with byte 0 set to the VM status (0 exited ok, 1 exited with failure,
    ///         2 faulted, 3 running). Reverts with a named error on a malformed state, a proof
    ///         that does not match, or unused proof bytes. Local preimage keys (type 1) in the
    ///         state are read as the caller's: the game that calls the step is the game that
    ///         loaded its local data (IPreimageOracle.loadLocalData).
    /// @param stateData The encoded pre-state (the backend's documented layout).
    /// @param proof The Merkle proofs of each memory leaf, in the order the step touches them.
    function step(bytes calldata stateData, bytes calldata proof)
        external
        returns (bytes32 postState);

    /// @notice The commitment of an encoded state, as `step` computes it for a post-state:
    ///         keccak256 of the encoding with byte 0 set to the VM status. Reverts with the same
    ///         named errors as `step` on a malformed state. Games check a step's witness against
    ///         the agreed pre-state with it.
    function stateCommitment(bytes calldata stateData) external view returns (bytes32);

    /// @notice The preimage oracle this verifier reads.
    function oracle() external view returns (IPreimageOracle);
}
