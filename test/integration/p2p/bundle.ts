import { join } from 'node:path';
import { appRoot } from '../../../main/platform/paths';
import { bundleScript } from '../../helpers/bundle';

/** Bundles the test peer into test/.tmp and returns its path. */
export function bundlePeer(): Promise<string> {
  return bundleScript(join(appRoot(), 'test', 'integration', 'p2p', 'peer-main.ts'), {
    outName: 'p2p-peer.mjs',
  });
}
