import type { RandomStream } from '../random/index.js';

/** A model the pool can run: one batch of trials in, one plain-data summary out. */
export interface BatchModel<P = any, S = any> {
  /** Runs `trials` trials drawing only from `rng`; returns counts and fixed-size summaries. */
  runBatch(params: P, trials: number, rng: RandomStream): S;
}

/**
 * One unit of work for the pool: a batch of trials of one cell of one model.
 * Everything in it is plain data (it crosses a worker boundary by structured clone), and the
 * random stream is derived inside the worker from (seed, cell, batch) alone.
 */
export interface BatchTask<P = unknown> {
  /** The registered model's name (see models.ts). */
  model: string;
  /** The model's parameters, plain data. */
  params: P;
  seed: number;
  cell: number;
  batch: number;
  trials: number;
}
