/**
 * The simulation's virtual clock: a binary-heap event queue ordered by (time, insertion order), so
 * events at the same virtual millisecond run in a fixed, replayable order.
 */

interface Entry {
  atMs: number;
  seq: number;
  run: () => void;
}

/** Virtual time and the events scheduled in it. */
export class EventQueue {
  private heap: Entry[] = [];
  private seq = 0;
  /** Current virtual time in ms. */
  nowMs = 0;
  /** Events run so far. */
  processed = 0;

  /** Runs `run` at virtual time `atMs` (never before now). */
  at(atMs: number, run: () => void): void {
    this.push({ atMs: Math.max(atMs, this.nowMs), seq: this.seq++, run });
  }

  /** Runs `run` after `delayMs`. */
  after(delayMs: number, run: () => void): void {
    this.at(this.nowMs + delayMs, run);
  }

  get size(): number {
    return this.heap.length;
  }

  /** Runs the next event; false when the queue is empty. */
  runNext(): boolean {
    const e = this.pop();
    if (e === undefined) return false;
    this.nowMs = e.atMs;
    this.processed++;
    e.run();
    return true;
  }

  private less(a: Entry, b: Entry): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i] as Entry, h[p] as Entry)) break;
      [h[i], h[p]] = [h[p] as Entry, h[i] as Entry];
      i = p;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop() as Entry;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l] as Entry, h[m] as Entry)) m = l;
        if (r < h.length && this.less(h[r] as Entry, h[m] as Entry)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as Entry, h[i] as Entry];
        i = m;
      }
    }
    return top;
  }
}
