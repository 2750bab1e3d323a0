// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The Foundry cheatcodes the tests use.
interface Vm {
    function expectRevert(bytes calldata revertData) external;
    function expectRevert(bytes4 selector) external;
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function warp(uint256 timestamp) external;
    function deal(address account, uint256 balance) external;
    function assume(bool condition) external pure;
}

/// @notice A minimal test base: forge runs every `test*` function; a revert fails the test.
abstract contract Test {
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    function assertEq(bytes32 actual, bytes32 expected, string memory what) internal pure {
        if (actual != expected) revert(string.concat(what, ": bytes32 values differ"));
    }

    function assertEq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) revert(string.concat(what, ": numbers differ"));
    }

    function assertEq(address actual, address expected, string memory what) internal pure {
        if (actual != expected) revert(string.concat(what, ": addresses differ"));
    }

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert(what);
    }
}
