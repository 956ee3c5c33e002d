// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** Modules that must stay pure: no I/O, no clocks, no randomness (ARCHITECTURE §2). */
const IO_MODULES = [
  'node:*',
  'fs',
  'fs/*',
  'net',
  'http',
  'https',
  'child_process',
  'worker_threads',
  'os',
  'path',
  'crypto',
  'electron',
  'better-sqlite3',
  'libp2p',
  '@libp2p/*',
  '@chainsafe/*',
  '@tensorflow/*',
  'pino',
  'ws',
];
const pureRule = {
  'no-restricted-imports': [
    'error',
    { patterns: [{ group: IO_MODULES, message: 'this folder is pure: pass I/O in as an argument' }] },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'pure code takes time as an input' },
    { name: 'setInterval', message: 'pure code takes time as an input' },
    { name: 'process', message: 'pure code does not read the environment' },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'pure code takes time as an input' },
    { object: 'Math', property: 'random', message: 'pure code takes randomness as an input' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.hotpot/**', 'native/build/**', 'release/**', 'test/.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: [
      'main/chain/**/*.ts',
      'main/consensus/**/*.ts',
      'main/api/contract/**/*.ts',
      'main/common/**/*.ts',
      // the wallet's pure parts (the service, the KDF worker and file I/O are not)
      'main/wallet/{keys,keystore,kdf,web3-keystore,csv,canonical-json,ledger,address,signer}.ts',
    ],
    rules: pureRule,
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**', '*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
