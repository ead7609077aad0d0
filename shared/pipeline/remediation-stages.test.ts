import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { memoryBreaker } from '../breaker.js';
import type { ClientFactory } from '../clients.js';
import type { ParsedEvent } from '../event.js';
import { defineRemediation, GONE, type Step } from '../remediation.js';
import { defineResourceKind } from '../resource-kind.js';
import { parseSettings } from '../settings.js';
import { type Applied, applyStage } from './apply.js';
import { type Described, describeStage } from './describe.js';
import { guardPlan } from './guard-plan.js';
import { createJob, type Job } from './job.js';
import type { RunMode } from './pipeline-deps.js';
import { type Planned, planStage } from './plan.js';
import { type Findings, isVerdict, type Verdict } from './verdict.js';
import { verifyStage } from './verify.js';

const GROUP = 'sg-0123456789abcdef0';
/** A resource kind of the test's own: groups of doors, with security-group-like ids. */
const DOOR_GROUP = defineResourceKind({
  type: 'Airlock::Test::DoorGroup',
  pattern: '^sg-[0-9a-f]{17}$',
  words: 'a door group id (sg- and 17 hex digits)',
  example: GROUP,
});
const T0 = Date.parse('2026-11-30T10:00:00.000Z');

type DoorStep = Step<{ GroupId: string; Door: string }>;
interface DoorState {
  readonly open: readonly string[];
  readonly busy: boolean;
}

/** Named errors as the SDK throws them (the code is the name). */
const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });

/**
 * A remediation of the same shape as the real ones over an in-memory world (no AWS): a group's open
 * "doors" must be closed, except those the settings keep open; a busy group cannot be changed now.
 */
function doors(open: string[], busy = false) {
  const world = { open: [...open], busy, gone: false, reads: 0, writes: [] as string[] };
  const failures = new Map<string, Error>();
  const readFailures: Error[] = [];
  const remediation = defineRemediation<DoorState, { keepOpen: string[] }, DoorStep>({
    id: 'close-doors',
    title: 'Close doors',
    resourceKind: DOOR_GROUP,
    configRules: {
      managed: [
        {
          identifier: 'DOORS_CLOSED',
          defaultName: 'doors-closed',
          resourceTypes: [DOOR_GROUP.type],
          trigger: 'change',
        },
      ],
    },
    services: ['ec2'],
    iam: {
      read: ['ec2:DescribeDoors'],
      write: ['ec2:CloseDoor'],
      undo: ['ec2:OpenDoor'],
      resources: { 'ec2:DescribeDoors': '*', 'ec2:CloseDoor': '*', 'ec2:OpenDoor': '*' },
    },
    settingsSchema: z.strictObject({ keepOpen: z._default(z.array(z.string()), []) }),
    alreadyDoneErrors: ['Door.NotFound'],
    retryLaterErrors: ['Door.Busy'],
    async describe() {
      world.reads++;
      const failure = readFailures.shift();
      if (failure) throw failure;
      return world.gone ? GONE : { open: [...world.open], busy: world.busy };
    },
    plan(state, settings) {
      const kept = state.open.filter((d) => settings.keepOpen.includes(d));
      const notes = kept.map((d) => `door ${d} is kept open by the settings`);
      const toClose = state.open.filter((d) => !kept.includes(d));
      if (toClose.length === 0) return { kind: 'noop', reason: 'every door is closed', notes };
      if (state.busy) return { kind: 'skip', reason: 'the group is busy', notes };
      return {
        kind: 'steps',
        notes,
        steps: toClose.map((d) => ({
          action: 'ec2:CloseDoor',
          input: { GroupId: GROUP, Door: d },
          reason: `door ${d} is open`,
          before: { door: d },
        })),
      };
    },
    async apply(step) {
      const failure = failures.get(step.input.Door);
      if (failure) throw failure;
      world.writes.push(step.input.Door);
      world.open = world.open.filter((d) => d !== step.input.Door);
      return { $metadata: { httpStatusCode: 200, requestId: 'r-1' }, Closed: step.input.Door };
    },
    targetOf: (step) => step.input.GroupId,
    undo(step) {
      return [{ action: 'ec2:OpenDoor', input: step.input, reason: `undo: reopen door ${step.input.Door}` }];
    },
    summarize: (state) => ({ open: state.open }),
  });
  return { world, failures, readFailures, remediation };
}

