// The house's layers: which module stands on which floor and what each may import. This table is the
// one source for the layer check (.dependency-cruiser.mjs, run by `npm run lint:layers` and CI), the
// module graph (`npm run graph` → docs/architecture.svg) and docs/architecture.md.
//
// It is an allowlist. A module may import its own files, the modules it names in `may`, Node's
// built-ins only when `builtins` is true, and npm packages only as `packages` says:
//   - a list: exactly those packages (the pure core: a package that is not listed fails, so `pg` or
//     `fastify` cannot slip into the ledger's rules unnoticed);
//   - 'dependencies': any package of package.json's dependencies or optionalDependencies
//     (devDependencies never reach shipped code), except `electron`, which only the hosts and the
//     preload may load.
// `may: 'below'` names every module on a lower floor.

/**
 * @typedef {{ path: string, may: string[], packages: string[] }} PureCore  files of a layer that are pure
 *   although the rest of it is not: they import only what `may` and `packages` name (and each other)
 * @typedef {{ path: string, floor: number, what: string, may: string[] | 'below', builtins: boolean,
 *   packages: string[] | 'dependencies', pure?: boolean, electron?: boolean, core?: PureCore }} Layer
 */

/** @type {Record<string, Layer>} */
export const LAYERS = {
  cli: {
    path: '^main/cli(?:\\.ts$|/)',
    floor: 8,
    what: 'bin/hotpot commands: parse arguments, call the app or a service, print',
    may: 'below',
    builtins: true,
    packages: 'dependencies',
  },
  hosts: {
    path: '^main/hosts/',
    floor: 7,
    what: 'the Electron window and the gateway (fastify: HTTP, WebSocket, the UI) around one composed app',
    may: 'below',
    builtins: true,
    packages: 'dependencies',
    electron: true,
  },
  app: {
    path: '^main/app/',
    floor: 6,
    what: 'the composition root: builds every service, starts them in order, stops them in reverse',
    may: 'below',
    builtins: true,
    packages: 'dependencies',
  },
  renderer: {
    path: '^renderer/',
    floor: 6,
    what: 'the React UI; talks to the node only through the contract',
    may: ['contract', 'common', 'chain'],
    builtins: false,
    packages: ['react', 'react-dom', '@tanstack/react-query', 'qrcode', 'recharts', 'zod'],
  },
  preload: {
    path: '^preload/',
    floor: 6,
    what: "Electron's contextBridge: the typed client built from the contract",
    may: ['contract', 'common'],
    builtins: false,
    packages: [],
    electron: true,
  },
  api: {
    path: '^main/api/',
    floor: 5,
    what: 'the router, handlers and REST routes: contract in, service calls out',
    may: 'below',
    builtins: true,
    packages: 'dependencies',
  },
  node: {
    path: '^main/node/',
    floor: 4,
    what: 'the ledger node: drives chain + consensus with real time, storage and the network',
    may: 'below',
    builtins: true,
    packages: 'dependencies',
  },
  consensus: {
    path: '^main/consensus/',
    floor: 3,
    what: 'PURE: validator scoring and selection, the BFT round machine, evidence, the simulation',
    may: ['chain', 'common'],
    builtins: false,
    packages: ['@noble/curves', '@noble/hashes'],
    pure: true,
  },
  wallet: {
    path: '^main/wallet/',
    floor: 3,
    what: "the store's wallet: BIP39/BIP32 keys, keystore, session, transfers",
    may: ['chain', 'contract', 'common'],
    builtins: true,
    packages: 'dependencies',
    // Keys, keystores, KDFs and the ledger interface are pure; the service, the KDF worker and file I/O are not.
    core: {
      path: '^main/wallet/(?:keys|keystore|kdf|web3-keystore|csv|ledger|address|signer|errors)\\.ts$',
      may: ['chain', 'contract', 'common'],
      packages: ['@noble/ciphers', '@noble/hashes', '@scure/bip32', '@scure/bip39', 'zod'],
    },
  },
  access: {
    path: '^main/access/',
    floor: 3,
    what: 'people, roles and sessions: passwords (scrypt), sign-in throttling, who a session is',
    may: ['store', 'contract', 'common'],
    builtins: true,
    packages: 'dependencies',
  },
  sales: {
    path: '^main/sales/',
    floor: 3,
    what: "the store's sales: POS intake with per-terminal hash chains, the batcher to the chain, the books",
    may: ['store', 'chain', 'contract', 'common'],
    builtins: true,
    packages: 'dependencies',
    // The POS simulator's model of a restaurant's orders is pure (a seed in, the same orders out), and
    // so is what a sale comes to, which the model counts as the intake does.
    core: {
      path: '^main/sales/(?:simulator/|sale-totals\\.ts$)',
      may: ['contract', 'common'],
      packages: ['zod'],
    },
  },
  video: {
    path: '^main/video/',
    floor: 3,
    what: 'cameras: ONVIF, capture workers, face detection, anonymization, recording',
    may: ['native', 'store', 'contract', 'common'],
    builtins: true,
    packages: 'dependencies',
  },
  chain: {
    path: '^main/chain/',
    floor: 2,
    what: 'PURE: the ledger: encoding, hashing, signatures, transactions, the state machine',
    may: ['common'],
    builtins: false,
    packages: ['@noble/curves', '@noble/hashes', 'multiformats', 'zod'],
    pure: true,
  },
  p2p: {
    path: '^main/p2p/',
    floor: 2,
    what: 'libp2p: transports, discovery, gossip, the sync protocol, peer scoring',
    may: ['common'],
    builtins: true,
    packages: 'dependencies',
  },
  config: {
    path: '^main/config/',
    floor: 2,
    what: 'configuration: defaults ← config.json ← environment ← flags, validated',
    may: ['common'],
    builtins: true,
    packages: 'dependencies',
  },
  store: {
    path: '^main/store/',
    floor: 2,
    what: 'SQLite: open with pragmas, numbered migrations, the event store',
    may: ['common'],
    builtins: true,
    packages: 'dependencies',
  },
  native: {
    path: '^native/',
    floor: 2,
    what: 'frame kernels: the N-API addon and its JavaScript twin',
    may: ['common', 'platform'],
    builtins: true,
    packages: 'dependencies',
  },
  contract: {
    path: '^main/contract/',
    floor: 1,
    what: 'PURE: every method and event the UI and integrators use, as zod schemas; the view types',
    may: ['common'],
    builtins: false,
    packages: ['zod'],
    pure: true,
  },
  platform: {
    path: '^main/platform/',
    floor: 1,
    what: "where this build's files are: the app root, built workers",
    may: [],
    builtins: true,
    packages: [],
  },
  common: {
    path: '^main/common/',
    floor: 1,
    what: 'PURE: AppError and the error envelope, Startable, the seeded PRNG',
    may: [],
    builtins: false,
    packages: [],
    pure: true,
  },
};

/** The modules a layer may import, `below` spelled out. */
export function allowedModules(name) {
  const layer = LAYERS[name];
  if (layer.may !== 'below') return layer.may;
  return Object.keys(LAYERS).filter((other) => LAYERS[other].floor < layer.floor);
}

/** The layer a repository path belongs to, or undefined. */
export function layerOf(path) {
  return Object.keys(LAYERS).find((name) => new RegExp(LAYERS[name].path).test(path));
}

/** The package name of a resolved `node_modules/…` path (`@scope/name` or `name`). */
export function packageOf(path) {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return m ? m[1] : undefined;
}
