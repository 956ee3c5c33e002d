import { copyFileSync, cpSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../../../main/platform/paths';

/**
 * A copy of the built app whose face model is broken on disk, as on a damaged install: under `dir`,
 * the real dist/main/workers/detector.worker.js (copied, unchanged), `native/` and every package of
 * node_modules linked to the real ones, except @vladmandic/face-api, whose model/ folder is a copy
 * that `breakModel` then damages. Node resolves a bundle's packages from the folders above it, so the
 * worker copy reads this model/ and nothing else changes. Returns the worker file's path.
 *
 * @example const workerFile = brokenModelInstall(dir, (model) => rmSync(join(model, 'tiny_face_detector_model.bin')));
 */
export function brokenModelInstall(dir: string, breakModel: (modelDir: string) => void): string {
  const root = appRoot();
  const realModules = join(root, 'node_modules');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"name":"hotpot-broken-install","private":true,"type":"module"}');
  symlinkSync(join(root, 'native'), join(dir, 'native'));
  const workers = join(dir, 'dist', 'main', 'workers');
  mkdirSync(workers, { recursive: true });
  copyFileSync(
    join(root, 'dist', 'main', 'workers', 'detector.worker.js'),
    join(workers, 'detector.worker.js'),
  );
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@vladmandic', 'face-api'), { recursive: true });
  for (const name of readdirSync(realModules))
    if (name !== '@vladmandic' && name !== '.bin') symlinkSync(join(realModules, name), join(modules, name));
  const realFaceApi = join(realModules, '@vladmandic', 'face-api');
  const faceApi = join(modules, '@vladmandic', 'face-api');
  // package.json is copied: a linked one would resolve to the real package (and its real model/)
  for (const name of readdirSync(realFaceApi))
    if (name === 'package.json') copyFileSync(join(realFaceApi, name), join(faceApi, name));
    else if (name !== 'model') symlinkSync(join(realFaceApi, name), join(faceApi, name));
  // the two detector models only (the package's other models are 7 MB more per copy)
  cpSync(join(realFaceApi, 'model'), join(faceApi, 'model'), {
    recursive: true,
    filter: (src) => !/\.(json|bin)$/.test(src) || /(tiny_face_detector|ssd_mobilenetv1)_model/.test(src),
  });
  breakModel(join(faceApi, 'model'));
  return join(workers, 'detector.worker.js');
}
