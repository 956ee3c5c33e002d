/**
 * What snapshot sync sends for each block a joining node's light client checks: the header, its
 * commit and the validator sets proven against its state root (kept at each epoch's last block), as
 * bytes. Canonical encodings (`main/chain/encoding.ts`), with kinds outside the chain's own:
 * - proven sets, kind 0x60: a list of (epoch, `encodeValidatorSet` bytes, `encodeSmtProof` bytes);
 * - a header item, kind 0x61: `encodeHeader` bytes, `encodeCommit` bytes, optional proven-set bytes.
 */
import { type BlockHeader, decodeBlock, decodeCommit, decodeHeader, encodeHeader } from '../chain/block';
import { type EncodingLimits, decodeWith, writer } from '../chain/encoding';
import type { HeaderItem, ProvenSet } from '../chain/light-client';
import { decodeSmtProof, encodeSmtProof, proveKey } from '../chain/smt-proof';
import { decodeValidatorSet } from '../chain/state/records';
import type { StateReader } from '../chain/state/store';
import type { StoredHeader } from './ledger-history';

/** Kind bytes of the encodings here. */
export const HEADER_ITEM_KIND = { provenSets: 0x60, headerItem: 0x61 } as const;

/** Most sets one header proves (its epoch, the next and the one after). */
const MAX_SETS = 4;
/** Largest encoded set or proof, bytes (a set of a few hundred validators; a 256-deep proof). */
const MAX_SET_BYTES = 1 << 20;
const MAX_HEADER_BYTES = 1024;

/**
 * Proves `vs:<e>` for each epoch in `epochs` against the tree in `state` (whose root is the state root
 * of the block just stored), as the bytes kept in `epoch_sets`. An epoch whose set is not stored is
 * left out.
 */
export function proveSets(state: StateReader, epochs: readonly number[]): Uint8Array {
  const sets: { epoch: number; value: Uint8Array; proof: Uint8Array }[] = [];
  for (const epoch of epochs) {
    const value = state.get(`vs:${epoch}`);
    if (value === undefined) continue;
    sets.push({ epoch, value, proof: encodeSmtProof(proveKey(state, `vs:${epoch}`)) });
  }
  return writer(HEADER_ITEM_KIND.provenSets)
    .list(
      sets,
      MAX_SETS,
      (w, s) =>
        w.uint(s.epoch, 'epoch').bytes(s.value, MAX_SET_BYTES, 'set').bytes(s.proof, MAX_SET_BYTES, 'proof'),
      'sets',
    )
    .finish();
}

/** Reads proven-set bytes (`MALFORMED` & co. from the chain's decoders). */
export function decodeProvenSets(bytes: Uint8Array): ProvenSet[] {
  return decodeWith(bytes, HEADER_ITEM_KIND.provenSets, 'proven sets', (r) =>
    r.list(
      MAX_SETS,
      (rr) => ({
        epoch: rr.uint('epoch'),
        validators: decodeValidatorSet(rr.bytes(MAX_SET_BYTES, 'set')),
        proof: decodeSmtProof(rr.bytes(MAX_SET_BYTES, 'proof')),
      }),
      'sets',
    ),
  );
}

/** The header bytes of a stored block (decoding the block when the header was not kept apart). */
export function headerBytesOf(h: StoredHeader, limits: EncodingLimits): Uint8Array {
  if (h.header) return h.header;
  return encodeHeader(decodeBlock(h.block as Uint8Array, limits).block.header);
}

/** A header item as served: header, commit and the sets kept at it (plus `extraSets`, e.g. a snapshot's). */
export function encodeHeaderItem(
  header: Uint8Array,
  commit: Uint8Array,
  sets: Uint8Array | null,
): Uint8Array {
  return writer(HEADER_ITEM_KIND.headerItem)
    .bytes(header, MAX_HEADER_BYTES, 'header')
    .bytes(commit, Number.MAX_SAFE_INTEGER, 'commit')
    .opt(sets, (w, s) => w.bytes(s, Number.MAX_SAFE_INTEGER, 'sets'))
    .finish();
}

/** A decoded header item with its header's bytes. */
export interface DecodedHeaderItem extends HeaderItem {
  headerBytes: Uint8Array;
  commitBytes: Uint8Array;
}

/** Reads a peer's header item; throws the chain's typed decoding errors. */
export function decodeHeaderItem(bytes: Uint8Array, limits: EncodingLimits): DecodedHeaderItem {
  const raw = decodeWith(bytes, HEADER_ITEM_KIND.headerItem, 'header item', (r) => ({
    header: r.bytes(MAX_HEADER_BYTES, 'header'),
    commit: r.bytes(bytes.length, 'commit'),
    sets: r.opt((rr) => rr.bytes(bytes.length, 'sets'), 'sets'),
  }));
  const header: BlockHeader = decodeHeader(raw.header);
  return {
    header,
    commit: decodeCommit(raw.commit, limits),
    ...(raw.sets ? { sets: decodeProvenSets(raw.sets) } : {}),
    headerBytes: raw.header,
    commitBytes: raw.commit,
  };
}
