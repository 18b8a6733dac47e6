/**
 * Refreshing the Preprocess panel's counts (items done, waiting, frames) while a run goes:
 * they were read from the database only when the run ended (issue 18 leftover 3). Progress
 * events come per frame; a refresh reads every item's record, so it is throttled: at most one
 * at a time, and the next no sooner than `minMs` after the last started, or 4 x the last one's
 * duration when that is longer (a large dataset's read then takes at most a fifth of the time).
 */

export interface ProgressRefresher {
  /** A progress event: refresh now unless one is running or the last started too recently. */
  poke(): void;
  /** No more refreshes (the run ended; its own final refresh follows). */
  stop(): void;
}

export const REFRESH_MIN_MS = 500;

export function progressRefresher(
  refresh: () => Promise<void>,
  minMs: number = REFRESH_MIN_MS,
  now: () => number = () => Date.now(),
): ProgressRefresher {
  let busy = false;
  let stopped = false;
  let lastStart = Number.NEGATIVE_INFINITY;
  let lastMs = 0;
  return {
    poke() {
      const t = now();
      if (stopped || busy || t - lastStart < Math.max(minMs, 4 * lastMs)) return;
      busy = true;
      lastStart = t;
      void refresh()
        .catch(() => undefined) // refresh reports its own errors
        .finally(() => {
          lastMs = now() - t;
          busy = false;
        });
    },
    stop() {
      stopped = true;
    },
  };
}
