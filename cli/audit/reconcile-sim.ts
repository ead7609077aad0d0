import { CliError, ExitCode } from '../errors.js';
import { cloudTrailEventFor } from '../sim/cloudtrail.js';
import { loadSimState, SimStateError } from '../sim/index.js';

/**
 * The role every call to the simulated account is made with (its `sts:GetCallerIdentity` answers
 * `assumed-role/airlock-simulated/airlock`): one of airlock's roles for `--role-prefix airlock-`. A write
 * made with `SimulatedCloud.actingAs` names its own role instead.
 */
export const SIM_CALLER = { roleName: 'airlock-simulated', sessionName: 'airlock', sourceIp: '127.0.0.1' };

/**
 * The CloudTrail events of a simulated account's state file: each write of its change log (kept
 * across the replays, rollbacks and demos that saved it), rendered as CloudTrail records it
 * (`cloudTrailEventFor`). Writes of services CloudTrail events are not rendered for (DynamoDB, SSM)
 * are left out: no remediation step calls them.
 *
 * @example
 * ```ts
 * const events = simTrailEvents('account.json'); // [{ 'detail-type': 'AWS API Call via CloudTrail', … }]
 * ```
 */
export function simTrailEvents(path: string): unknown[] {
  let state: ReturnType<typeof loadSimState>;
  try {
    state = loadSimState(path);
  } catch (error) {
    const message = error instanceof SimStateError ? error.message : (error as Error).message;
    throw new CliError(`${path}: ${message}`, ExitCode.BAD_INPUT, { cause: error });
  }
  return state.changeLog.flatMap((change, i) => {
    const caller = {
      roleArn: change.caller ?? `arn:aws:iam::${change.account}:role/${SIM_CALLER.roleName}`,
      sessionName: SIM_CALLER.sessionName,
      sourceIp: SIM_CALLER.sourceIp,
    };
    const event = cloudTrailEventFor(change, caller, i);
    return event ? [event] : [];
  });
}
