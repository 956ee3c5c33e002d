import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from './errors';
import { type Config, ConfigSchema, DEFAULTS, ENV_KEYS } from './schema';

/** Where a value came from, for error messages. */
type Source = 'default' | 'config file' | `environment ${string}` | `flag ${string}`;
type Layer = { source: Source; values: Record<string, unknown> };

/** The headless default data dir (Electron passes its userData instead). */
export function defaultDataDir(): string {
  return join(homedir(), '.hotpot');
}

/** Inputs of loadConfig: flag values already parsed into dotted keys, the environment, the data dir default. */
export interface LoadConfigInput {
  /** Dotted keys → values, each with the flag's name, e.g. `{ 'http': [{host,port}, '--http'] }`. */
  flags: Record<string, [unknown, string]>;
  env: NodeJS.ProcessEnv;
  defaultDataDir: string;
}

/**
 * Builds the configuration: defaults ← `<dataDir>/config.json` ← environment ← flags, validated with zod.
 * The data dir is created when missing and must be writable. Any problem throws a ConfigError that names
 * the key, where its value came from, and what is allowed.
 */
export function loadConfig(input: LoadConfigInput): Config {
  const envLayer = readEnv(input.env);
  const flagLayer: Layer[] = Object.entries(input.flags).map(([key, [value, flag]]) => ({
    source: `flag ${flag}`,
    values: setPath({}, key, value),
  }));
  // The data dir decides where the config file is, so resolve it first from flags/env.
  const dataDirRaw =
    (input.flags['dataDir']?.[0] as string | undefined) ??
    (envLayer.find((l) => 'dataDir' in l.values)?.values['dataDir'] as string | undefined) ??
    input.defaultDataDir;
  const dataDir = resolve(dataDirRaw);
  ensureWritableDir(dataDir);
  const layers: Layer[] = [
    { source: 'default', values: { ...structuredClone(DEFAULTS), dataDir } },
    ...readFileLayer(dataDir),
    ...envLayer,
    ...flagLayer,
  ];
  const merged: Record<string, unknown> = {};
  const provenance = new Map<string, Source>();
  for (const layer of layers) deepMerge(merged, layer.values, layer.source, provenance, '');
  merged['dataDir'] = dataDir;
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) throw toConfigError(parsed.error, provenance);
  const cfg = parsed.data;
  if (!isLoopback(cfg.http.host) && !cfg.accessToken) {
    throw new ConfigError(
      'INVALID_CONFIG',
      `config key "http.host" is ${cfg.http.host} (${provenance.get('http.host') ?? 'default'}), which is reachable from the LAN: ` +
        'set "accessToken" (HOTPOT_ACCESS_TOKEN, at least 32 characters) or bind 127.0.0.1',
      { key: 'http.host' },
    );
  }
  if (!cfg.https.certFile !== !cfg.https.keyFile) {
    const missing = cfg.https.certFile ? 'https.keyFile' : 'https.certFile';
    throw new ConfigError(
      'INVALID_CONFIG',
      `config key "${missing}" is missing: an own HTTPS certificate needs both https.certFile and https.keyFile (PEM files); set both, or neither to let the node make its own`,
      { key: missing },
    );
  }
  return cfg;
}

/** Does the gateway serve HTTPS with this configuration (always on a LAN address)? */
export function servesHttps(cfg: Pick<Config, 'http' | 'https'>): boolean {
  return cfg.https.mode === 'always' || !isLoopback(cfg.http.host);
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Parses "HOST:PORT" (IPv6 as "[::1]:PORT"). */
export function parseHostPort(s: string, what: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  if (!m)
    throw new ConfigError('BAD_FLAG', `${what} must be HOST:PORT (e.g. 127.0.0.1:7420), got "${s}"`, {
      value: s,
    });
  return { host: m[1]!, port: Number(m[2]) };
}

function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK | constants.R_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    throw new ConfigError(
      'DATA_DIR_NOT_WRITABLE',
      `data dir ${dir} is not writable (${code}): choose another with --data-dir or fix its permissions`,
      { dataDir: dir, errno: code },
    );
  }
}

function readFileLayer(dataDir: string): Layer[] {
  const file = join(dataDir, 'config.json');
  if (!existsSync(file)) return [];
  let values: unknown;
  try {
    values = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(
      'CONFIG_FILE_UNREADABLE',
      `config file ${file} is not valid JSON: ${(err as Error).message}`,
      { file },
    );
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new ConfigError('CONFIG_FILE_UNREADABLE', `config file ${file} must hold a JSON object`, { file });
  }
  const v = values as Record<string, unknown>;
  if ('dataDir' in v) {
    throw new ConfigError(
      'INVALID_CONFIG',
      `config file ${file} may not set "dataDir" (it is where the file lives)`,
      { key: 'dataDir' },
    );
  }
  return [{ source: 'config file', values: v }];
}

function readEnv(env: NodeJS.ProcessEnv): Layer[] {
  const layers: Layer[] = [];
  for (const [name, { key, parse }] of Object.entries(ENV_KEYS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (parse === 'int') value = /^-?\d+$/.test(raw) ? Number(raw) : raw;
    else if (parse === 'bool')
      value = raw === '1' || raw === 'true' ? true : raw === '0' || raw === 'false' ? false : raw;
    else if (parse === 'list')
      value = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (parse === 'hostport') value = parseHostPort(raw, name);
    layers.push({ source: `environment ${name}`, values: setPath({}, key, value) });
  }
  return layers;
}

function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): Record<string, unknown> {
  const parts = dotted.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Record<string, unknown>;
  cur[parts.at(-1)!] = value;
  return obj;
}

function deepMerge(
  target: Record<string, unknown>,
  src: Record<string, unknown>,
  source: Source,
  prov: Map<string, Source>,
  prefix: string,
): void {
  for (const [k, v] of Object.entries(src)) {
    const path = prefix ? `${prefix}.${k}` : k;
    const isObj = typeof v === 'object' && v !== null && !Array.isArray(v);
    const cur = target[k];
    if (isObj && typeof cur === 'object' && cur !== null && !Array.isArray(cur)) {
      deepMerge(cur as Record<string, unknown>, v as Record<string, unknown>, source, prov, path);
    } else {
      target[k] = isObj ? structuredClone(v) : v;
      markAll(path, v, source, prov);
    }
  }
}

function markAll(path: string, v: unknown, source: Source, prov: Map<string, Source>): void {
  prov.set(path, source);
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    for (const [k, c] of Object.entries(v)) markAll(`${path}.${k}`, c, source, prov);
  }
}

function toConfigError(err: z.ZodError, prov: Map<string, Source>): ConfigError {
  const lines = err.issues.map((issue) => {
    const key = issue.path.join('.') || '(root)';
    let source: Source | undefined;
    for (let i = issue.path.length; i > 0 && !source; i--)
      source = prov.get(issue.path.slice(0, i).join('.'));
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length ? `in "${key}" ` : '';
      return (
        `unknown config key${issue.keys.length > 1 ? 's' : ''} ${where}${issue.keys.map((k) => `"${k}"`).join(', ')}` +
        ` (${prov.get([...issue.path, issue.keys[0]].join('.')) ?? 'config file'})`
      );
    }
    return `config key "${key}" (${source ?? 'default'}): ${issue.message}`;
  });
  return new ConfigError('INVALID_CONFIG', `bad configuration: ${lines.join('; ')}`, {
    issues: err.issues.map((i) => ({ key: i.path.join('.'), message: i.message })),
  });
}
