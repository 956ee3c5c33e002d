/**
 * The commands of `bin/hotpot`. Each module exports `run(argv): Promise<number>` (the exit code)
 * and a one-line `summary`. Add a command with one line here.
 */
export interface CommandModule {
  run(argv: string[]): Promise<number>;
  summary: string;
}

export const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  start: () => import('./start'),
  bench: () => import('./bench'),
  init: () => import('./init'),
  testnet: () => import('./testnet'),
  wallet: () => import('./wallet'),
  video: () => import('./video'),
  sim: () => import('./sim'),
  users: () => import('./users'),
  audit: () => import('./audit'),
  franchise: () => import('./franchise'),
  pos: () => import('./pos'),
  royalty: () => import('./royalty'),
  sales: () => import('./sales'),
};
