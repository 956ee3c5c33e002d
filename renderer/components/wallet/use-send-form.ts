/**
 * The send card's state and steps: the typed transfer and its checks, step 1 `review` (the node's
 * preview), step 2 `confirm` (signs exactly the previewed transfer), or `cancel` back to the form.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { SendPreview } from '../../../main/contract/wallet';
import { call } from '../../api';
import { addressProblem } from './address-check';
import { useAction } from './use-action';

/** A send from `from`: the form's fields, the pending preview, and the hash of the last transfer sent. */
export function useSendForm(from: string) {
  const action = useAction();
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [fee, setFee] = useState('');
  const [preview, setPreview] = useState<SendPreview | null>(null);
  const [sentHash, setSentHash] = useState<string | null>(null);
  const qc = useQueryClient();
  const problem = addressProblem(to);
  const amountOk = /^[1-9][0-9]{0,37}$/.test(amount) && (fee === '' || /^(0|[1-9][0-9]{0,37})$/.test(fee));
  const review = (e: FormEvent): void => {
    e.preventDefault();
    setSentHash(null);
    void action.run(async () =>
      setPreview(await call('wallet.previewSend', { from, to: to.trim(), amount, ...(fee ? { fee } : {}) })),
    );
  };
  const confirm = (previewId: string): void =>
    void action.run(async () => {
      const r = await call('wallet.send', { previewId });
      setSentHash(r.txHash);
      setPreview(null);
      setTo('');
      setAmount('');
      setFee('');
      void qc.invalidateQueries({
        predicate: (x) => String(x.queryKey[0]).startsWith('wallet.'),
      });
    });
  const cancel = (): void => (setPreview(null), action.setError(null));
  return {
    action,
    to,
    setTo,
    amount,
    setAmount,
    fee,
    setFee,
    problem,
    amountOk,
    preview,
    sentHash,
    review,
    confirm,
    cancel,
  };
}

/** What `useSendForm` returns: the state the send form and its confirmation show. */
export type SendFormState = ReturnType<typeof useSendForm>;
