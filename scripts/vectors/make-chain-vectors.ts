// Writes test/vectors/chain/golden.json. Run from the repo root:
//   node_modules/.bin/esbuild scripts/vectors/make-chain-vectors.ts --bundle --platform=node --format=esm \
//     --packages=external --outfile=.hotpot/make-chain-vectors.mjs && node .hotpot/make-chain-vectors.mjs
import { writeFileSync } from 'node:fs';
import { makeChainVectors } from './chain-vectors';

const out = 'test/vectors/chain/golden.json';
writeFileSync(out, JSON.stringify(makeChainVectors(), null, 2) + '\n');
process.stderr.write(`wrote ${out}\n`);
