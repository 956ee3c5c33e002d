import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateKeyPair, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { type Genesis, genesisToJson, parseGenesis } from '../chain/genesis';
import { privateKeyToAddress } from '../chain/keys';
import { DEFAULT_PARAMS } from '../chain/params';
import type { Address } from '../chain/types';
import { NodeError } from '../node/errors';
import { newPrivateKey, writeGenesis } from '../node/init';
import { writeDevPassword, writeValidatorKey } from '../node/validator-key';
import { parseFlags } from './args';
import { freeTcpPorts, freeTcpPortsFrom } from '../node/ports';

export const summary =
  'write a local test network: testnet init --validators N [--observers K] --out DIR [--peers]';

/** The first libp2p port (the node's default) and the first API port given to the testnet's nodes. */
const P2P_BASE = 4510;
const HTTP_BASE = 7420;

const HELP = `Usage: bin/hotpot testnet init --validators N [--observers K] --out DIR [--peers] [--chain-id ID] [--block-ms N]

Writes DIR/node0 … DIR/node{N+K-1} (validators first, then observers) with keys, one shared
genesis.json and a config.json, like "cometbft testnet". Validator keys are encrypted with
HOTPOT_PASSWORD when it is set, else with a generated password in each node's dev-password file
(development only).

Every node gets its own ports, so all of them can run on one computer: node I listens for peers on
0.0.0.0:${P2P_BASE}+I and serves its API on 127.0.0.1:${HTTP_BASE}+I (ports busy when init runs are skipped; the
output names the ones chosen). Without --peers the nodes find each other by mDNS, on one computer or
on several of a LAN (copy DIR/nodeI to computer I). The output prints the command for each node, e.g.
  bin/hotpot start --headless --data-dir DIR/node0 --http 127.0.0.1:${HTTP_BASE}

  --validators N  validators (1–64)
  --observers K   non-validating nodes that follow the chain (default 0)
  --out DIR       output folder (must not hold node folders already)
  --peers         listen on free 127.0.0.1 ports instead, with a static peer list of the others
                  (config.json network.staticPeers; mDNS off): one computer, no multicast needed
  --chain-id ID   chain id (default hotpot-testnet)
  --block-ms N    pause between blocks in ms (default 1000)
`;

const REGIONS = ['north', 'south', 'east', 'west', 'center'];

/** What `testnet init` was asked to write. */
interface InitRequest {
  validators: number;
  observers: number;
  blockMs: number;
  out: string;
  peers: boolean;
  chainId: string;
}

