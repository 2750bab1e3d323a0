// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPreimageOracle} from "./IPreimageOracle.sol";

/// @title PreimageOracle
/// @notice Stores the 32-byte parts of preimage streams that steps read (see IPreimageOracle).
contract PreimageOracle is IPreimageOracle {
    /// @notice No part was loaded for this key at this offset.
    error PreimagePartNotLoaded(bytes32 key, uint256 partOffset);
    /// @notice Parts start at multiples of 32.
    error PartOffsetNotAligned(uint256 partOffset);
    /// @notice The part would start at or past the end of the stream.
    error PartOffsetOutOfBounds(uint256 partOffset, uint256 streamLength);

    uint256 private constant TYPE_MASK = ~(uint256(0xff) << 248);

    mapping(bytes32 key => mapping(uint256 partOffset => bytes32)) public parts;
    mapping(bytes32 key => mapping(uint256 partOffset => bool)) public partLoaded;
    mapping(bytes32 key => uint256) private _streamLengths;

    /// @inheritdoc IPreimageOracle
    function readPreimage(bytes32 key, uint256 partOffset)
        external
        view
        returns (bytes32 part, uint256 length)
    {
        if (!partLoaded[key][partOffset]) revert PreimagePartNotLoaded(key, partOffset);
        return (parts[key][partOffset], _streamLengths[key]);
    }

    /// @inheritdoc IPreimageOracle
    function streamLength(bytes32 key) external view returns (uint256) {
        return _streamLengths[key];
    }

    /// @inheritdoc IPreimageOracle
    function loadKeccak256PreimagePart(uint256 partOffset, bytes calldata preimage)
        external
        returns (bytes32 key)
    {
        key = bytes32((uint256(keccak256(preimage)) & TYPE_MASK) | (uint256(2) << 248));
        _store(key, partOffset, preimage);
    }

    /// @inheritdoc IPreimageOracle
    function loadLocalData(uint256 slot, bytes calldata data, uint256 partOffset)
        external
        returns (bytes32 key)
    {
        key = localize(slot, msg.sender);
        _store(key, partOffset, data);
    }

    /// @notice The key of local `slot` for `caller`: keccak256(local key, caller), type byte 1.
    ///         The local key is the off-chain one (the VM's): type byte 1, the slot in the low
    ///         8 bytes. Step verifiers localize the local keys they find in a state the same way.
    function localize(uint256 slot, address caller) public pure returns (bytes32) {
        bytes32 local = bytes32((uint256(1) << 248) | uint256(uint64(slot)));
        return
            bytes32(
                (uint256(keccak256(abi.encode(local, caller))) & TYPE_MASK) | (uint256(1) << 248)
            );
    }

    function _store(bytes32 key, uint256 partOffset, bytes calldata data) private {
        if (partOffset % 32 != 0) revert PartOffsetNotAligned(partOffset);
        uint256 length = 8 + data.length;
        if (partOffset >= length) revert PartOffsetOutOfBounds(partOffset, length);
        // The stream is the 8-byte big-endian length followed by the data.
        bytes memory stream = abi.encodePacked(uint64(data.length), data);
        bytes32 part;
        assembly ("memory-safe") {
            part := mload(add(add(stream, 32), partOffset))
        }
        uint256 valid = length - partOffset;
        if (valid < 32) part &= bytes32(~(type(uint256).max >> (8 * valid)));
        parts[key][partOffset] = part;
        partLoaded[key][partOffset] = true;
        _streamLengths[key] = length;
    }
}
