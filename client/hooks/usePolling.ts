import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorText } from '../api.js';

/**
 * GETs `path` now and every `everyMs` while `path` is set, one request at a time (the next waits
 * for the last answer), skipping beats while the panel's tab is hidden. `reload()` asks at once.
 */
export function usePolling<T>(path: string | null, everyMs: number): { data: T | null; error: string | null; reload(): void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);
  const [nudge, setNudge] = useState(0);

  useEffect(() => {
    if (!path) return;
    const mine = ++generation.current;
    let timer: number | undefined;
    const tick = async () => {
      if (!document.hidden) {
        try {
          const body = await api<T>(path);
          if (generation.current !== mine) return;
          setData(body);
          setError(null);
        } catch (e) {
          if (generation.current !== mine) return;
          setError(errorText(e, 'The app could not reach its server.'));
        }
      }
      if (generation.current === mine) timer = window.setTimeout(() => void tick(), everyMs);
    };
    void tick();
    return () => {
      generation.current++;
      window.clearTimeout(timer);
    };
  }, [path, everyMs, nudge]);

  const reload = useCallback(() => setNudge((n) => n + 1), []);
  return { data, error, reload };
}
