/**
 * Refreshing the Preprocess panel's counts (items done, waiting, frames) while a run goes:
 * they were read from the database only when the run ended (issue 18 leftover 3). Progress
 * events come per frame; a refresh reads every item's record, so it is throttled: at most one
 * at a time, and the next no sooner than `minMs` after the last started, or 4 x the last one's
 * duration when that is longer (a large dataset's reads then take at most a fifth of the
 * time). A poke that comes too soon is not lost: one refresh follows when the wait is over
 * (trailing edge), so the last change before a pause or a slow item is shown too.
 */

export interface ProgressRefresher {
  /** A progress event: refresh now, or once the wait since the last refresh is over. */
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
  let wanted = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastStart = Number.NEGATIVE_INFINITY;
  let lastMs = 0;

  const run = (): void => {
    const t = now();
    wanted = false;
    busy = true;
    lastStart = t;
    void refresh()
      .catch(() => undefined) // refresh reports its own errors
      .finally(() => {
        lastMs = now() - t;
        busy = false;
        if (wanted) poke();
      });
  };

  function poke(): void {
    if (stopped) return;
    wanted = true;
    if (busy || timer !== null) return; // runs when the refresh ends / the timer fires
    const wait = lastStart + Math.max(minMs, 4 * lastMs) - now();
    if (wait <= 0) {
      run();
      return;
    }
    timer = setTimeout(() => {
      timer = null;
      if (!stopped && wanted) run();
    }, wait);
  }

  return {
    poke,
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
