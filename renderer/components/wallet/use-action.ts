/** How a wallet card runs one call to the node: busy while it runs, the error if it failed. */
import { useState } from 'react';

/** One wallet action's state: `run(fn)` resolves true when `fn` succeeded, else keeps its error. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run, setError };
}