const event: ParsedEvent = {
  eventId: 'e-1',
  source: 'aws.config',
  detailType: 'Config Rules Compliance Change',
  time: '2026-11-30T10:00:00Z',
  account: '111122223333',
  region: 'eu-west-2',
  rule: 'doors-closed',
  resourceType: DOOR_GROUP.type,
  resourceId: GROUP,
  complianceType: 'NON_COMPLIANT',
  evaluationTime: '2026-11-30T10:00:00.000Z',
  trigger: 'config',
};

/** No client may be made: the fake remediation never asks for one. */
const noClients = {
  get: () => {
    throw new Error('no AWS client in a unit test');
  },
} as unknown as ClientFactory;

/** The job of the event with the given remediation, settings and mode; a clock that ticks 5 ms a read. */
function jobOf(
  remediation: ReturnType<typeof doors>['remediation'],
  options: { mode?: RunMode; settings?: Record<string, unknown> } = {},
): Job {
  let t = T0;
  return createJob(
    remediation,
    event,
    parseSettings({ allowedAccounts: ['*'], ...options.settings }),
    options.mode ?? 'enforce',
    {
      clients: noClients,
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
      now: () => (t += 5),
    },
  );
}

/** Runs describe and plan, which a test of a later stage needs as its input. */
async function planned(job: Job): Promise<Planned> {
  const described = (await describeStage(job)) as Described;
  const result = planStage(job, described);
  if (isVerdict(result)) throw new Error(`expected steps, got ${result.outcome}`);
  return result;
}

const doneOf = (value: Applied | Verdict): Applied['done'] => {
  if (isVerdict(value)) throw new Error(`expected the steps to apply, got ${value.outcome}`);
  return value.done;
};

const asVerdict = (value: unknown): Verdict => {
  if (!isVerdict(value)) throw new Error('expected a verdict');
  return value;
};

describe('Function: describeStage', () => {
  it('hands on the state read live, what the record keeps of it, and the remediation settings', async () => {
    // Prepare
    const { remediation, world } = doors(['22', '3389']);

    // Act
    const described = await describeStage(
      jobOf(remediation, {
        settings: { remediations: { 'close-doors': { settings: { keepOpen: ['3389'] } } } },
      }),
    );

    // Assess
    expect(described).toEqual({
      state: { open: ['22', '3389'], busy: false },
      settings: { keepOpen: ['3389'] },
      findings: { notes: [], before: { open: ['22', '3389'] } },
    });
    expect(world.reads).toBe(1);
  });

  it('ends NOOP when the resource no longer exists', async () => {
    const { remediation, world } = doors(['22']);
    world.gone = true;
    const verdict = await describeStage(jobOf(remediation));
    expect(verdict).toEqual({
      outcome: 'NOOP',
      reason: 'the resource no longer exists',
      steps: [],
      notes: [],
    });
  });

  it('ends FAILED, with the error, when the read fails', async () => {
    // Prepare
    const { remediation, readFailures } = doors(['22']);
    readFailures.push(awsError('RequestLimitExceeded', 'slow down'));

    // Act
    const verdict = asVerdict(await describeStage(jobOf(remediation)));

    // Assess
    expect(verdict.outcome).toBe('FAILED');
    expect(verdict.reason).toBe('could not read the resource: RequestLimitExceeded: slow down');
    expect(verdict.failure?.cause).toMatchObject({ name: 'RequestLimitExceeded' });
  });

  it('ends FAILED without a read when the remediation settings are invalid', async () => {
    // Prepare
    const { remediation, world } = doors(['22']);
    const job = jobOf(remediation, {
      settings: { remediations: { 'close-doors': { settings: { keepOpen: 'all' } } } },
    });

    // Act
    const verdict = asVerdict(await describeStage(job));

    // Assess
    expect(verdict.outcome).toBe('FAILED');
    expect(verdict.reason).toMatch(/^settings of close-doors are invalid: /);
    expect(world.reads).toBe(0);
  });
});

