/**
 * What the process lets go of when it stops, once its job runner has stopped and the jobs still
 * running have been released (server/start.ts): a holder of something another worker may need
 * at once (a lease) registers its release while it holds it, and calls the function returned
 * when it lets go by itself. At shutdown every release still registered runs, so that another
 * worker takes the work now instead of when the lease lapses; the work still under way here is
 * fenced by the lease it no longer holds.
 */
type Release = () => Promise<unknown>;

const releases = new Set<Release>();

/** Registers a release to run at shutdown; returns the function that unregisters it. */
export function releaseAtShutdown(release: Release): () => void {
  releases.add(release);
  return () => releases.delete(release);
}

/** Runs every registered release once (failures are the holders' own: a lease then lapses). */
export async function runShutdownReleases(): Promise<number> {
  const pending = [...releases];
  releases.clear();
  await Promise.allSettled(pending.map((release) => release()));
  return pending.length;
}

/** Waits for the promise, or `ms` at most; true when it settled in time. */
export async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = promise.then(
    () => true,
    () => true,
  );
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  try {
    return await Promise.race([settled, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
