import { oneRunBatchModel } from '../batch.js';
import type { RollingUpgradeConfig } from '../../strategies/leader-follower/rolling-upgrade.js';
import { runRollingUpgrade } from '../../strategies/leader-follower/rolling-upgrade.js';
import { upgradeResult } from '../upgrade.js';

/** One batch of the upgrade sweep experiment: the cell's config (the seed is the batch's). */
export interface UpgradeBatchParams {
  config: Partial<RollingUpgradeConfig>;
}

/** The rolling upgrade as the sweep pool runs it: one upgrade (both formats) per batch. */
export const upgradeBatchModel = oneRunBatchModel((params: UpgradeBatchParams, seed) => ({
  trials: 1,
  result: upgradeResult(runRollingUpgrade(params.config, seed)),
  histograms: {},
  weights: {},
}));
