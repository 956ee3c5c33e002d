/** The time, ticking: pages whose query windows end "now" move on with it. */
import { useEffect, useState } from 'react';

/** `Date.now()`, updated every `everyMs`. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