describe('Function: planStage', () => {
  const describeFor = async (
    open: string[],
    busy = false,
    mode: RunMode = 'enforce',
    keepOpen: string[] = [],
  ) => {
    const { remediation } = doors(open, busy);
    const job = jobOf(remediation, {
      mode,
      settings: { remediations: { 'close-doors': { settings: { keepOpen } } } },
    });
    return { job, described: (await describeStage(job)) as Described };
  };

  it('hands on the steps, as sent and as recorded with their undo, and the plan notes', async () => {
    // Prepare
    const { job, described } = await describeFor(['22', '3389'], false, 'enforce', ['3389']);

    // Act
    const result = planStage(job, described);

    // Assess
    expect(isVerdict(result)).toBe(false);
    const p = result as Planned;
    expect(p.steps).toHaveLength(1);
    expect(p.recorded).toEqual([
      {
        action: 'ec2:CloseDoor',
        api: 'CloseDoor',
        input: { GroupId: GROUP, Door: '22' },
        reason: 'door 22 is open',
        before: { door: '22' },
        undo: [
          {
            action: 'ec2:OpenDoor',
            api: 'OpenDoor',
            input: { GroupId: GROUP, Door: '22' },
            reason: 'undo: reopen door 22',
          },
        ],
        result: 'planned',
      },
    ]);
    expect(p.findings).toEqual({
      notes: ['door 3389 is kept open by the settings'],
      before: { open: ['22', '3389'] },
    });
  });

  it('ends NOOP with the plan reason and notes when nothing is to be done', async () => {
    const { job, described } = await describeFor(['3389'], false, 'enforce', ['3389']);
    expect(planStage(job, described)).toMatchObject({
      outcome: 'NOOP',
      reason: 'every door is closed',
      notes: ['door 3389 is kept open by the settings'],
      before: { open: ['3389'] },
    });
  });

  it('ends FAILED (retried) in enforce mode when the plan cannot act now, PLANNED in the other modes', async () => {
    // Prepare
    const enforce = await describeFor(['22'], true, 'enforce');
    const dryRun = await describeFor(['22'], true, 'dry-run');

    // Act
    const failed = asVerdict(planStage(enforce.job, enforce.described));
    const plannedOnly = asVerdict(planStage(dryRun.job, dryRun.described));

    // Assess
    expect(failed).toMatchObject({
      outcome: 'FAILED',
      reason: 'cannot act now: the group is busy',
      failure: { cause: undefined },
    });
    expect(plannedOnly).toMatchObject({
      outcome: 'PLANNED',
      reason: 'cannot act now: the group is busy',
      steps: [],
    });
    expect(plannedOnly.failure).toBeUndefined();
  });
});

