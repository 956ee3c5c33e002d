import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Does `path` look like a finished MP4: top-level boxes that tile the whole file exactly, with
 * `ftyp`, `moov` and `mdat` among them? ffmpeg can exit 0 after a write failed while finishing the
 * file (e.g. ENOSPC in the faststart pass), so the recorder checks before it keeps a segment.
 */
export function mp4LooksComplete(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(16);
    const seen = new Set<string>();
    let off = 0;
    while (off < size) {
      if (readSync(fd, head, 0, 16, off) < 8) return false;
      let box = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (box === 1) box = Number(head.readBigUInt64BE(8));
      else if (box === 0) box = size - off;
      if (box < 8 || off + box > size) return false;
      seen.add(type);
      off += box;
    }
    return off === size && seen.has('ftyp') && seen.has('moov') && seen.has('mdat');
  } finally {
    closeSync(fd);
  }
}
