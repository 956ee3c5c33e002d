import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { FranchiseStatus, FranchiseView } from '../../../main/contract/franchise';
import { call } from '../../api';

/** The fields of the register and edit forms, as typed (numbers stay text until sent). */
export interface FranchiseFields {
  id: string;
  owner: string;
  status: FranchiseStatus;
  city: string;
  region: string;
  currency: string;
  royaltyBps: string;
  validatorRewardBps: string;
  tokensPerMinorUnit: string;
}

const EMPTY: FranchiseFields = {
  id: '',
  owner: '',
  status: 'active',
  city: '',
  region: '',
  currency: 'RUB',
  royaltyBps: '500',
  validatorRewardBps: '100',
  tokensPerMinorUnit: '1',
};

function fieldsOf(f: FranchiseView): FranchiseFields {
  return {
    id: f.id,
    owner: f.owner,
    status: f.status,
    city: f.city,
    region: f.region,
    currency: f.tokenomics.currency,
    royaltyBps: String(f.tokenomics.royaltyBps),
    validatorRewardBps: String(f.tokenomics.validatorRewardBps),
    tokensPerMinorUnit: f.tokenomics.tokensPerMinorUnit,
  };
}

/**
 * A register form (no `editing`) or an edit form of `editing`: its fields, and a submit that sends
 * `franchise.register` or `franchise.update` (the node answers once the block is committed; the
 * password is asked again if the session's confirmation is old) and refreshes the list.
 */
export function useFranchiseForm(editing: FranchiseView | null, onDone: () => void) {
  const qc = useQueryClient();
  const [fields, setFields] = useState<FranchiseFields>(() => (editing ? fieldsOf(editing) : EMPTY));
  const set = (k: keyof FranchiseFields) => (v: string) => setFields((f) => ({ ...f, [k]: v }));
  const save = useMutation({
    mutationFn: async () => {
      const tokenomics = {
        currency: fields.currency.trim(),
        royaltyBps: Number(fields.royaltyBps),
        validatorRewardBps: Number(fields.validatorRewardBps),
        tokensPerMinorUnit: fields.tokensPerMinorUnit.trim(),
      };
      const common = {
        status: fields.status,
        city: fields.city,
        region: fields.region,
        owner: fields.owner.trim(),
      };
      return editing
        ? call('franchise.update', { id: editing.id, ...common, tokenomics })
        : call('franchise.register', { id: fields.id.trim(), ...common, tokenomics });
    },
    onSuccess: async () => {
      if (!editing) setFields(EMPTY);
      await qc.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('franchise.') });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return { fields, set, submit, busy: save.isPending, error: save.error };
}
