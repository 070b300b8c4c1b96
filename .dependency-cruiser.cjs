/**
 * The layers of the code base, and the one direction their imports may point:
 *   protocol ← server/core ← server/<domain> ← graphql ← server/http (the composition root)
 * The seed, the benchmarks and the tests sit on top and may use any layer.
 * The widget and the pages speak to the server only over the wire, so they import protocol/
 * (and the pages the generated client types), never server code. Run by `npm run check`.
 */
const DOMAIN = '^server/(assets|audit|auth|chat|recording|sessions|settings|supervision|users|webhooks|limits|observability)/';
const CORE = '^server/core/';
const GRAPHQL = '^graphql/';
const HTTP = '^server/(http/|main[.]ts$|start-server[.]ts$)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Two modules that import each other are one module in two files.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'protocol-stands-alone',
      severity: 'error',
      comment: 'protocol/ is shared by the browser and the server: it imports nothing of ours.',
      from: { path: '^protocol/' },
      to: { path: '^(server|graphql|app|widget|prisma|bench|test)/' },
    },
    {
      name: 'core-imports-only-protocol',
      severity: 'error',
      comment: 'The core (errors, config, database, pub/sub) knows no domain and no transport.',
      from: { path: CORE },
      to: { path: '^(server/(?!core/)|graphql/|app/|widget/|bench/|test/|prisma/seed)' },
    },
    {
      name: 'domain-below-graphql',
      severity: 'error',
      comment: 'Domain modules are transport-free: GraphQL and HTTP call them, never the reverse.',
      from: { path: DOMAIN },
      to: { path: '^(graphql/|server/(http/|main[.]ts|start-server[.]ts)|app/|widget/|bench/|test/|prisma/seed)' },
    },
    {
      name: 'graphql-below-http',
      severity: 'error',
      comment: 'Resolvers do not know which transport carries them.',
      from: { path: GRAPHQL },
      to: { path: `${HTTP}|^(app|widget|bench|test)/` },
    },
    {
      name: 'clients-speak-protocol',
      severity: 'error',
      comment: 'The widget and the pages reach the server over the wire only.',
      from: { path: '^(widget|app)/' },
      to: { path: '^(server/|prisma/|bench/|test/|graphql/(?!generated/client/))' },
    },
    {
      name: 'bench-uses-only-the-harness',
      severity: 'error',
      comment: 'Benchmarks share the browser and server harness of test/support, never a test file.',
      from: { path: '^bench/' },
      to: { path: '^test/(?!support/)' },
    },
    {
      name: 'prisma-tools-stand-alone',
      severity: 'error',
      comment: 'Schema and migration tools run before any server code exists.',
      from: { path: '^prisma/tools/' },
      to: { path: '^(server|graphql|app|widget|bench|test)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|[.]next|dist|generated)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
  },
};
