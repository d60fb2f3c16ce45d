import { describe, expect, it } from 'vitest';
import type { OptimizerConfig } from '../config/config-schema.ts';
import { DEFAULT_MAX_MOVES_PER_ROUND, optimizerParams } from './optimizer-params.ts';

const CONFIG: OptimizerConfig = { enabled: true, evaluationWindow: 300_000, statistic: 'p95', failuresBeforeMove: 3, holdTime: 600_000, returnMargin: 0.1, dryRun: false };

describe('optimizerParams', () => {
  it('takes the optimizer section (durations already in ms) and defaults the rest', () => {
    expect(optimizerParams(CONFIG)).toEqual({
      windowMs: 300_000,
      statistic: 'p95',
      failuresBeforeMove: 3,
      holdTimeMs: 600_000,
      returnMargin: 0.1,
      maxMovesPerRound: DEFAULT_MAX_MOVES_PER_ROUND,
      maxMovesPerColor: undefined,
      minSamples: 1,
    });
    expect(optimizerParams(CONFIG, { maxMovesPerRound: 5 }).maxMovesPerRound).toBe(5);
  });
});
