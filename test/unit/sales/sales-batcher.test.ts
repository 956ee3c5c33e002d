import { describe, expect, it } from 'vitest';
import type { SaleInput } from '../../../main/contract/sales';
import { tempDir } from '../../helpers/tmp';
import { FakeSalesLedger, testSalesService } from './fake-ledger';
import { Prng } from '../../../main/common/prng';
import Database from 'better-sqlite3';
import { join } from 'node:path';

function sale(i: number): SaleInput {
  return {
    orderId: `o-${i}`,
    terminalId: `till-${i % 3}`,
    timeMs: Date.parse('2026-11-20T12:00:00Z') + i,
    currency: 'USD',
    paymentMethod: 'cash',
    lines: [
      { itemId: 'tofu', name: 'Tofu', quantity: 1, unitPriceMinor: 300 + i, taxMinor: 0, discountMinor: 0 },
    ],
    ...(i % 4 === 0 ? { loyaltyCard: `card-${i % 7}` } : {}),
  };
}

/** Uniform numbers in [0, 1) from the seeded generator the simulations share. */
function prng(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.float();
}

describe('SalesBatcher', () => {
  it('records every sale once, in batches of at most maxSalesPerTx', async () => {
    const dir = tempDir();
    const ledger = new FakeSalesLedger();
    const svc = testSalesService(dir.path, ledger);
    await svc.start();
    for (let i = 0; i < 1000; i++) await svc.record([sale(i)]);
    const q = svc.queue();
    expect(q.pending + q.submitted).toBe(1000);
    for (let block = 0; block < 5 && ledger.recorded.size < 1000; block++) {
      await svc.flush();
      ledger.commit();
    }
    await svc.flush();
    expect(svc.queue()).toMatchObject({ pending: 0, submitted: 0, oldestWaitingAcceptedMs: null });
    expect(ledger.recorded.size).toBe(1000);
    const sizes = ledger.submitted.map(
      (t) => (JSON.parse(new TextDecoder().decode(t.bytes)) as { sales: unknown[] }).sales.length,
    );
    expect(Math.max(...sizes)).toBe(400);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(svc.list({ limit: 1, state: 'recorded' }).items[0]!.chain).toMatchObject({
      state: 'recorded',
      height: 1,
    });
    // A sale with a card earns the customer's part for the store's own address; one without, for nobody.
    const sent = [
      ...ledger.submitted.map(
        (t) =>
          JSON.parse(new TextDecoder().decode(t.bytes)) as {
            sales: Array<{ orderId: string; customer: string | null }>;
          },
      ),
    ].flatMap((t) => t.sales);
    expect(sent.find((s) => s.orderId === 'o-4')!.customer).toBe(ledger.franchise.owner);
    expect(sent.find((s) => s.orderId === 'o-5')!.customer).toBeNull();
    await svc.stop();
    dir.cleanup();
  });

  it('a kept batch refused for a gap that a lost batch sent again explains does not pause the batcher', async () => {
    // The order a loaded machine gives "sends a kept batch again": the first pass sends the first
    // sales (lost with the mempool), the rest are kept unsent, and after the restart the lost ones go
    // out again under the nonce the kept one holds. The kept one is refused (SALES_GAP) while the
    // lost ones wait in an open batch, which explains the gap as well as waiting in none does.
    const dir = tempDir();
    const ledger = new FakeSalesLedger();
    let svc = testSalesService(dir.path, ledger);
    await svc.start();
    for (let i = 0; i < 3; i++) await svc.record([sale(i)]);
    await svc.flush(); // the first pass: sales 0..2 sent
    for (let i = 3; i < 10; i++) await svc.record([sale(i)]);
    ledger.failSubmit = true;
    await svc.flush(); // sales 3..9 kept, never sent
    await svc.stop();
    ledger.failSubmit = false;
    ledger.lose();
    ledger.takeNonce();
    svc = testSalesService(dir.path, ledger);
    await svc.start();
    for (let block = 0; block < 4 && ledger.recorded.size < 10; block++) {
      await svc.flush();
      ledger.commit();
    }
    await svc.flush();
    expect(ledger.recorded.size).toBe(10);
    expect(svc.queue()).toMatchObject({ pending: 0, submitted: 0 });
    await svc.stop();
    dir.cleanup();
  });

  it('sends a kept batch again after a restart, and takes a superseded one apart without recording twice', async () => {
    const dir = tempDir();
    const ledger = new FakeSalesLedger();
    let svc = testSalesService(dir.path, ledger);
    await svc.start();
    for (let i = 0; i < 10; i++) await svc.record([sale(i)]);
    ledger.failSubmit = true; // kept, never sent: a crash between writing and sending
    await svc.flush();
    await svc.stop();
    ledger.failSubmit = false;
    ledger.lose();
    ledger.takeNonce(); // after the restart the audit anchor took that nonce
    svc = testSalesService(dir.path, ledger);
    await svc.start();
    // The first tick may have sent a batch before the failing one: it was lost with the mempool.
    for (let block = 0; block < 4 && ledger.recorded.size < 10; block++) {
      await svc.flush(); // superseded → back to the queue → a new batch; the kept one sent again
      ledger.commit();
    }
    await svc.flush();
    expect(ledger.recorded.size).toBe(10);
    expect(ledger.through).toBe(10);
    expect(
      [...ledger.recorded.values()].every((h) => h > 0),
      'an order recorded twice',
    ).toBe(true);
    // Only a batch sent after a lost one may fail (SALES_GAP); none repeats a recorded number.
    expect([...ledger.outcomes.values()].filter((o) => !o.ok && o.error !== 'SALES_GAP')).toEqual([]);
    expect(svc.queue()).toMatchObject({ pending: 0, submitted: 0 });
    await svc.stop();
    dir.cleanup();
  });

  it('while a full transaction of sales waits, the next pass comes in a quarter second, not at the interval', async () => {
    const dir = tempDir();
    const ledger = new FakeSalesLedger();
    const svc = testSalesService(dir.path, ledger); // the interval is a minute
    await svc.start();
    for (let i = 0; i < 2400; i++) await svc.record([sale(i)]);
    await svc.flush(); // four batches on their way, at least 800 sales waiting
    const sent = ledger.submitted.length;
    ledger.commit();
    await new Promise((r) => setTimeout(r, 1200));
    expect(ledger.submitted.length).toBeGreaterThan(sent);
    await svc.stop();
    dir.cleanup();
  });

  it('when a batch is lost, those sent after it are refused for the gap and follow it at once, in order', async () => {
    const dir = tempDir();
    const ledger = new FakeSalesLedger();
    const svc = testSalesService(dir.path, ledger);
    await svc.start();
    for (let i = 0; i < 1000; i++) await svc.record([sale(i)]);
    await svc.flush(); // batches on their way, each a run of numbers following the one before
    const firstSeqs = () =>
      ledger.submitted.map(
        (t) => (JSON.parse(new TextDecoder().decode(t.bytes)) as { firstSeq: number }).firstSeq,
      );
    const sent = firstSeqs();
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent[0]).toBe(1);
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    // The first is lost with the mempool and its nonce goes to another transaction of the key.
    ledger.mempool.delete(ledger.submitted[0]!.txHash);
    ledger.takeNonce();
    ledger.commit();
    const refused = [...ledger.outcomes.values()].map((o) => o.error);
    expect(refused).toEqual(sent.slice(1).map(() => 'SALES_GAP'));
    expect(ledger.through).toBe(0);
    // They are taken apart and sent again from number 1 with no pause (a pause would outlast this test).
    const resentFrom = ledger.submitted.length;
    for (let round = 0; round < 4 && ledger.through < 1000; round++) {
      await svc.flush();
      ledger.commit();
    }
    await svc.flush();
    expect(firstSeqs()[resentFrom]).toBe(1);
    expect(svc.queue()).toMatchObject({ pending: 0, submitted: 0, lastError: null });
    expect(ledger.through).toBe(1000);
    expect(ledger.recorded.size).toBe(1000);
    expect([...ledger.recorded.values()].every((h) => h > 0)).toBe(true);
    await svc.stop();
    dir.cleanup();
  });

  it('a gap that no waiting sale explains (the chain is behind the book) pauses the batcher', async () => {
    const dir = tempDir();
    const ledger = new FakeSalesLedger();
    const svc = testSalesService(dir.path, ledger);
    await svc.start();
    await svc.record([sale(0)]);
    await svc.flush();
    ledger.commit();
    await svc.flush();
    expect(ledger.through).toBe(1);
    ledger.through = 0; // as if the chain had never recorded sale 1
    await svc.record([sale(1)]);
    await svc.flush();
    ledger.commit(); // sale 2 leaves sale 1 out: SALES_GAP
    await svc.flush();
    const sent = ledger.submitted.length;
    await svc.flush();
    await svc.flush();
    expect(ledger.submitted.length, 'sent again within the pause').toBe(sent);
    expect(svc.queue()).toMatchObject({ pending: 1, lastError: expect.stringContaining('SALES_GAP') });
    await svc.stop();
    dir.cleanup();
  });

  it("a new book's first sale follows the chain's last recorded number (a store set up again)", async () => {
    const dir = tempDir();
    const ledger = new FakeSalesLedger();
    ledger.through = 5_000;
    const svc = testSalesService(dir.path, ledger);
    await svc.start();
    for (let i = 0; i < 3; i++) await svc.record([sale(i)]);
    await svc.flush();
    ledger.commit();
    await svc.flush();
    expect(ledger.through).toBe(5_003);
    expect(svc.queue()).toMatchObject({ pending: 0, submitted: 0 });
    // The number is kept: a later sale goes on from it, whatever the chain says by then.
    await svc.record([sale(3)]);
    await svc.flush();
    expect(JSON.parse(new TextDecoder().decode(ledger.submitted.at(-1)!.bytes)).firstSeq).toBe(5_004);
    await svc.stop();
    dir.cleanup();
  });

  it("a book whose sales were recorded before the chain numbered them starts the chain's sequence with its next", async () => {
    const dir = tempDir();
    const ledger = new FakeSalesLedger();
    let svc = testSalesService(dir.path, ledger);
    await svc.start();
    for (let i = 0; i < 5; i++) await svc.record([sale(i)]);
    await svc.flush();
    ledger.commit();
    await svc.flush();
    await svc.stop();
    expect(ledger.through).toBe(5);
    // As a book kept before the numbering: no base, and a chain that has no mark for the store.
    const db = new Database(join(dir.path, 'sales.db'));
    db.prepare("DELETE FROM sales_meta WHERE key = 'chain-seq-base'").run();
    db.close();
    ledger.through = 0;
    svc = testSalesService(dir.path, ledger);
    await svc.start();
    await svc.record([sale(5), sale(6)]);
    await svc.flush();
    ledger.commit();
    await svc.flush();
    expect(JSON.parse(new TextDecoder().decode(ledger.submitted.at(-1)!.bytes)).firstSeq).toBe(1);
    expect(ledger.through).toBe(2);
    expect(svc.queue()).toMatchObject({ pending: 0, submitted: 0, lastError: null });
    await svc.stop();
    dir.cleanup();
  });

  it('under random crashes, lost mempools, stolen nonces and refused sends, every sale lands exactly once (40 seeds)', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rnd = prng(seed);
      const dir = tempDir();
      const ledger = new FakeSalesLedger();
      const make = () => testSalesService(dir.path, ledger);
      let svc = make();
      await svc.start();
      let next = 0;
      const total = 60 + Math.floor(rnd() * 60);
      for (
        let step = 0;
        step < 40 || next < total || svc.queue().pending + svc.queue().submitted > 0;
        step++
      ) {
        if (step > 400) throw new Error(`seed ${seed}: the queue did not drain`);
        const r = rnd();
        if (next < total && r < 0.4) {
          const n = 1 + Math.floor(rnd() * 8);
          const batch = Array.from({ length: Math.min(n, total - next) }, () => sale(next++));
          await svc.record(batch);
          if (rnd() < 0.2) await svc.record([batch[0]!]); // a till's retry
        } else if (r < 0.55) {
          ledger.failSubmit = rnd() < 0.3;
          await svc.flush().catch(() => undefined);
          ledger.failSubmit = false;
        } else if (r < 0.75) ledger.commit();
        else if (r < 0.82) {
          await svc.stop();
          ledger.lose();
          if (rnd() < 0.5) ledger.takeNonce();
          svc = make();
          await svc.start();
        } else await svc.flush();
        if (step > 40) {
          await svc.flush();
          ledger.commit();
        }
      }
      expect(ledger.recorded.size, `seed ${seed}`).toBe(total);
      expect(ledger.through, `seed ${seed}`).toBe(total);
      expect(
        [...ledger.recorded.values()].every((h) => h > 0),
        `seed ${seed}: an order recorded twice`,
      ).toBe(true);
      const failed = [...ledger.outcomes.values()].filter((o) => !o.ok && o.error !== 'SALES_GAP');
      expect(failed, `seed ${seed}: a batch repeated recorded numbers`).toEqual([]);
      await svc.stop();
      dir.cleanup();
    }
  }, 120_000);
});