describe('Function: guardPlan', () => {
  const register = (entries: unknown[]) => ({ load: async () => entries });
  const exemption = {
    id: 'EX-1',
    resourceId: GROUP,
    reason: 'door 22 is the bastion',
    approvedBy: 'secops-lead@example.com',
    expires: new Date(T0 + 86_400_000).toISOString(),
  };
  const withRegister = { settings: { exemptions: { parameter: '/airlock/exemptions' } } };

  it('clears the steps in enforce mode and counts them against the blast radius', async () => {
    // Prepare
    const { remediation } = doors(['22', '80']);
    const job = jobOf(remediation);
    const breaker = memoryBreaker(() => ({ maxWrites: 5, windowSeconds: 300 }));
    const p = await planned(job);

    // Act
    const cleared = await guardPlan(job, p, { breaker });

    // Assess
    expect(cleared).toEqual(p.findings);
    expect((await breaker.status())[0]).toMatchObject({
      remediation: 'close-doors',
      account: '111122223333',
      count: 2,
    });
  });

  it.each<[RunMode, string]>([
    ['dry-run', 'dry-run mode: 1 step(s) planned, nothing written'],
    ['plan', 'plan mode: 1 step(s) planned, nothing written'],
  ])('ends PLANNED in %s mode without counting', async (mode, reason) => {
    // Prepare
    const { remediation } = doors(['22']);
    const job = jobOf(remediation, { mode });
    const breaker = memoryBreaker(() => ({ maxWrites: 5, windowSeconds: 300 }));
    const p = await planned(job);

    // Act
    const verdict = asVerdict(await guardPlan(job, p, { breaker }));

    // Assess
    expect(verdict).toMatchObject({ outcome: 'PLANNED', reason, steps: p.recorded });
    expect(await breaker.status()).toEqual([]);
  });

  it('ends SUPPRESSED, nothing run, when the breaker is open', async () => {
    // Prepare
    const { remediation } = doors(['22', '80']);
    const job = jobOf(remediation);
    const breaker = memoryBreaker(() => ({ maxWrites: 1, windowSeconds: 300 }));
    const p = await planned(job);

    // Act
    const verdict = asVerdict(await guardPlan(job, p, { breaker }));

    // Assess
    expect(verdict.outcome).toBe('SUPPRESSED');
    expect(verdict.reason).toBe(
      'blast-radius breaker is open for close-doors in 111122223333 (2 writes in the window, limit 20): an operator must reset it',
    );
    expect(verdict.steps.map((s) => s.result)).toEqual(['not-run', 'not-run']);
  });

  it('ends FAILED, the steps still planned, when the breaker cannot be read', async () => {
    // Prepare
    const { remediation } = doors(['22']);
    const job = jobOf(remediation);
    const breaker = {
      ...memoryBreaker(() => ({ maxWrites: 5, windowSeconds: 300 })),
      admit: async () => Promise.reject(awsError('ProvisionedThroughputExceededException', 'busy')),
    };
    const p = await planned(job);

    // Act
    const verdict = asVerdict(await guardPlan(job, p, { breaker }));

    // Assess
    expect(verdict.reason).toBe(
      'the blast-radius counter could not be read: ProvisionedThroughputExceededException: busy',
    );
    expect(verdict.steps.map((s) => s.result)).toEqual(['planned']);
  });

  it('ends EXEMPT, nothing run nor counted, for a valid exemption, noting ignored ones', async () => {
    // Prepare
    const { remediation } = doors(['22']);
    const job = jobOf(remediation, withRegister);
    const breaker = memoryBreaker(() => ({ maxWrites: 5, windowSeconds: 300 }));
    const p = await planned(job);
    const exemptions = register([{ ...exemption, id: 'EX-0', expires: '2020-01-01T00:00:00Z' }, exemption]);

    // Act
    const verdict = asVerdict(await guardPlan(job, p, { breaker, exemptions }));

    // Assess
    expect(verdict).toMatchObject({
      outcome: 'EXEMPT',
      reason: `exempt until ${exemption.expires} (EX-1, approved by secops-lead@example.com)`,
      exemption: {
        id: 'EX-1',
        reason: exemption.reason,
        approvedBy: exemption.approvedBy,
        expires: exemption.expires,
      },
      notes: ['exemption "EX-0" expired on 2020-01-01T00:00:00Z: ignored'],
    });
    expect(verdict.steps.map((s) => s.result)).toEqual(['not-run']);
    expect(await breaker.status()).toEqual([]);
  });

  it('does not read a register the settings do not name', async () => {
    // Prepare
    const { remediation } = doors(['22']);
    const job = jobOf(remediation);
    let reads = 0;
    const exemptions = {
      load: async () => {
        reads++;
        return [exemption];
      },
    };

    // Act
    const cleared = await guardPlan(job, await planned(job), {
      breaker: memoryBreaker(() => ({ maxWrites: 5, windowSeconds: 300 })),
      exemptions,
    });

    // Assess
    expect(isVerdict(cleared)).toBe(false);
    expect(reads).toBe(0);
  });

  it('acts on an unreadable register (fail closed) and notes it, or stops when the settings say so', async () => {
    // Prepare
    const { remediation } = doors(['22']);
    const unreadable = { load: async () => Promise.reject(awsError('AccessDeniedException')) };
    const breaker = memoryBreaker(() => ({ maxWrites: 5, windowSeconds: 300 }));
    const act = jobOf(remediation, withRegister);
    const stop = jobOf(remediation, {
      settings: { exemptions: { parameter: '/airlock/exemptions', onUnreadable: 'stop' } },
    });

    // Act
    const acting = await guardPlan(act, await planned(act), { breaker, exemptions: unreadable });
    const stopped = asVerdict(
      await guardPlan(stop, await planned(stop), { breaker, exemptions: unreadable }),
    );

    // Assess
    expect((acting as Findings).notes).toEqual([
      'exemption register could not be read (AccessDeniedException): acting, fail closed',
    ]);
    expect(stopped.outcome).toBe('FAILED');
    expect(stopped.reason).toBe(
      'the exemption register could not be read and settings say stop: ExemptionRegisterError: exemption register unreadable',
    );
    expect(stopped.steps.map((s) => s.result)).toEqual(['not-run']);
  });
});

