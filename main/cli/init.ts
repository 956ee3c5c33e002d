import { resolve } from 'node:path';
import { defaultDataDir } from '../config/load';
import { ensureInitialized, readGenesis } from '../node/init';
import { NodeError } from '../node/errors';
import { parseFlags } from './args';

export const summary = 'make a single-validator development chain: init --dev [--data-dir D] [--block-ms N]';

const HELP = `Usage: bin/hotpot init --dev [--data-dir DIR] [--block-ms N] [--chain-id ID]

Makes a single-validator development chain in DIR (default ~/.hotpot) — what "start" does in an
empty data dir: a validator key (also the HQ and compliance authority, with a balance) encrypted
with a generated password kept in DIR/dev-password (mode 0600, development only), the node's libp2p
identity (DIR/p2p/peer-key), and genesis.json, whose peerIds lists only this node: another node joins
once HQ (this node) registers its peer id ("bin/hotpot franchise register-peer --peer-id ID").

  --dev           required: say that this is a development chain
  --data-dir DIR  where to write it (must not hold a chain already)
  --block-ms N    pause between blocks in ms (default 1000)
  --chain-id ID   chain id (default hotpot-dev)
`;

/** `bin/hotpot init --dev`. */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    argv,
    {
      dev: { type: 'boolean' },
      'data-dir': { type: 'string' },
      'block-ms': { type: 'string' },
      'chain-id': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    'init',
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!values.dev) {
    process.stderr.write(
      'hotpot: init makes development chains only: pass --dev (for a multi-store test network use "testnet init")\n',
    );
    return 2;
  }
  const dataDir = resolve(values['data-dir'] ?? process.env['HOTPOT_DATA_DIR'] ?? defaultDataDir());
  const blockMs = values['block-ms'] === undefined ? undefined : Number(values['block-ms']);
  if (blockMs !== undefined && (!Number.isInteger(blockMs) || blockMs < 0 || blockMs > 3_600_000)) {
    throw new NodeError(
      'BAD_ARGUMENT',
      `--block-ms must be a whole number of milliseconds (0–3600000), got ${values['block-ms']}`,
    );
  }
  const r = await ensureInitialized(dataDir, {
    ...(blockMs !== undefined ? { blockIntervalMs: blockMs } : {}),
    ...(values['chain-id'] ? { chainId: values['chain-id'] } : {}),
  });
  if (!r.created) {
    const g = readGenesis(dataDir);
    process.stderr.write(`hotpot: ${dataDir} already holds chain ${g.chainId}; nothing changed\n`);
    return 1;
  }
  process.stdout.write(
    `Made development chain ${r.chainId} in ${dataDir}\nvalidator ${r.validator}\nStart it with: bin/hotpot start --headless --data-dir ${dataDir}\n`,
  );
  return 0;
}
