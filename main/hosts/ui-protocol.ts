import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './security';

/** The scheme the Electron window loads the UI from (registered as standard and secure before the app is ready). */
export const UI_SCHEME = 'hotpot';
/** The origin of the window's pages: frames from here alone may call the node over IPC. */
export const UI_ORIGIN = `${UI_SCHEME}://app`;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * The answer to one request of the window's custom protocol (`protocol.handle`): a file of the built
 * renderer with the same CSP the gateway sends, `index.html` for a path without an extension (a
 * single-page app), 404 for anything else, and 403 for a path that would leave the folder. Only the
 * `app` host exists. Used instead of `file://`, as Electron's security checklist asks.
 */
export async function uiResponse(rendererDir: string, url: string): Promise<Response> {
  const u = new URL(url);
  if (`${u.protocol}//${u.host}` !== UI_ORIGIN) return text(404, 'not found');
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return text(400, 'bad path');
  }
  const root = normalize(rendererDir);
  let file = normalize(join(root, path === '/' ? 'index.html' : path));
  if (!file.startsWith(root + sep)) return text(403, 'forbidden');
  if (!(await isFile(file))) {
    if (extname(path)) return text(404, 'not found');
    file = join(root, 'index.html');
    if (!(await isFile(file))) return text(503, 'the UI is not built: run bin/hotpot setup');
  }
  return new Response(new Uint8Array(await readFile(file)), {
    status: 200,
    headers: {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}
