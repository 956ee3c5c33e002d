import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainTransferCodec } from '../../../main/wallet/signer';
import { makeWallet, tempDataDir } from './helpers';
import { MemoryWalletLedger } from './memory-ledger';

const ABANDON =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const PW = 'correct horse battery';
const ME = '0x9858EfFD232B4033E47d90003D41EC34EcaEda94';
const BOB = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDataDir()));
afterEach(() => cleanup());

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: { code?: string }) => e.code,
  );

describe('WalletService: send with preview and confirmation', () => {
  it('previews amount, fee and nonce; signs exactly that; the ledger verifies and applies it', async () => {
    const ledger = new MemoryWalletLedger();
    const { wallet, timers } = await makeWallet(dir, {}, { ledger, tx: chainTransferCodec });
    await wallet.importMnemonic({ mnemonic: ABANDON, password: PW });
    ledger.balances.set(ME.toLowerCase() as `0x${string}`, 1_000_000n);

    expect(await codeOf(wallet.previewSend({ from: ME, to: BOB.replace('aA', 'Aa'), amount: 5n }))).toBe(
      'BAD_ADDRESS',
    );
    expect(await codeOf(wallet.previewSend({ from: ME, to: BOB, amount: 0n }))).toBe('BAD_AMOUNT');
    expect(await codeOf(wallet.previewSend({ from: ME, to: BOB, amount: 999_500n }))).toBe('BAD_AMOUNT');
    expect(await codeOf(wallet.previewSend({ from: ME, to: BOB, amount: 5n, fee: 10n }))).toBe('BAD_AMOUNT');
    expect(await codeOf(wallet.previewSend({ from: BOB, to: ME, amount: 5n }))).toBe('UNKNOWN_ACCOUNT');

    const p = await wallet.previewSend({ from: ME, to: BOB, amount: 250_000n });
    expect(p).toMatchObject({
      amount: 250_000n,
      fee: 1000n,
      nonce: 0,
      total: 251_000n,
      balance: 1_000_000n,
      chainId: 'hotpot-test',
    });
    const { txHash } = await wallet.send({ previewId: p.previewId });
    expect(txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await wallet.balance(ME)).toBe(749_000n);
    expect(await wallet.balance(BOB)).toBe(250_000n);
    expect(await codeOf(wallet.send({ previewId: p.previewId }))).toBe('PREVIEW_EXPIRED');

    const p2 = await wallet.previewSend({ from: ME, to: BOB, amount: 1n });
    expect(p2.nonce).toBe(1);
    timers.advance(120_001);
    expect(await codeOf(wallet.send({ previewId: p2.previewId }))).toBe('PREVIEW_EXPIRED');
    const p3 = await wallet.previewSend({ from: ME, to: BOB, amount: 1n });
    wallet.lock('user');
    expect(await codeOf(wallet.send({ previewId: p3.previewId }))).toBe('LOCKED');
    await wallet.unlock({ password: PW });
    expect(await codeOf(wallet.send({ previewId: p3.previewId }))).toBe('PREVIEW_EXPIRED');

    const page = await wallet.history(ME, { limit: 10 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ txHash, amount: 250_000n, fee: 1000n, to: BOB.toLowerCase() });
    const csv = await wallet.historyCsv(ME);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('time_utc,tx_hash,height,type,direction,counterparty,amount,fee,status,error');
    expect(lines[1]).toBe(
      `2023-11-14T22:13:20.000Z,${txHash},1,transfer,out,${BOB.toLowerCase()},250000,1000,confirmed,`,
    );
  });

  it('says clearly when no ledger is wired', async () => {
    const { wallet } = await makeWallet(dir);
    await wallet.importMnemonic({ mnemonic: ABANDON, password: PW });
    expect(await codeOf(wallet.balance(ME))).toBe('LEDGER_UNAVAILABLE');
  });
});
