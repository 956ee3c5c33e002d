/** The live picture of one camera while a view shows it: watched on mount, unwatched on unmount. */
import { useEffect, useState } from 'react';
import { watchLive } from '../../api';

/**
 * An object URL of the camera's latest live JPEG, or null before the first; the camera is watched
 * (and its worker encodes live JPEGs) only while a component using this is mounted with `on`.
 * Each frame's URL is revoked once the next one has replaced it on screen.
 *
 * @example const src = useLiveView(cam.id); return src ? <img src={src} /> : null;
 */
export function useLiveView(cameraId: string, on = true): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!on) return;
    // The URL on screen and the one before it (an <img> may still be loading it when the next comes).
    let shown: string | null = null;
    let previous: string | null = null;
    const stop = watchLive(cameraId, (f) => {
      const next = URL.createObjectURL(new Blob([f.jpeg as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }));
      if (previous) URL.revokeObjectURL(previous);
      previous = shown;
      shown = next;
      setUrl(next);
    });
    return () => {
      stop();
      for (const u of [previous, shown]) if (u) URL.revokeObjectURL(u);
      setUrl(null);
    };
  }, [cameraId, on]);
  return url;
}
