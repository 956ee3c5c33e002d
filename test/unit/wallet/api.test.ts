import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { walletHandlers } from '../../../main/api/handlers/wallet';
import { type AllHandlers, Router } from '../../../main/api/router';
import { chainTransferCodec } from '../../../main/wallet/signer';
import { makeWallet, tempDataDir } from './helpers';
import { MemoryWalletLedger } from './memory-ledger';
import { SYSTEM } from '../../../main/contract/access';

const ABANDON =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const PW = 'correct horse battery';
const ME = '0x9858EfFD232B4033E47d90003D41EC34EcaEda94';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDataDir()));
afterEach(() => cleanup());

describe('wallet.* through the router (schemas in and out, error envelopes)', () => {
  it('create returns no phrase; reveal needs the password; errors travel as codes', async () => {
    const ledger = new MemoryWalletLedger();
    const { wallet } = await makeWallet(dir, {}, { ledger, tx: chainTransferCodec });
    // Only the wallet's handlers: the other domains are not under test here.
    const router = new Router(walletHandlers({ wallet }) as unknown as AllHandlers);
    const ctx = { via: 'test' as const, principal: SYSTEM };

    const created = await router.call('wallet.create', { words: 12, password: PW }, ctx);
    expect(created).toMatchObject({ ok: true, value: { state: 'unlocked' } });
    expect(JSON.stringify(created)).not.toMatch(/mnemonic/);
    const bad = await router.call('wallet.revealMnemonic', { password: 'nope nope' }, ctx);
    expect(bad).toMatchObject({
      ok: false,
      error: {
        code: 'WRONG_PASSWORD',
        name: 'WalletError',
        message: 'wallet password is wrong (the keystore is unchanged)',
      },
    });
    const shown = await router.call('wallet.revealMnemonic', { password: PW }, ctx);
    expect(shown).toMatchObject({ ok: true, value: { words: 12 } });
    expect(await router.call('wallet.create', { words: 13, password: PW }, ctx)).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    expect(await router.call('wallet.lock', {}, ctx)).toMatchObject({ ok: true, value: { state: 'locked' } });
    expect(await router.call('wallet.addAccount', {}, ctx)).toMatchObject({
      ok: false,
      error: { code: 'LOCKED' },
    });
  });

  it('preview and send with amounts as strings; a bad checksum is refused', async () => {
    const ledger = new MemoryWalletLedger();
    const { wallet } = await makeWallet(dir, {}, { ledger, tx: chainTransferCodec });
    const router = new Router(walletHandlers({ wallet }) as unknown as AllHandlers);
    const ctx = { via: 'test' as const, principal: SYSTEM };
    expect(await router.call('wallet.import', { mnemonic: ABANDON, password: PW }, ctx)).toMatchObject({
      ok: true,
    });
    ledger.balances.set(ME.toLowerCase() as `0x${string}`, 10n ** 24n);
    const to = '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359';
    expect(
      await router.call('wallet.previewSend', { from: ME, to: to.replace('fB', 'Fb'), amount: '5' }, ctx),
    ).toMatchObject({ ok: false, error: { code: 'BAD_ADDRESS' } });
    expect(await router.call('wallet.previewSend', { from: ME, to, amount: '1.5' }, ctx)).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    const p = await router.call('wallet.previewSend', { from: ME, to, amount: '123456789012345678901' }, ctx);
    expect(p).toMatchObject({ ok: true, value: { amount: '123456789012345678901', fee: '1000', nonce: 0 } });
    const previewId = (p as { value: { previewId: string } }).value.previewId;
    const sent = await router.call('wallet.send', { previewId }, ctx);
    expect(sent).toMatchObject({ ok: true, value: { txHash: expect.stringMatching(/^0x/) } });
    expect(await router.call('wallet.balance', { address: to }, ctx)).toMatchObject({
      ok: true,
      value: { balance: '123456789012345678901' },
    });
    const hist = await router.call('wallet.history', { address: ME }, ctx);
    expect(hist).toMatchObject({
      ok: true,
      value: { items: [{ amount: '123456789012345678901', status: 'confirmed' }], nextCursor: null },
    });
    const csv = await router.call('wallet.historyCsv', { address: ME }, ctx);
    expect(csv).toMatchObject({
      ok: true,
      value: { filename: 'hotpot-history-0x9858effd.csv', csv: expect.stringContaining(',out,') },
    });
  });
});
