// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DisputeGame, GameParams} from "./DisputeGame.sol";

/// @title DisputeGameFactory
/// @notice Registers game types and creates their games. A game type is one DisputeGame
///         deployment holding the type's parameters as immutables; a game is a minimal proxy
///         (EIP-1167 clone) of it, so creating one stores only the game's own state.
contract DisputeGameFactory {
    /// @notice There is no game type `gameType`.
    error UnknownGameType(uint256 gameType);
    /// @notice Deploying the clone failed.
    error CloneFailed();

    /// @notice Game type `gameType` plays by the parameters of `implementation`.
    event GameTypeRegistered(uint256 indexed gameType, DisputeGame implementation);
    /// @notice `proposer` created `game` of `gameType` on `rootClaim`.
    event GameCreated(
        uint256 indexed gameType,
        DisputeGame indexed game,
        address indexed proposer,
        bytes32 rootClaim,
        bytes32 inputKey
    );

    /// @notice The implementation of each game type, by type number.
    DisputeGame[] public gameTypes;
    /// @notice Every game created, in order.
    DisputeGame[] public games;

    /// @notice Registers a game type; reverts with DisputeGame.InvalidParams on bad parameters.
    function registerGameType(GameParams calldata params) external returns (uint256 gameType) {
        DisputeGame implementation = new DisputeGame(params);
        gameType = gameTypes.length;
        gameTypes.push(implementation);
        emit GameTypeRegistered(gameType, implementation);
    }

    /// @notice Creates a game of `gameType` in which the caller claims `rootClaim` for the
    ///         program's input `inputKey` (its keccak256-type preimage key), paying the root bond
    ///         (`bondAt(0)` of the game type) as the value.
    function create(uint256 gameType, bytes32 rootClaim, bytes32 inputKey)
        external
        payable
        returns (DisputeGame game)
    {
        if (gameType >= gameTypes.length) revert UnknownGameType(gameType);
        game = DisputeGame(_clone(address(gameTypes[gameType])));
        game.initialize{value: msg.value}(msg.sender, rootClaim, inputKey);
        games.push(game);
        emit GameCreated(gameType, game, msg.sender, rootClaim, inputKey);
    }

    function gameTypeCount() external view returns (uint256) {
        return gameTypes.length;
    }

    function gameCount() external view returns (uint256) {
        return games.length;
    }

    /// @dev EIP-1167: a 45-byte contract that delegates every call to `implementation`.
    function _clone(address implementation) internal returns (address instance) {
        assembly ("memory-safe") {
            let code := mload(0x40)
            mstore(code, 0x3d602d80600a3d3981f3363d3d373d3d3d363d73000000000000000000000000)
            mstore(add(code, 0x14), shl(0x60, implementation))
            mstore(
                add(code, 0x28),
                0x5af43d82803e903d91602b57fd5bf30000000000000000000000000000000000
            )
            instance := create(0, code, 0x37)
        }
        if (instance == address(0)) revert CloneFailed();
    }
}
