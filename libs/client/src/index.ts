/**
 * @warden/client — the gateway library (DESIGN §1, §3): `check` from a local cache fed by the
 * decision stream, `report` in batches, `verdict`. No Nest here: the adapters are
 * `#warden/client/fastify`, `#warden/client/express` and `#warden/client/nest`.
 */
export {
  WardenClient,
  type WardenClientOptions,
  type UnavailableMode,
  type CheckQuery,
  type ClientState,
  type ClientCounters,
  type Verdict,
} from './warden-client.js';
export type { CheckResult, CheckSource } from './check-result.js';
export type { StreamState } from './decision-stream-follower.js';
export { WardenRefusedError, WardenUnavailableError, type WardenEndpoint } from './warden-http.js';
export { gateDecisionOf, refusalOf, type GateDecision, type LoginCredentials, type LoginGateOptions, type Refusal } from './login-gate.js';
export * from './policy-files.js';
