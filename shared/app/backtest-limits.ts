/*
 * A backtest's limits, apart from backtest.ts so that the API description (loaded with every function
 * file) can quote them without loading the backtest, which loads the pipeline file's zod schemas.
 */

/** Longest window a backtest reads: a day of history (at most a few thousand rounds of queries). */
export const MAX_BACKTEST_WINDOW_MS = 24 * 3_600_000;
/** Most rounds one backtest may evaluate (a 24 h window at a 30 s cadence is 2,880). */
export const MAX_BACKTEST_ROUNDS = 3_000;
