import { AppError } from './common/errors';
import { COMMANDS } from './cli/index';
import { VERSION } from './app/version';
import { createFilesPrivately } from './platform/private-files';

/** `bin/hotpot <command> …`: dispatches to main/cli/<command>.ts. */
async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    const lines = await Promise.all(
      Object.entries(COMMANDS).map(async ([name, load]) => `  ${name.padEnd(10)} ${(await load()).summary}`),
    );
    process.stdout.write(
      `Hot Pot Spot Node ${VERSION}\n\nUsage: bin/hotpot <command> [options]\n\nCommands:\n  setup      install dependencies and build (idempotent)\n  test       run every check and test\n${lines.join('\n')}\n\nRun bin/hotpot <command> --help for a command's options.\n`,
    );
    return 0;
  }
  if (cmd === '--version' || cmd === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[cmd];
  if (!load) {
    process.stderr.write(
      `hotpot: unknown command "${cmd}" (known: setup, test, ${Object.keys(COMMANDS).join(', ')})\n`,
    );
    return 2;
  }
  return (await load()).run(rest);
}

createFilesPrivately();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof AppError) process.stderr.write(`hotpot: ${err.message}\n`);
    else
      process.stderr.write(
        `hotpot: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    process.exitCode = 1;
  },
);
