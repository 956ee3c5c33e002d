/**
 * `OwnTxQueue`: the node's own transactions (signed with its validator key) go one at a time. Each
 * takes the key's next nonce from the mempool, so two built at once would take the same one; chain
 * anchoring and the franchise registry share one queue.
 */

/**
 * @example
 * const queue = new OwnTxQueue();
 * await queue.run(async () => commit(builder.anchorAudit(mempool.nextNonce(address), head)));
 */
export class OwnTxQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after everything queued before it (a failure does not hold up what follows). */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
