/** The wallet's transfer signer over the chain's transaction signing and encoding (`main/chain/tx/`). Pure. */
import { encodeTx, txHashOfBytes } from '../chain/tx/codec';
import { signTx } from '../chain/tx/signing';
import type { TransferTxCodec } from './ledger';

/**
 * Signs transfers with `signTx` and encodes them with `encodeTx`; the hash is the chain's tx id.
 *
 * @example const { bytes, txHash } = chainTransferCodec.signTransfer({ chainId, from, to, amount: 5n, fee: 1000n, nonce: 0 }, key);
 */
export const chainTransferCodec: TransferTxCodec = {
  signTransfer(p, privateKey) {
    const tx = signTx(
      {
        chainId: p.chainId,
        nonce: p.nonce,
        fee: p.fee,
        payload: { type: 'transfer', to: p.to, amount: p.amount },
      },
      privateKey,
    );
    if (tx.sender !== p.from) throw new Error(`the signing key belongs to ${tx.sender}, not to ${p.from}`);
    const bytes = encodeTx(tx);
    return { bytes, txHash: txHashOfBytes(bytes) };
  },
};
