// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPreimageOracle} from "../src/IPreimageOracle.sol";
import {IStepVerifier} from "../src/IStepVerifier.sol";

/// @notice The synthetic VM's states and commitments.
library Synthetic {
    uint256 internal constant TYPE_MASK = type(uint256).max >> 8;

    function encode(uint64 seed, uint64 index, uint64 length) internal pure returns (bytes memory) {
        bytes memory out = new bytes(24);
        for (uint256 i = 0; i < 8; ++i) {
            // forge-lint: disable-next-line(unsafe-typecast) takes byte i, on purpose
            out[i] = bytes1(uint8(seed >> (8 * i)));
            // forge-lint: disable-next-line(unsafe-typecast) takes byte i, on purpose
            out[8 + i] = bytes1(uint8(index >> (8 * i)));
            // forge-lint: disable-next-line(unsafe-typecast) takes byte i, on purpose
            out[16 + i] = bytes1(uint8(length >> (8 * i)));
        }
        return out;
    }

    /// @notice keccak256 of the state with byte 0 set to its status: 0 exited, 3 running.
    function commitment(uint64 seed, uint64 index, uint64 length) internal pure returns (bytes32) {
        uint256 status = index >= length ? 0 : 3;
        return bytes32(uint256(keccak256(encode(seed, index, length))) & TYPE_MASK | status << 248);
    }
}

/// @notice The synthetic VM of the C++ dispute tests (tests/dispute/synthetic.hpp): state i is
///         (seed, i, length) as three little-endian 64-bit words, a step moves i to
///         min(i + 1, length), and the state has exited once i reaches length.
contract SyntheticStepVerifier is IStepVerifier {
    error MalformedState(uint256 length);

    IPreimageOracle public immutable oracle;

    constructor(IPreimageOracle oracle_) {
        oracle = oracle_;
    }

    /// @inheritdoc IStepVerifier
    function step(bytes calldata stateData, bytes calldata proof) external pure returns (bytes32) {
        if (stateData.length != 24 || proof.length != 0) revert MalformedState(stateData.length);
        (uint64 seed, uint64 index, uint64 length) = decode(stateData);
        return commitment(seed, index + 1 < length ? index + 1 : length, length);
    }

    /// @inheritdoc IStepVerifier
    function stateCommitment(bytes calldata stateData) external pure returns (bytes32) {
        if (stateData.length != 24) revert MalformedState(stateData.length);
        (uint64 seed, uint64 index, uint64 length) = decode(stateData);
        return commitment(seed, index, length);
    }

    function encode(uint64 seed, uint64 index, uint64 length) external pure returns (bytes memory) {
        return Synthetic.encode(seed, index, length);
    }

    function commitment(uint64 seed, uint64 index, uint64 length) public pure returns (bytes32) {
        return Synthetic.commitment(seed, index, length);
    }

    function decode(bytes calldata stateData)
        internal
        pure
        returns (uint64 seed, uint64 index, uint64 length)
    {
        for (uint256 i = 8; i > 0; --i) {
            seed = seed << 8 | uint8(stateData[i - 1]);
            index = index << 8 | uint8(stateData[8 + i - 1]);
            length = length << 8 | uint8(stateData[16 + i - 1]);
        }
    }
}
