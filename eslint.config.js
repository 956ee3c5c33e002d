// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

// Which modules a file may import is the layer check's job (scripts/layers.mjs, an allowlist run by
// dependency-cruiser). What an import list cannot see is checked here: the pure core reads no clock,
// no randomness and no environment (ARCHITECTURE §2).
const pureRule = {
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

/** Shipped code: a file answers one question (≤ 600 lines), a function does one thing (≤ 80 lines). */
const SHIPPED = ['main/**/*.ts', 'native/**/*.ts', 'preload/**/*.ts', 'renderer/**/*.{ts,tsx}'];
const MAX_FILE_LINES = 600;
const MAX_FUNCTION_LINES = 80;
/**
 * The few places allowed past a limit, each up to its size today (so it cannot grow) and with its
 * reason. This list only ever shrinks.
 */
const SIZE_EXCEPTIONS = [];

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
      'main/contract/**/*.ts',
      'main/common/**/*.ts',
      // the wallet's pure core (scripts/layers.mjs names the same files)
      'main/wallet/{keys,keystore,kdf,web3-keystore,csv,canonical-json,ledger,address,signer,errors}.ts',
      // the POS simulator's model and a sale's totals (scripts/layers.mjs: the sales layer's core)
      'main/sales/simulator/**/*.ts',
      'main/sales/sale-totals.ts',
    ],
    rules: pureRule,
  },
  {
    files: SHIPPED,
    rules: {
      'max-lines': ['error', { max: MAX_FILE_LINES }],
      'max-lines-per-function': ['error', { max: MAX_FUNCTION_LINES }],
    },
  },
  ...SIZE_EXCEPTIONS.map(({ file, rule, max }) => ({ files: [file], rules: { [rule]: ['error', { max }] } })),
  {
    files: ['scripts/**/*.mjs', 'bin/**', '*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
