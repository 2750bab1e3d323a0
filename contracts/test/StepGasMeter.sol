// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPreimageOracle} from "../src/IPreimageOracle.sol";
import {IStepVerifier} from "../src/IStepVerifier.sol";

/// @title StepGasMeter
/// @notice Measures the execution gas of one step (bench/step_gas.cpp): the gas the meter's
///         call to the verifier uses, as a game contract calling it would see it. Local data
///         for metered steps is loaded through the meter, since steps localize keys to their
///         caller.
contract StepGasMeter {
    function measure(IStepVerifier verifier, bytes calldata stateData, bytes calldata proof)
        external
        returns (bytes32 postState, uint256 gasUsed)
    {
        uint256 before = gasleft();
        postState = verifier.step(stateData, proof);
        gasUsed = before - gasleft();
    }

    function loadLocalData(
        IPreimageOracle oracle,
        uint256 slot,
        bytes calldata data,
        uint256 partOffset
    ) external returns (bytes32) {
        return oracle.loadLocalData(slot, data, partOffset);
    }
}
