/**
 * Faults a test injects into a detector worker started from faulty-detector-worker.ts (the real
 * detector worker behind a port the test controls), and the channel they travel on.
 *
 * @example
 * const faults = detectorFaults();
 * await faults.set({ type: 'stall' }); // results are held from now on
 * await faults.set({ type: 'none' }); // the held results are delivered (late), answers flow again
 */

/** What the worker does from now on with the detector's traffic. */
export type DetectorFault =
  /** Pass everything through. Held results are delivered first. */
  | { type: 'none' }
  /** Hold every result (the detector keeps working but never answers) until the fault is cleared. */
  | { type: 'stall' }
  /** End the worker thread (`process.exit(code)`) when the next detection request arrives. */
  | { type: 'exit'; code: number }
  /** Throw an uncaught error in the worker when the next detection request arrives. */
  | { type: 'throw' };

/** The BroadcastChannel on which tests send faults; every faulty worker of the process obeys. */
export const FAULT_CHANNEL = 'hotpot-test-detector-faults';

/** A command on {@link FAULT_CHANNEL}, and its acknowledgement. */
export interface FaultCommand {
  seq: number;
  fault: DetectorFault;
}
export interface FaultAck {
  ack: number;
}

/** The test's end of the channel: `set` resolves once a faulty worker has applied the fault. */
export function detectorFaults(): { set(fault: DetectorFault): Promise<void>; close(): void } {
  const channel = new BroadcastChannel(FAULT_CHANNEL);
  let seq = 0;
  return {
    set: (fault) =>
      new Promise<void>((resolve, reject) => {
        const mine = ++seq;
        const timer = setTimeout(
          () => reject(new Error(`no faulty detector worker took ${fault.type}`)),
          5000,
        );
        const onAck = (e: Event): void => {
          if ((e as unknown as { data: FaultAck }).data.ack !== mine) return;
          clearTimeout(timer);
          channel.removeEventListener('message', onAck);
          resolve();
        };
        channel.addEventListener('message', onAck);
        channel.postMessage({ seq: mine, fault } satisfies FaultCommand);
      }),
    close: () => channel.close(),
  };
}
