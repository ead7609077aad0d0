import { CliError } from '../errors.js';
import { simTarget } from './sim-target.js';
import { type AwsTargetOptions, awsTarget, type Target } from './target.js';

/** The options that say where a command acts: the simulated account, or AWS and how to reach it. */
export interface TargetFlags extends AwsTargetOptions {
  readonly simState?: string;
}

/** Target options that contradict each other: bad input (exit 2) before anything starts. */
export function checkTargetFlags(flags: TargetFlags): void {
  if (flags.simState && (flags.endpointUrl || flags.profile || flags.roleArn)) {
    throw new CliError(
      '--sim-state acts on the simulated account: drop --endpoint-url, --profile and --role-arn',
    );
  }
  if (flags.roleArn && flags.assumeRoleName)
    throw new CliError('choose one of --role-arn and --assume-role-name');
}

/**
 * The simulated account of `--sim-state` (its local DynamoDB only when `dynamodb`; saved to `simOut`
 * when given), else AWS through the SDK's credential chain, a role, or an AWS-compatible endpoint.
 */
export async function openTarget(
  flags: TargetFlags,
  sim: { readonly dynamodb: boolean; readonly simOut?: string },
): Promise<Target> {
  const roles = {
    ...(flags.assumeRoleName ? { assumeRoleName: flags.assumeRoleName } : {}),
    ...(flags.externalId ? { externalId: flags.externalId } : {}),
  };
  if (flags.simState) return simTarget(flags.simState, sim.simOut, roles, { dynamodb: sim.dynamodb });
  return awsTarget({
    ...(flags.region ? { region: flags.region } : {}),
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(flags.endpointUrl ? { endpointUrl: flags.endpointUrl } : {}),
    ...(flags.roleArn ? { roleArn: flags.roleArn } : {}),
    ...roles,
  });
}
