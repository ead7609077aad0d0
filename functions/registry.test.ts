import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent } from '../cli/events/sample.js';
import { SimulatedCloud } from '../cli/sim/cloud.js';
import { sampleSimState } from '../cli/sim/sample.js';
import { planConfigRules } from '../infra/config-rules.js';
import { isStarOnlyAction, resourcesFor, type Scope } from '../infra/permissions.js';
import { documentOf } from '../infra/ssm-document.js';
import { parseEvent } from '../shared/parse-event.js';
import { type AnyRemediation, GONE, type RemediationContext, type Step } from '../shared/remediation.js';
import { validateResourceId } from '../shared/resource-id.js';
import { type RemediationFixtures, remediationFixtures } from '../test/helpers/remediation-fixtures.js';
import { hostileIds } from '../test/helpers/resource-ids.js';
import { EVALUATORS } from './evaluator-registry.js';
import { LISTERS } from './listers.js';
import { REMEDIATIONS, routeEvent } from './registry.js';

const ROOT = join(import.meta.dirname, '..');
const SCOPE: Scope = { partition: 'aws', account: '111122223333', region: 'eu-west-2' };
/** What every remediation folder holds (STYLE.md, "How an airlock remediation looks"; `demo.ts`: its case in `airlock demo`). */
const FILES = [
  'index.ts',
  'describe.ts',
  'plan.ts',
  'apply.ts',
  'handler.ts',
  'plan.test.ts',
  'apply.test.ts',
  'fixtures.ts',
  'demo.ts',
  'README.md',
];
/** The README sections STYLE.md lists, in order (what it does is the paragraph under the title). */
const SECTIONS = [
  '## Trigger',
  '## Policy',
  '## What the planner does',
  '## Settings',
  '## Permissions',
  '## Re-runs and idempotency',
  '## Dry-run',
  '## Rollback',
];
const TRIGGERS = ['change', 'periodic', 'change-and-periodic'];
const FREQUENCIES = ['One_Hour', 'Three_Hours', 'Six_Hours', 'Twelve_Hours', 'TwentyFour_Hours'];
/** Characters that could break out of the JSON, the log line or the SSM parameter an id is placed in. */
const isUnsafe = (value: string) =>
  /["'\\{}\s]/.test(value) || [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

const unique = (xs: Iterable<string>) => [...new Set(xs)].sort();
const stepsOf = (plan: ReturnType<AnyRemediation['plan']>): readonly Step[] =>
  plan.kind === 'steps' ? plan.steps : [];
/** A fixed sample of (state, settings) cases, so that a check over them is the same on every run. */
const sampleCases = (fixtures: RemediationFixtures<unknown>) =>
  fc.sample(fc.tuple(fixtures.state, fixtures.settings), { seed: 20_261_122, numRuns: 600 });
/** The text of a README section, from its heading to the next one. */
function sectionOf(readme: string, heading: string): string {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start === -1) return '';
  const next = readme.indexOf('\n## ', start + heading.length + 2);
  return readme.slice(start, next === -1 ? undefined : next);
}

