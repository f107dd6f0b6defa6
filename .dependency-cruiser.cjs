/**
 * The architecture of docs/architecture.md, checked on the real module graph (import, export … from, require(), import(),
 * type-only imports told apart) by `test/architecture/dependency-rules.test.ts` in `npm test`.
 * Run it by hand: `npx depcruise src --config .dependency-cruiser.cjs`.
 *
 * Folders: adapters (web, bus, store, scheduler) talk to the infrastructure; the composition root (app, main.ts)
 * builds and connects; shared and config are used by all; every other folder of src/ is a domain folder (intake,
 * routing, forwarding, triage, cases, helpdesk, reporting, access, audit, validation…, and any new one).
 */
const ADAPTERS = '(web|bus|store|scheduler)';
const ROOT = '(app/|main\\.ts$)';
const NOT_DOMAIN = `^src/(${ADAPTERS}/|${ROOT}|shared/|config/|simulation/)`;
// Matched against the resolved file (node_modules/<package>/…), which is what dependency-cruiser compares.
const INFRASTRUCTURE = '(^|/)node_modules/(express|amqplib|pg|pg-[a-z-]+|@electric-sql/pglite|node-cron|helmet|winston|rate-limiter-flexible)/';

/**
 * The domain folders in layers, low to high: a folder may import its own layer and the layers below, never a
 * higher one (`domain-layers-from-…`, one rule per layer). shared/ is below them all (shared-is-a-leaf). config/
 * reads files and the environment into the domains' own types (helpdesk settings, input limits, the BUC catalogue's rows), so it sits
 * above them: a domain gets its settings at construction and never imports config/ (`domain-not-to-config`).
 * A folder of src/ missing here is not ordered: add it to the layer whose imports it needs.
 */
const DOMAIN_LAYERS = [
  ['audit', 'validation', 'business-time'],
  ['intake'],
  ['routing'],
  ['cases'],
  ['pipeline', 'forwarding', 'triage', 'learning', 'helpdesk', 'rina', 'reporting', 'overview', 'access'],
];
const folders = (layers) => `^src/(${layers.flat().join('|')})/`;
const layerRules = DOMAIN_LAYERS.slice(0, -1).map((layer, i) => ({
  name: `domain-layers-from-${layer[0]}`,
  severity: 'error',
  comment: `A lower domain folder never imports a higher one (types included): ${layer.join(', ')} may not import ${DOMAIN_LAYERS.slice(i + 1).flat().join(', ')}. Move the shared piece down (a port, a type, a rule) instead.`,
  from: { path: folders([layer]) },
  to: { path: folders(DOMAIN_LAYERS.slice(i + 1)) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make the start order and the tests fragile, type-only ones too (they hide a missing layer): break the cycle with a port or a shared type.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'domain-not-to-config',
      severity: 'error',
      comment: 'config/ reads the environment and files into the domains\' types: a domain folder gets its settings at construction and never imports config/ (move the type into the domain).',
      from: { path: '^src/', pathNot: [NOT_DOMAIN] },
      to: { path: '^src/config/' },
    },
    {
      name: 'domain-no-infrastructure',
      severity: 'error',
      comment: 'Domain folders state what they need as interfaces; express, amqplib, pg, PGlite, node-cron, winston… live in the adapters.',
      from: { path: '^src/', pathNot: [NOT_DOMAIN] },
      to: { path: INFRASTRUCTURE },
    },
    {
      name: 'shared-no-infrastructure',
      severity: 'error',
      comment: 'shared/ and config/ are used by every folder: only the logger may hold winston (behind the Logger interface).',
      from: { path: '^src/(shared|config)/', pathNot: '^src/shared/logger\\.ts$' },
      to: { path: INFRASTRUCTURE },
    },
    {
      name: 'domain-not-to-adapters',
      severity: 'error',
      comment: 'Domain code never reaches into an adapter: the adapter implements a port the domain declares. Only the message-bus port (bus/types.ts) may be named, as a type.',
      from: { path: '^src/', pathNot: [NOT_DOMAIN] },
      to: { path: `^src/${ADAPTERS}/`, pathNot: '^src/bus/types\\.ts$' },
    },
    {
      name: 'domain-bus-port-types-only',
      severity: 'error',
      comment: 'Domain code may name the bus port (bus/types.ts) as a type, never import a value of it.',
      from: { path: '^src/', pathNot: [NOT_DOMAIN] },
      to: { path: '^src/bus/types\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'adapters-not-to-each-other',
      severity: 'error',
      comment: 'web/, bus/, store/ and scheduler/ do not import each other, not even types: the composition root (src/app/) connects them through the domains\' ports.',
      from: { path: `^src/${ADAPTERS}/` },
      to: { path: `^src/${ADAPTERS}/`, pathNot: '^src/$1/' },
    },
    {
      name: 'store-no-domain-values',
      severity: 'error',
      comment: 'store/ implements the domains\' ports: it may name their types, not run their code (no rule in SQL files).',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: ['^src/(store|shared|config)/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'nobody-imports-the-composition-root',
      severity: 'error',
      comment: 'src/app/ builds the graph; nothing in src/ (but main.ts) depends on it.',
      from: { path: '^src/', pathNot: `^src/${ROOT}` },
      to: { path: '^src/app/' },
    },
    {
      name: 'shared-is-a-leaf',
      severity: 'error',
      comment: 'shared/ (errors, clock, logger, paging…) depends on no domain, adapter or composition root.',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'simulation-not-shipped',
      severity: 'error',
      comment: 'src/simulation/ is left out of dist (tsconfig.build.json): only the tools and the tests may use it.',
      from: { path: '^src/', pathNot: '^src/simulation/' },
      to: { path: '^src/simulation/' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    exclude: { path: ['\\.d\\.ts$'] },
    moduleSystems: ['cjs', 'es6'],
    // Type-only imports are seen (and told apart) too: `import type` from an adapter is still a dependency.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      mainFields: ['main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
