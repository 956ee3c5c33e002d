/**
 * Gives the chain the native addon's keccak-256 (`useKeccak256` checks it against noble first).
 * Called where a ledger runs: `NodeService`, the verify worker, the CLI's chain tools. Without the
 * addon (or with HOTPOT_NO_NATIVE=1) the chain keeps noble's JavaScript keccak, which gives the same
 * hashes more slowly.
 */
import { useKeccak256 } from '../chain/bytes';
import { nativeKeccak256 } from '../../native';

let installed: boolean | undefined;

/** Installs the native keccak once per thread; true when it is in use. */
export function installNativeKeccak(): boolean {
  if (installed !== undefined) return installed;
  const impl = nativeKeccak256();
  installed = false;
  if (impl) {
    try {
      useKeccak256(impl);
      installed = true;
    } catch {
      installed = false;
    }
  }
  return installed;
}
