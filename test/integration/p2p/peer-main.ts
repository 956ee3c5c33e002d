// Entry of the test peer process: `node peer.mjs '<PeerConfig JSON>'` (bundled by the tests with esbuild).
import { runPeer, type PeerConfig } from './peer';

await runPeer(JSON.parse(process.argv[2] ?? '{}') as PeerConfig);