/** `bin/hotpot testnet init …`. */
export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || sub === undefined) {
    process.stdout.write(HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'init') {
    process.stderr.write(`hotpot: unknown testnet subcommand "${sub}" (known: init)\n`);
    return 2;
  }
  const req = parseInit(rest);
  if (req === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const { validators: n, observers: k } = req;
  const keys = Array.from({ length: n }, () => newPrivateKey());
  const addrs = keys.map((key) => privateKeyToAddress(key));
  const total = n + k;
  const peerKeys = await Promise.all(Array.from({ length: total }, () => generateKeyPair('Ed25519')));
  // --peers: loopback ports the kernel picks; else neighbouring ones from the default, on every interface.
  const ports = req.peers ? await freeTcpPorts(total) : await freeTcpPortsFrom(P2P_BASE, total, '0.0.0.0');
  const httpPorts = await freeTcpPortsFrom(HTTP_BASE, total, '127.0.0.1');
  const password = process.env['HOTPOT_PASSWORD'] || undefined; // an empty variable counts as unset
  // Only the testnet's own nodes may connect: their peer ids are the genesis's peerIds.
  const peerIds = peerKeys.map((key) => peerIdFromPrivateKey(key).toString());
  const genesis = testnetGenesis(addrs, req.chainId, req.blockMs, peerIds);
  for (let i = 0; i < total; i++) {
    const dir = join(req.out, `node${i}`);
    mkdirSync(join(dir, 'p2p'), { recursive: true, mode: 0o700 });
    writeGenesis(dir, genesis);
    writeFileSync(join(dir, 'p2p', 'peer-key'), privateKeyToProtobuf(peerKeys[i] as PeerKey), {
      mode: 0o600,
    });
    if (i < n) await writeValidatorKey(dir, keys[i] as Uint8Array, password ?? writeDevPassword(dir));
    writeNodeConfig(dir, i, req.peers, ports, httpPorts[i] as number, peerKeys);
  }
  for (const key of keys) key.fill(0);
  process.stdout.write(
    `Wrote ${n} validator${n === 1 ? '' : 's'} and ${k} observer${k === 1 ? '' : 's'} of chain ${genesis.chainId} to ${req.out}/node0…node${total - 1}\n`,
  );
  const host = req.peers ? '127.0.0.1' : '0.0.0.0';
  for (let i = 0; i < total; i++)
    process.stdout.write(
      `node${i} ${i < n ? `validator ${addrs[i]}` : 'observer'} listens for peers on ${host}:${ports[i]}, API on 127.0.0.1:${httpPorts[i]}\n`,
    );
  process.stdout.write(
    req.peers
      ? 'Start each node in its own terminal on this computer:\n'
      : 'Start each node in its own terminal, all on this computer or each on a computer of the LAN (with its nodeI folder):\n',
  );
  for (let i = 0; i < total; i++)
    process.stdout.write(
      `  bin/hotpot start --headless --data-dir ${join(req.out, `node${i}`)} --http 127.0.0.1:${httpPorts[i]}\n`,
    );
  return 0;
}

type PeerKey = Awaited<ReturnType<typeof generateKeyPair>>;

/** Reads and checks `testnet init`'s flags ('help' for --help). */
function parseInit(argv: string[]): InitRequest | 'help' {
  const { values } = parseFlags(
    argv,
    {
      validators: { type: 'string' },
      observers: { type: 'string' },
      out: { type: 'string' },
      peers: { type: 'boolean' },
      'chain-id': { type: 'string' },
      'block-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    'testnet init',
  );
  if (values.help) return 'help';
  const n = Number(values.validators);
  const k = Number(values.observers ?? '0');
  const blockMs = Number(values['block-ms'] ?? '1000');
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new NodeError('BAD_ARGUMENT', `--validators must be 1–64, got ${values.validators ?? '(missing)'}`);
  if (!Number.isInteger(k) || k < 0 || k > 64)
    throw new NodeError('BAD_ARGUMENT', `--observers must be 0–64, got ${values.observers}`);
  if (!Number.isInteger(blockMs) || blockMs < 0)
    throw new NodeError('BAD_ARGUMENT', `--block-ms must be a whole number ≥ 0, got ${values['block-ms']}`);
  if (!values.out) throw new NodeError('BAD_ARGUMENT', '--out DIR is required');
  return {
    validators: n,
    observers: k,
    blockMs,
    out: resolve(values.out),
    peers: values.peers === true,
    chainId: values['chain-id'] ?? 'hotpot-testnet',
  };
}

/**
 * The shared genesis: every validator staked and funded, validator 0 the HQ and compliance authority,
 * and every node's libp2p peer id in `peerIds` (no other peer may connect until HQ registers it).
 */
function testnetGenesis(addrs: Address[], chainId: string, blockMs: number, peerIds: string[]): Genesis {
  const params = { ...DEFAULT_PARAMS, timeouts: { ...DEFAULT_PARAMS.timeouts, commitMs: blockMs } };
  return parseGenesis(
    genesisToJson({
      chainId,
      genesisTimeMs: Date.now(),
      hqAuthority: addrs[0] as `0x${string}`,
      complianceAuthority: addrs[0] as `0x${string}`,
      validators: addrs.map((address, i) => ({
        address,
        stake: params.minStake * 10n,
        region: REGIONS[i % REGIONS.length] as string,
      })),
      balances: addrs.map((address) => ({ address, amount: 1_000_000_000_000n })),
      params,
      peerIds,
    }),
  );
}

/**
 * Node `i`'s config.json: its own listen port and API port (so the nodes of one computer do not
 * collide). With `peers`, it listens on loopback and names every other node as a static peer (mDNS
 * off); without, it listens on every interface and finds the others by mDNS.
 */
function writeNodeConfig(
  dir: string,
  i: number,
  peers: boolean,
  ports: number[],
  httpPort: number,
  peerKeys: PeerKey[],
): void {
  const addr = (j: number) =>
    `/ip4/127.0.0.1/tcp/${ports[j]}/p2p/${peerIdFromPrivateKey(peerKeys[j] as PeerKey).toString()}`;
  const network = peers
    ? {
        listen: [`/ip4/127.0.0.1/tcp/${ports[i]}`],
        staticPeers: Array.from({ length: peerKeys.length }, (_, j) => j)
          .filter((j) => j !== i)
          .map(addr),
        mdns: false,
      }
    : { listen: [`/ip4/0.0.0.0/tcp/${ports[i]}`], mdns: true };
  const config = { http: { host: '127.0.0.1', port: httpPort }, network };
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
}