describe('Function: applyStage', () => {
  it('sends each step once, in order, recording its output (no $metadata) and timing', async () => {
    // Prepare
    const { remediation, world } = doors(['22', '80']);
    const job = jobOf(remediation);
    const p = await planned(job);

    // Act
    const applied = await applyStage(job, p, p.findings);

    // Assess
    expect(world.writes).toEqual(['22', '80']);
    const done = doneOf(applied);
    expect(done.map((s) => [s.result, s.output])).toEqual([
      ['applied', { Closed: '22' }],
      ['applied', { Closed: '80' }],
    ]);
    expect(done[0]).toMatchObject({
      durationMs: 5,
      startedAt: expect.stringMatching(/^2026-11-30T10:00:00\.\d{3}Z$/),
    });
  });

  it('counts an "already done" error as done and goes on', async () => {
    // Prepare
    const { remediation, world, failures } = doors(['22', '80']);
    failures.set('22', awsError('Door.NotFound', 'no such door'));
    const job = jobOf(remediation);
    const p = await planned(job);

    // Act
    const applied = await applyStage(job, p, p.findings);

    // Assess
    const done = doneOf(applied);
    expect(done.map((s) => s.result)).toEqual(['already-done', 'applied']);
    expect(done[0]?.error).toEqual({ name: 'Door.NotFound', message: 'no such door' });
    expect(world.writes).toEqual(['80']);
  });

  it('ends FAILED at the first failing step, the rest not run', async () => {
    // Prepare
    const { remediation, world, failures } = doors(['22', '80', '443']);
    failures.set('80', awsError('UnauthorizedOperation', 'denied'));
    const job = jobOf(remediation);
    const p = await planned(job);

    // Act
    const verdict = asVerdict(await applyStage(job, p, p.findings));

    // Assess
    expect(verdict.reason).toBe('step ec2:CloseDoor failed: UnauthorizedOperation: denied');
    expect(verdict.steps.map((s) => s.result)).toEqual(['applied', 'failed', 'not-run']);
    expect(verdict.before).toEqual({ open: ['22', '80', '443'] });
    expect(world.writes).toEqual(['22']);
  });

  it('says "cannot act now" for an error the remediation retries later', async () => {
    const { remediation, failures } = doors(['22']);
    failures.set('22', awsError('Door.Busy', 'in use'));
    const job = jobOf(remediation);
    const p = await planned(job);
    const verdict = asVerdict(await applyStage(job, p, p.findings));
    expect(verdict.reason).toBe('cannot act now: Door.Busy: Door.Busy: in use');
  });
});

describe('Function: verifyStage', () => {
  async function appliedOn(open: string[]) {
    const d = doors(open);
    const job = jobOf(d.remediation);
    const p = await planned(job);
    const applied = await applyStage(job, p, p.findings);
    if (isVerdict(applied)) throw new Error('expected the steps to apply');
    return { ...d, job, applied };
  }

  it('ends APPLIED, verified compliant, when the plan is empty on a new read', async () => {
    // Prepare
    const { job, applied, world } = await appliedOn(['22']);

    // Act
    const verdict = await verifyStage(job, applied);

    // Assess
    expect(verdict).toMatchObject({
      outcome: 'APPLIED',
      reason: '1 step(s) applied, verified compliant',
      verification: { status: 'compliant' },
    });
    expect(world.reads).toBe(2);
  });

  it('ends APPLIED when the resource is gone since', async () => {
    const { job, applied, world } = await appliedOn(['22']);
    world.gone = true;
    expect(await verifyStage(job, applied)).toMatchObject({
      outcome: 'APPLIED',
      reason: '1 step(s) applied; the resource is gone since',
      verification: { status: 'compliant', detail: 'the resource no longer exists' },
    });
  });

  it('ends APPLIED, pending, when the change is still in progress', async () => {
    const { job, applied, world } = await appliedOn(['22']);
    world.open = ['22'];
    world.busy = true;
    expect(await verifyStage(job, applied)).toMatchObject({
      outcome: 'APPLIED',
      reason: '1 step(s) applied; change in progress: the group is busy',
      verification: { status: 'pending', detail: 'the group is busy' },
    });
  });

  it('ends FAILED when steps are still planned after apply, with no error to name', async () => {
    // Prepare: someone opened another door meanwhile
    const { job, applied, world } = await appliedOn(['22']);
    world.open = ['8080'];

    // Act
    const verdict = await verifyStage(job, applied);

    // Assess
    expect(verdict).toMatchObject({
      outcome: 'FAILED',
      reason: 'still non-compliant after apply',
      verification: { status: 'non-compliant', detail: '1 step(s) still planned after apply' },
      failure: { cause: undefined },
    });
    expect(verdict.steps.map((s) => s.result)).toEqual(['applied']);
  });

  it('ends FAILED when the second read fails', async () => {
    const { job, applied, readFailures } = await appliedOn(['22']);
    readFailures.push(awsError('RequestLimitExceeded', 'slow down'));
    const verdict = await verifyStage(job, applied);
    expect(verdict.reason).toBe(
      'could not verify: reading the resource again failed: RequestLimitExceeded: slow down',
    );
    expect(verdict.verification).toBeUndefined();
  });
});