describe('Function: the remediation registry', () => {
  it('gives each remediation its own id, resource type, rule identifiers and rule names', () => {
    // Act
    const ids = REMEDIATIONS.map((r) => r.id);
    const types = REMEDIATIONS.map((r) => r.resourceType);
    const identifiers = REMEDIATIONS.flatMap((r) => r.ruleIdentifiers);
    const names = REMEDIATIONS.flatMap((r) => r.configRuleNames);

    // Assess: events are routed by resource type and accepted by rule name
    expect(REMEDIATIONS.length).toBeGreaterThanOrEqual(5);
    expect(unique(ids)).toHaveLength(ids.length);
    expect(unique(types)).toHaveLength(types.length);
    expect(unique(identifiers)).toHaveLength(identifiers.length);
    expect(unique(names)).toHaveLength(names.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});

describe.each(REMEDIATIONS.map((r) => [r.id, r] as const))('Function: remediation %s', (id, r) => {
  let fixtures: RemediationFixtures<unknown>;
  beforeAll(async () => {
    fixtures = await remediationFixtures(id);
  });

  describe('its folder', () => {
    it('holds the one shape: descriptor, describe, plan, apply, handler, their tests, fixtures, demo, README', () => {
      // Act
      const missing = FILES.filter((f) => !existsSync(join(import.meta.dirname, id, f)));

      // Assess
      expect(missing).toEqual([]);
      expect(existsSync(join(ROOT, 'ssm-documents', `${id}.yaml`))).toBe(true);
    });

    it('has a README with the sections STYLE.md lists, naming its rules and every action it grants or undoes', () => {
      // Prepare
      const readme = readFileSync(join(import.meta.dirname, id, 'README.md'), 'utf8');

      // Act
      const headings = readme.split('\n').filter((l) => /^#{1,2} /.test(l));
      // a heading may say more after a colon: `## Policy: what "open to the world" means`
      const positions = SECTIONS.map((s) => headings.findIndex((h) => h === s || h.startsWith(`${s}:`)));
      const settings = sectionOf(readme, '## Settings');
      const keys = Object.keys(
        (r.settingsSchema as { _zod?: { def?: { shape?: Record<string, unknown> } } })._zod?.def?.shape ?? {},
      );
      const trigger = sectionOf(readme, '## Trigger');
      const permissions = sectionOf(readme, '## Permissions');
      const actions = unique([...r.permissions.read, ...r.permissions.write, ...r.undoPermissions]);
      const deployedNames = [
        ...(r.configRules.managed ?? []).map((m) => `airlock-${m.defaultName}`),
        ...(r.configRules.custom ?? []).map((c) => c.name),
      ];

      // Assess
      expect(headings[0]).toBe(`# ${id}`);
      expect(readme.split('\n')[2]?.length).toBeGreaterThan(0);
      expect({ missing: SECTIONS.filter((_, i) => positions[i] === -1) }).toEqual({ missing: [] });
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      for (const name of [...r.ruleIdentifiers, ...deployedNames, r.resourceType]) {
        expect({ trigger: name, named: trigger.includes(`\`${name}\``) }).toEqual({
          trigger: name,
          named: true,
        });
      }
      for (const action of actions) {
        expect({ action, named: permissions.includes(`\`${action}\``) }).toEqual({ action, named: true });
      }
      // every setting the remediation accepts is documented in its Settings section
      for (const key of keys) {
        expect({ key, named: settings.includes(`\`${key}\``) }).toEqual({ key, named: true });
      }
    });
  });

  describe('its permissions', () => {
    it('declares the resources of every action it reads, writes, undoes or lists, and of nothing else', () => {
      // Prepare
      const actions = unique([
        ...r.iam.read,
        ...r.permissions.write,
        ...r.iam.undo,
        ...(LISTERS.get(id)?.actions ?? []),
      ]);

      // Act
      const declared = unique(Object.keys(r.iam.resources));

      // Assess
      expect(declared).toEqual(actions);
      for (const action of actions) {
        expect(action).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/);
        expect(r.services).toContain(action.split(':')[0]);
      }
      for (const action of r.iam.read) expect(r.permissions.write).not.toContain(action);
    });

    it('scopes each action to its own service, "*" only where AWS documents nothing narrower', () => {
      for (const action of Object.keys(r.iam.resources)) {
        // Act
        const { resources, condition } = resourcesFor(action, SCOPE);
        const service = action.split(':')[0];

        // Assess
        expect(resources.length).toBeGreaterThan(0);
        if (resources.includes('*')) {
          expect({ action, starOnly: isStarOnlyAction(action) }).toEqual({ action, starOnly: true });
          continue;
        }
        for (const arn of resources) {
          const [, partition, arnService, region, account] = arn.split(':');
          expect({ action, partition, arnService }).toEqual({
            action,
            partition: 'aws',
            arnService: service,
          });
          // an ARN without an account (S3) is pinned to this account by a condition
          if (account === '') expect(JSON.stringify(condition)).toContain(SCOPE.account);
          else expect(region).toBe(SCOPE.region);
          // what changes a resource acts in this account only
          if (!r.iam.read.includes(action)) expect(account === '' || account === SCOPE.account).toBe(true);
        }
      }
    });

    it('lists its resources for `airlock scan` with read actions declared in permissions.ts, never granted to the function', () => {
      // Assess
      expect(LISTERS.get(id)).toBeDefined();
      const actions = LISTERS.get(id)?.actions ?? [];
      expect(actions.length).toBeGreaterThan(0);
      for (const action of actions) {
        expect(action).toMatch(/^[a-z0-9-]+:(Describe|List)[A-Z][A-Za-z0-9]+$/);
        expect(Object.keys(r.iam.resources)).toContain(action);
        expect(r.permissions.write).not.toContain(action);
        expect(r.undoPermissions).not.toContain(action);
      }
      const permissions = readFileSync(join(import.meta.dirname, id, 'permissions.ts'), 'utf8');
      for (const action of actions) expect(permissions).toContain(`'${action}'`);
      expect(existsSync(join(import.meta.dirname, id, 'list.ts'))).toBe(true);
    });

    it('lists, on the sample account, ids of its kind that its describe finds, with read calls only', async () => {
      // Prepare
      const sim = await SimulatedCloud.create(sampleSimState(), { dynamodb: false });
      const clients = sim.clientFactory();
      const region = sim.defaultRegion;
      const ctx: RemediationContext = {
        client: (ctor) => clients.get(ctor, { region, account: sim.defaultAccount }),
        region,
        accountId: sim.defaultAccount,
        logger: new Logger({ serviceName: id, logLevel: 'SILENT' }),
      };
      const settings = r.settingsSchema.parse({});

      // Act
      const ids: string[] = [];
      const states: unknown[] = [];
      try {
        for await (const listed of LISTERS.get(id)!.ids(ctx)) ids.push(listed);
        for (const listed of ids) states.push(await r.describe(listed, ctx, settings));
      } finally {
        await sim.close();
      }

      // Assess
      expect(ids.length).toBeGreaterThan(0);
      for (const listed of ids) expect(validateResourceId(r.resourceType, listed)).toBeUndefined();
      expect(states.filter((state) => state === GONE)).toEqual([]);
      expect(Object.keys(sim.writes())).toEqual([]);
    });

    it("declares every write action its plans produce in each setting (the function's actions)", () => {
      fc.assert(
        fc.property(fixtures.state, fixtures.settings, (state, raw) => {
          // Act
          const settings = r.settingsSchema.parse(raw);
          const steps = stepsOf(r.plan(state, settings));

          // Assess
          const allowed = r.permissionsFor(settings).write;
          for (const step of steps) expect(allowed).toContain(step.action);
        }),
        { numRuns: 300 },
      );
    });

    it('declares no write action its plans never produce in that setting: undo-only actions stay out', () => {
      // Prepare
      const cases = sampleCases(fixtures);
      const bySettings = new Map<string, { declared: string[]; produced: Set<string> }>();

      // Act
      for (const [state, raw] of cases) {
        const settings = r.settingsSchema.parse(raw);
        const key = JSON.stringify(settings);
        const entry = bySettings.get(key) ?? {
          declared: unique(r.permissionsFor(settings).write),
          produced: new Set<string>(),
        };
        for (const step of stepsOf(r.plan(state, settings))) entry.produced.add(step.action);
        bySettings.set(key, entry);
      }

      // Assess: in each setting that acts at all (a public-tier setting may leave nothing to do), the
      // plans produce every write declared for it; and every write is declared for some setting
      const acting = [...bySettings].filter(([, e]) => e.produced.size > 0);
      expect(acting.length).toBeGreaterThan(0);
      for (const [settings, { declared, produced }] of acting) {
        expect({ settings, produced: unique(produced) }).toEqual({ settings, produced: declared });
      }
      expect(unique([...bySettings.values()].flatMap((e) => e.declared))).toEqual(
        unique(r.permissions.write),
      );
    });

    it('declares exactly the actions its undo steps call (the operator runs them, not the function)', () => {
      // Prepare
      const cases = sampleCases(fixtures);
      const called = new Set<string>();

      // Act
      for (const [state, raw] of cases) {
        for (const step of stepsOf(r.plan(state, r.settingsSchema.parse(raw)))) {
          for (const inverse of r.undo(step)) called.add(inverse.action);
        }
      }

      // Assess
      expect(unique(called)).toEqual(unique(r.undoPermissions));
    });

    it('names the one resource each step and its undo act on (targetOf), a valid id of its kind', () => {
      // Prepare
      const cases = sampleCases(fixtures);
      let steps = 0;

      // Act + Assess: a plan acts on one resource, and undoing it acts on that same resource
      for (const [state, raw] of cases) {
        const plan = stepsOf(r.plan(state, r.settingsSchema.parse(raw)));
        const targets = new Set(plan.flatMap((step) => [step, ...r.undo(step)]).map((s) => r.targetOf(s)));
        steps += plan.length;
        if (plan.length === 0) continue;
        expect(targets.size).toBe(1);
        const [target] = [...targets];
        expect(target).toBeTypeOf('string');
        expect(validateResourceId(r.resourceType, target!)).toBeUndefined();
      }
      expect(steps).toBeGreaterThan(0);
      expect(r.targetOf({ action: 'x:Y', input: { Unrelated: 'value' }, reason: '' })).toBeUndefined();
      expect(r.targetOf({ action: 'x:Y', input: null, reason: '' })).toBeUndefined();
    });
  });

  describe('its resource kind', () => {
    const kind = r.resourceKind;
    const accepts = (value: string) => validateResourceId(r.resourceType, value) === undefined;
    const allowed = () =>
      new RegExp(
        (documentOf(r).parameters as { ResourceId: { allowedPattern: string } }).ResourceId.allowedPattern,
      );

    it('is the resource type of the remediation, its CloudTrail trigger and its managed rules', () => {
      // Assess
      expect(r.resourceType).toBe(kind.type);
      if (r.cloudTrail) expect(r.cloudTrail.resourceType).toBe(kind.type);
      for (const m of r.configRules.managed ?? []) {
        if (m.resourceTypes !== null) expect(m.resourceTypes).toContain(kind.type);
      }
    });

    it('accepts its example and valid ids, in the function and in the SSM document alike', () => {
      for (const value of [kind.example, ...fixtures.validIds]) {
        // Act & Assess
        expect({ value, function: accepts(value), ssm: allowed().test(value) }).toEqual({
          value,
          function: true,
          ssm: true,
        });
      }
    });

    it('refuses look-alike ids; the SSM pattern admits only those its extra rules refuse', () => {
      for (const value of fixtures.lookAlikeIds) {
        // Act
        const problem = validateResourceId(r.resourceType, value);
        const ssm = allowed().test(value);

        // Assess
        expect({ value, refused: problem !== undefined }).toEqual({ value, refused: true });
        if (ssm) expect(problem).toBe(kind.check?.(value));
      }
    });

    it('refuses hostile ids (quotes, braces, spaces, control characters, "..", very long) in both', () => {
      for (const value of hostileIds(kind.example)) {
        // Act & Assess
        expect({ value, function: accepts(value), ssm: allowed().test(value) }).toEqual({
          value,
          function: false,
          ssm: false,
        });
      }
    });

    it('agrees with the SSM pattern on any string: the function accepts nothing the document refuses', () => {
      // Prepare
      const ssm = allowed();
      const mutated = fc
        .tuple(fc.string({ maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 4 }))
        .map(([a, b]) => `${a}${kind.example}${b}`);
      const anyString = fc.oneof(
        fc.string({ unit: 'binary', maxLength: 80 }),
        mutated,
        fc.stringMatching(ssm),
      );

      fc.assert(
        fc.property(anyString, (value) => {
          // Act
          const problem = validateResourceId(r.resourceType, value);

          // Assess
          if (problem === undefined) expect(ssm.test(value)).toBe(true);
          else if (ssm.test(value)) expect(problem).toBe(kind.check?.(value));
        }),
        { numRuns: 500 },
      );
    });

    it('admits no quote, backslash, brace, space or control character', () => {
      fc.assert(
        fc.property(fc.stringMatching(allowed()), (value) => {
          expect(isUnsafe(value)).toBe(false);
        }),
        { numRuns: 300 },
      );
    });

    it('makes an example event, as `airlock events sample` builds it, that the parser accepts and routes here', () => {
      // Prepare
      const event = sampleEvent(r, {
        resourceId: kind.example,
        account: SCOPE.account,
        region: SCOPE.region,
        compliance: 'NON_COMPLIANT',
      });

      // Act
      const parsed = parseEvent(event);

      // Assess
      expect(routeEvent(event)).toBe(r);
      expect(parsed).toMatchObject({
        resourceType: r.resourceType,
        resourceId: kind.example,
        rule: r.configRuleNames[0],
        complianceType: 'NON_COMPLIANT',
      });
      expect(validateResourceId(parsed.resourceType, parsed.resourceId)).toBeUndefined();
    });
  });

  describe('its Config rules', () => {
    it('declares each managed rule with its metadata, deployed as airlock-<default name>', () => {
      // Prepare
      const managed = r.configRules.managed ?? [];

      // Act
      const { rules } = planConfigRules([r], []);

      // Assess
      for (const m of managed) {
        expect(m.identifier).toMatch(/^[A-Z0-9_]+$/);
        expect(m.defaultName).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(TRIGGERS).toContain(m.trigger);
        // a rule without a scope can only be periodic
        if (m.resourceTypes === null) expect(m.trigger).toBe('periodic');
      }
      expect(rules.map((p) => p.name)).toEqual(managed.map((m) => `airlock-${m.defaultName}`));
    });

    it('declares each custom rule with the registered evaluator that decides it with this plan', () => {
      // Prepare
      const custom = r.configRules.custom ?? [];
      const evaluators = EVALUATORS.filter((e) => e.remediationId === id);

      // Act
      const { rules, unmatched } = planConfigRules([r], evaluators);

      // Assess
      expect(unmatched).toEqual([]);
      expect(evaluators.map((e) => e.id).sort()).toEqual(custom.map((c) => c.evaluator).sort());
      for (const c of custom) {
        const evaluator = evaluators.find((e) => e.id === c.evaluator)!;
        expect(c.identifier).toMatch(/^AIRLOCK_[A-Z0-9_]+$/);
        expect(c.name).toMatch(/^airlock-[a-z0-9-]+$/);
        expect(FREQUENCIES).toContain(c.periodic);
        expect(evaluator).toMatchObject({ ruleName: c.name, resourceType: r.resourceType });
        expect(existsSync(join(import.meta.dirname, c.evaluator, 'handler.ts'))).toBe(true);
      }
      expect(rules.filter((p) => p.source.kind === 'custom').map((p) => p.name)).toEqual(
        custom.map((c) => c.name),
      );
      expect((r.configRules.managed ?? []).length + custom.length).toBeGreaterThan(0);
    });
  });
});
