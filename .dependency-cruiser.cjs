/**
 * The rules between Warden's parts, as `docs/architecture.md` draws them (its table, one
 * rule per line of it). `npm test` runs them (`npm run lint:deps`); a rule that must bend is changed
 * in that document first, with its reason, and here after it.
 */
const LIBS = 'libs/(contracts|ban-policy|runtime|kafka|persistence|http-kit|client)/';
const lib = (...names) => `^libs/(${names.join('|')})/`;
const TEST_OR_BENCH = '\\.(spec|int-spec|e2e-spec)\\.ts$|/bench/';

/** A rule forbidding `from` to import `to`; `comment` is the reason, as the architecture states it. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

module.exports = {
  forbidden: [
    forbid('contracts-imports-no-part', 'contracts are data only: record and HTTP schemas, topic names, versions', { path: lib('contracts') }, { path: `^apps/|${LIBS}`, pathNot: lib('contracts') }),
    forbid('ban-policy-is-pure', 'the policy is pure decisions: contracts only, no Nest, kafkajs, Prisma, pg or I/O', { path: lib('ban-policy'), pathNot: TEST_OR_BENCH }, { path: [`^apps/|${LIBS}`, '^node_modules/(@nestjs|kafkajs|@prisma|pg|prom-client)/', '^(fs|net|http|https|child_process|dgram|fs/promises)$'], pathNot: lib('ban-policy', 'contracts') }),
    // docs/architecture.md: config validates the policy file once, and only the policy library reads one.
    forbid('runtime-is-below-the-kits', 'runtime (config, readiness, metrics, logging, bootstrap) is what every part stands on: it never imports the kits or the apps', { path: lib('runtime') }, { path: `^apps/|${lib('http-kit', 'kafka', 'persistence', 'client')}` }),
    forbid('kafka-knows-no-database-http-or-policy', 'the MessageBus port and its implementations know records, not tables, HTTP or decisions', { path: lib('kafka') }, { path: `^apps/|${lib('persistence', 'http-kit', 'ban-policy', 'client')}` }),
    forbid('persistence-knows-no-bus-or-http', 'repositories and the transaction helper know tables only', { path: lib('persistence'), pathNot: TEST_OR_BENCH }, { path: `^apps/|${lib('kafka', 'http-kit', 'client', 'ban-policy')}` }),
    forbid('http-kit-is-http-only', 'the HTTP kit (guard, client address, problem+json, rate-limit headers, fast routes) never reaches the bus or the database', { path: lib('http-kit') }, { path: `^apps/|${lib('kafka', 'persistence', 'client')}` }),
    forbid('client-is-a-library-for-gateways', 'the gateway library runs in other people\'s processes: the policy and contracts only', { path: lib('client') }, { path: `^apps/|${lib('kafka', 'persistence', 'runtime', 'http-kit')}` }),
    forbid('client-core-has-no-nest', 'Nest is optional for a gateway: only the Nest adapter file imports it', { path: lib('client'), pathNot: '^libs/client/src/adapters/nest\\.ts$' }, { path: '^node_modules/@nestjs/' }),
    forbid('gateway-api-never-touches-the-database', 'the gateway answers from memory and the bus; the database is the engine\'s and the audit\'s', { path: '^apps/gateway-api/' }, { path: lib('persistence', 'client') }),
    forbid('ban-engine-serves-no-api', 'the engine is a stream processor: health and metrics come from runtime, not the HTTP kit', { path: '^apps/ban-engine/' }, { path: lib('http-kit', 'client') }),
    forbid('audit-uses-no-gateway-library', 'the audit app is a server part', { path: '^apps/audit/' }, { path: lib('client') }),
    forbid('cli-speaks-http-only', 'the `warden` command talks to a running Warden through the client library and the contracts', { path: '^apps/cli/' }, { path: `^apps/|${lib('kafka', 'persistence', 'runtime', 'http-kit', 'ban-policy')}`, pathNot: '^apps/cli/' }),
    forbid('console-is-browser-code', 'the console runs in a browser: contracts (types) only', { path: '^apps/console/' }, { path: `^apps/|${LIBS}|^node_modules/(@nestjs|kafkajs|@prisma|pg)/`, pathNot: `^apps/console/|${lib('contracts')}` }),
    forbid('apps-never-import-each-other', 'apps share libs, never behaviour; only apps/warden wires apps together', { path: '^apps/([^/]+)/', pathNot: '^apps/warden/' }, { path: '^apps/', pathNot: '^apps/$1/' }),
    forbid('libs-never-reach-into-apps', 'a lib that only one app uses belongs in that app', { path: '^libs/' }, { path: '^apps/' }),
    forbid('no-database-driver-in-apps', 'each table family has one owner in libs/persistence: apps call repositories, never Prisma, pg or raw SQL', { path: '^apps/' }, { path: ['^node_modules/(@prisma/client|@prisma/adapter-pg|pg)/', '^libs/persistence/src/generated/'] }),
    forbid('no-unresolvable-import', 'an import that does not resolve is a typo or a missing dependency', {}, { couldNotResolve: true }),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/|/generated/|vite\\.config\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { conditionNames: ['types', 'import', 'default'], extensions: ['.ts', '.tsx', '.js', '.d.ts'] },
  },
};
