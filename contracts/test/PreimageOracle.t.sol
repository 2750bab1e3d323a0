// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PreimageOracle} from "../src/PreimageOracle.sol";
import {Test} from "./Test.sol";

contract PreimageOracleTest is Test {
    PreimageOracle internal oracle;

    function setUp() public {
        oracle = new PreimageOracle();
    }

    /// The stream byte at `index` computed the plain way: length (big-endian), then data.
    function streamByte(bytes memory data, uint256 index) internal pure returns (bytes1) {
        if (index < 8) return bytes1(uint8(data.length >> (8 * (7 - index))));
        if (index < 8 + data.length) return data[index - 8];
        return 0;
    }

    function expectedPart(bytes memory data, uint256 partOffset)
        internal
        pure
        returns (bytes32 part)
    {
        for (uint256 i = 0; i < 32; ++i) {
            part |= bytes32(streamByte(data, partOffset + i)) >> (8 * i);
        }
    }

    function testKeccakKeyHasTypeTwo() public {
        bytes memory data = "hello";
        bytes32 key = oracle.loadKeccak256PreimagePart(0, data);
        bytes32 expected = bytes32((uint256(keccak256(data)) << 8 >> 8) | (uint256(2) << 248));
        assertEq(key, expected, "key");
    }

    function testReadsEveryPartOfAPreimage() public {
        bytes memory data = "The quick brown fox jumps over the lazy dog, fifty bytes.";
        for (uint256 offset = 0; offset < 8 + data.length; offset += 32) {
            bytes32 key = oracle.loadKeccak256PreimagePart(offset, data);
            (bytes32 part, uint256 length) = oracle.readPreimage(key, offset);
            assertEq(part, expectedPart(data, offset), "part");
            assertEq(length, 8 + data.length, "stream length");
        }
    }

    function testFuzzPartsMatchTheStream(bytes memory data, uint8 partIndex) public {
        uint256 offset = 32 * (uint256(partIndex) % ((8 + data.length + 31) / 32));
        bytes32 key = oracle.loadKeccak256PreimagePart(offset, data);
        (bytes32 part,) = oracle.readPreimage(key, offset);
        assertEq(part, expectedPart(data, offset), "part");
    }

    function testRejectsMisalignedAndOutOfBoundsParts() public {
        vm.expectRevert(abi.encodeWithSelector(PreimageOracle.PartOffsetNotAligned.selector, 5));
        oracle.loadKeccak256PreimagePart(5, "hello");
        vm.expectRevert(
            abi.encodeWithSelector(PreimageOracle.PartOffsetOutOfBounds.selector, 32, 13)
        );
        oracle.loadKeccak256PreimagePart(32, "hello");
    }

    function testReadingAnUnloadedPartReverts() public {
        bytes32 key = oracle.loadKeccak256PreimagePart(0, "hello");
        vm.expectRevert(
            abi.encodeWithSelector(PreimageOracle.PreimagePartNotLoaded.selector, key, 32)
        );
        oracle.readPreimage(key, 32);
    }

    function testLocalDataIsBoundToItsCaller() public {
        address gameA = address(0xA);
        address gameB = address(0xB);
        vm.prank(gameA);
        bytes32 keyA = oracle.loadLocalData(1, "input of game A", 0);
        vm.prank(gameB);
        bytes32 keyB = oracle.loadLocalData(1, "input of game B", 0);
        assertTrue(keyA != keyB, "local keys of two games differ");
        assertEq(uint256(keyA) >> 248, 1, "local type byte");
        assertEq(keyA, oracle.localize(1, gameA), "localize");
        (bytes32 partA,) = oracle.readPreimage(keyA, 0);
        assertEq(partA, expectedPart("input of game A", 0), "game A's data");
    }
}
