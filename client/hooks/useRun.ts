import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { isActive, type Run, type RunRecord } from '../flows.js';
import { usePolling } from './usePolling.js';

const RUN_POLL_MS = 1_000;

/** One run, re-read every second until it has finished. */
export function useRun(runId: string | null): { run: Run | null; error: string | null } {
  const [finished, setFinished] = useState<Run | null>(null);
  const polling = usePolling<{ run: Run }>(runId && finished?.id !== runId ? `/runs/${runId}` : null, RUN_POLL_MS);
  const latest = polling.data?.run.id === runId ? polling.data.run : null;

  useEffect(() => {
    if (latest && !isActive(latest.status)) setFinished(latest);
  }, [latest]);

  if (!runId) return { run: null, error: null };
  return { run: finished?.id === runId ? finished : latest, error: polling.error };
}

/** A finished run's per-record outcomes (read once it has finished). */
export function useRunRecords(run: Run | null): RunRecord[] | null {
  const [records, setRecords] = useState<{ runId: string; list: RunRecord[] } | null>(null);
  const ready = run && !isActive(run.status) ? run.id : null;
  useEffect(() => {
    if (!ready) return;
    let live = true;
    api<{ records: RunRecord[] }>(`/runs/${ready}/records`).then(
      (r) => live && setRecords({ runId: ready, list: r.records }),
      () => live && setRecords({ runId: ready, list: [] }),
    );
    return () => {
      live = false;
    };
  }, [ready]);
  return records && records.runId === ready ? records.list : null;
}
