/**
 * Credentials out of text. Every text that comes from a camera or from ffmpeg (an error's tail, a
 * SOAP fault, a status) passes through {@link redactCredentials} before it reaches a status, an
 * event, the API or a log: ffmpeg prints its input URL, `rtsp://user:password@host/…`, in its errors.
 */

/** What stands where a credential was. */
export const REDACTED = '***';

/** A secret shorter than this is only removed where it stands in a URL (a shorter one would wreck plain words). */
export const MIN_LITERAL_SECRET_CHARS = 4;

// scheme://userinfo@ — the userinfo ends at the last "@" before the host (it may hold ":" and
// percent-escapes, never "/", "?", "#" or white space).
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"<>]*(?:@[^\s/?#@'"<>]*)*@/gi;

/**
 * `text` with the user name and password of every URL in it replaced by {@link REDACTED}, and every
 * one of `secrets` of at least {@link MIN_LITERAL_SECRET_CHARS} characters replaced wherever it
 * stands, as given or percent-encoded (as it stands in a URL).
 *
 * @example redactCredentials('rtsp://admin:hunter2@10.0.0.5/cam: Connection refused')
 * // → 'rtsp://***@10.0.0.5/cam: Connection refused'
 */
export function redactCredentials(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(URL_USERINFO, `$1${REDACTED}@`);
  for (const s of secrets) {
    if (s.length < MIN_LITERAL_SECRET_CHARS) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join(REDACTED);
  }
  return out;
}
