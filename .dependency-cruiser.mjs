// The layer check: dependency-cruiser, with rules made from the layer table in scripts/layers.mjs.
// Every import of shipped code (main, native, preload, renderer) must match one `allowed` rule;
// anything else fails `npm run lint:layers` (and so `bin/hotpot test` and CI). See docs/architecture.md.
import { LAYERS, allowedModules } from './scripts/layers.mjs';

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const packagePath = (names) => `^node_modules/(?:${names.map(escape).join('|')})/`;

/** The `allowed` rules of one layer: its own files, the modules it names, built-ins and packages as it says. */
function rulesOf(name) {
  const layer = LAYERS[name];
  const from = { path: layer.path };
  const rules = [{ from, to: { path: [layer.path, ...allowedModules(name).map((m) => LAYERS[m].path)] } }];
  if (layer.builtins) rules.push({ from, to: { dependencyTypes: ['core'] } });
  // Electron is a devDependency (electron-builder bundles its own runtime), loaded by the hosts and the preload alone.
  if (layer.electron) rules.push({ from, to: { path: packagePath(['electron']) } });
  if (layer.packages === 'dependencies') {
    rules.push({
      from,
      to: {
        dependencyTypes: ['npm', 'npm-optional'],
        pathNot: packagePath(['electron']),
      },
    });
    // Type declarations of those packages (and of Node itself) come from @types/*.
    rules.push({
      from,
      to: { path: '^node_modules/@types/', dependencyTypesNot: ['npm-no-pkg', 'npm-unknown'] },
    });
  } else {
    if (layer.packages.length > 0)
      rules.push({
        from,
        to: { dependencyTypes: ['npm', 'npm-optional'], path: packagePath(layer.packages) },
      });
  }
  return rules;
}

/** A layer's pure core (`core` in the table) imports only its own files and what the core names. */
function coreRulesOf(name) {
  const core = LAYERS[name].core;
  if (!core) return [];
  const allowed = [core.path, ...core.may.map((m) => LAYERS[m].path), packagePath(core.packages)];
  return [
    {
      name: `${name}-core-is-pure`,
      comment: `the pure core of ${name} imports only ${[...core.may, ...core.packages].join(', ')} (scripts/layers.mjs)`,
      severity: 'error',
      from: { path: core.path },
      to: { pathNot: allowed },
    },
  ];
}

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  allowed: Object.keys(LAYERS).flatMap(rulesOf),
  allowedSeverity: 'error',
  forbidden: [
    ...Object.keys(LAYERS).flatMap(coreRulesOf),
    {
      name: 'no-unresolvable',
      comment: 'an import that does not resolve: a missing package or a wrong path',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-circular',
      comment: 'files that import each other in a loop: one of them belongs elsewhere',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphan-layer',
      comment: 'a file of shipped code outside every layer of scripts/layers.mjs: add it to a layer',
      severity: 'error',
      from: { pathNot: Object.values(LAYERS).map((l) => l.path) },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^native/build/'] },
    tsConfig: { fileName: 'tsconfig.node.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    skipAnalysisNotInRules: false,
    // node_modules may be a link (the layer test cruises a copy of the tree beside the project's packages).
    preserveSymlinks: true,
  },
};
