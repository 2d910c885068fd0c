/**
 * The architecture, as rules (docs/ARCHITECTURE.md draws them). `npm run lint` fails on any violation.
 *   kernel   ← imports nothing of ours
 *   storage  ← kernel
 *   modules  ← kernel, storage helpers, http's route kit (http/index.ts), other modules' index.ts
 *   http     ← kernel
 *   app      ← everything (composes the Database type, the registry, serve, init, demo)
 *   cli      ← app, kernel, http's kit, modules' index.ts
 * Type-only imports count: a cycle of types is still a cycle.
 */
const notTests = '\\.test\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'kernel-imports-nothing-of-ours',
      comment: 'The kernel holds the module contract, the pipeline, the errors and keys; it knows no feature.',
      severity: 'error',
      from: { path: '^src/kernel/', pathNot: notTests },
      to: { path: '^src/(?!kernel/)' },
    },
    {
      name: 'storage-imports-only-kernel',
      comment: 'Storage is the database port: dialects, migrations runner, transactions. It knows no module.',
      severity: 'error',
      from: { path: '^src/storage/', pathNot: notTests },
      to: { path: '^src/(?!kernel/|storage/)' },
    },
    {
      name: 'module-imports-no-app-cli-or-simulator',
      comment: 'A module gets a ModuleContext from app/; it never reaches back into app/ or cli/.',
      severity: 'error',
      from: { path: '^src/modules/', pathNot: notTests },
      to: { path: '^src/(app|cli|simulate)/' },
    },
    {
      name: 'module-imports-only-public-surfaces',
      comment: "Between modules only through the other module's index.ts.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/', pathNot: notTests },
      to: { path: '^src/modules/([^/]+)/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'module-holds-no-writable-database',
      comment:
        'Writes go through CommandContext.tx only: modules never import the Storage handle, its transactions ' +
        'or the composed Database type (declared writers get a runner from ModuleContext.writer).',
      severity: 'error',
      from: { path: '^src/modules/', pathNot: notTests },
      to: { path: '^src/(storage/(storage|open|sqlite|postgres|migrations)\\.ts|app/database\\.ts)$' },
    },
    {
      name: 'http-kit-only',
      comment: 'Modules and the CLI use http/ only through its route kit, http/index.ts.',
      severity: 'error',
      from: { path: '^src/(modules|cli)/', pathNot: notTests },
      to: { path: '^src/http/', pathNot: '^src/http/index\\.ts$' },
    },
    {
      name: 'http-imports-only-kernel',
      comment: 'The HTTP layer is built from a HttpHost that app/ composes; it imports no module and no app.',
      severity: 'error',
      from: { path: '^src/http/', pathNot: notTests },
      to: { path: '^src/(?!kernel/|http/)' },
    },
    {
      name: 'cli-imports-no-module-internals',
      comment: 'The CLI uses modules through their index.ts, like any other client.',
      severity: 'error',
      from: { path: '^src/cli/', pathNot: notTests },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'no-cycles',
      comment: 'No import cycle, type-only included.',
      severity: 'error',
      from: { path: '^src/', pathNot: notTests },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|web|test|bench)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
