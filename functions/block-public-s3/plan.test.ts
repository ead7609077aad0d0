import type { PublicAccessBlockConfiguration } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GONE } from '../../shared/remediation.js';
import { listRealWorld, loadPlacebo, loadRealWorld } from '../../test/helpers/fixtures.js';
import { bucketName, bucketState, configuration } from './fixtures.js';
import { blockPublicS3 } from './index.js';
import {
  BLOCK_SETTINGS,
  type BlockConfiguration,
  type BucketState,
  FULL_BLOCK,
  isFullyBlocked,
  normalizeConfiguration,
  planBlockPublicS3,
  type S3BlockStep,
  s3BlockUndoConflict,
  undoS3BlockStep,
} from './plan.js';

const SETTINGS = {};
const BUCKET = 'airlock-demo-public-assets';
const FOLDER = 'api/s3';

/**
 * A GetPublicAccessBlock fixture as the state describe would build: the configuration, `null` for
 * `NoSuchPublicAccessBlockConfiguration`, or `'unreadable'` for any other error (describe throws).
 */
function stateFromFixture(file: string): BucketState | 'unreadable' {
  if (file.startsWith('placebo__')) {
    const raw = loadRealWorld<{ status_code: number; data: { Error?: { Code?: string } } }>(
      `${FOLDER}/${file}`,
    );
    if (raw.status_code >= 300) {
      return raw.data.Error?.Code === 'NoSuchPublicAccessBlockConfiguration'
        ? { bucket: BUCKET, configuration: null }
        : 'unreadable';
    }
  }
  const data = file.startsWith('placebo__')
    ? loadPlacebo<{ PublicAccessBlockConfiguration?: PublicAccessBlockConfiguration }>(`${FOLDER}/${file}`)
    : loadRealWorld<{ PublicAccessBlockConfiguration?: PublicAccessBlockConfiguration }>(`${FOLDER}/${file}`);
  const c = data.PublicAccessBlockConfiguration;
  return { bucket: BUCKET, configuration: c ? normalizeConfiguration(c) : null };
}

/** A pure model of S3's public access block: what the bucket holds after a step. */
function applyStepToState(state: BucketState, step: S3BlockStep): BucketState {
  expect(step.input.Bucket).toBe(state.bucket);
  if (step.api === 'DeletePublicAccessBlock') return { ...state, configuration: null };
  return {
    ...state,
    configuration: normalizeConfiguration(step.input.PublicAccessBlockConfiguration ?? {}),
  };
}
const applySteps = (state: BucketState, steps: readonly S3BlockStep[]) =>
  steps.reduce(applyStepToState, state);
const undoAll = (steps: readonly S3BlockStep[]) => [...steps].reverse().flatMap((s) => undoS3BlockStep(s));
const stepsOf = (state: BucketState): readonly S3BlockStep[] => {
  const plan = planBlockPublicS3(state, SETTINGS);
  return plan.kind === 'steps' ? plan.steps : [];
};

// the fixtures that are GetPublicAccessBlock answers for a bucket (s3control's is account-level)
const FIXTURES = listRealWorld(FOLDER).filter((f) => f.includes('__GetPublicAccessBlock__'));

describe('Function: planBlockPublicS3', () => {
  describe('over real GetPublicAccessBlock answers', () => {
    const table: [string, 'noop' | 'steps' | 'unreadable'][] = [
      ['awscli__GetPublicAccessBlock__all-true.json', 'noop'],
      ['placebo__GetPublicAccessBlock__all-true.json', 'noop'],
      ['placebo__GetPublicAccessBlock__all-false.json', 'steps'],
      ['placebo__GetPublicAccessBlock__partial-IgnorePublicAcls-false.json', 'steps'],
      [
        'placebo__GetPublicAccessBlock__partial-BlockPublicAcls-false-RestrictPublicBuckets-false.json',
        'steps',
      ],
      ['placebo__GetPublicAccessBlock__404-NoSuchPublicAccessBlockConfiguration.json', 'steps'],
      ['placebo__GetPublicAccessBlock__403-AccessDenied.json', 'unreadable'],
    ];

    it('covers every GetPublicAccessBlock fixture', () => {
      expect(table.map(([f]) => f).sort()).toEqual([...FIXTURES].sort());
    });

    it.each(table)('plans %s as %s, and the result is compliant and undoable', (file, expected) => {
      // Prepare
      const state = stateFromFixture(file);
      if (expected === 'unreadable') {
        expect(state).toBe('unreadable');
        return;
      }
      if (state === 'unreadable') throw new Error(`${file} should be readable`);

      // Act
      const plan = planBlockPublicS3(state, SETTINGS);

      // Assess
      expect(plan.kind).toBe(expected);
      if (plan.kind !== 'steps') return;
      expect(plan.steps).toHaveLength(1);
      expect(plan.steps[0]).toMatchObject({
        action: 's3:PutBucketPublicAccessBlock',
        api: 'PutPublicAccessBlock',
        input: { Bucket: BUCKET, PublicAccessBlockConfiguration: FULL_BLOCK },
        before: { configuration: state.configuration },
      });
      const after = applySteps(state, plan.steps);
      expect(planBlockPublicS3(after, SETTINGS).kind).toBe('noop');
      expect(applySteps(after, undoAll(plan.steps))).toEqual(state);
    });

    it('keeps "no configuration" apart from "all four off" and undoes each its own way', () => {
      // Prepare
      const none = stateFromFixture(
        'placebo__GetPublicAccessBlock__404-NoSuchPublicAccessBlockConfiguration.json',
      );
      const allOff = stateFromFixture('placebo__GetPublicAccessBlock__all-false.json');
      if (none === 'unreadable' || allOff === 'unreadable') throw new Error('fixtures should be readable');

      // Act
      const undoNone = undoAll(stepsOf(none));
      const undoOff = undoAll(stepsOf(allOff));

      // Assess
      expect(none.configuration).toBeNull();
      expect(allOff.configuration).toEqual({
        BlockPublicAcls: false,
        IgnorePublicAcls: false,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      });
      expect(undoNone).toEqual([
        expect.objectContaining({
          action: 's3:PutBucketPublicAccessBlock',
          api: 'DeletePublicAccessBlock',
          input: { Bucket: BUCKET },
        }),
      ]);
      expect(undoOff).toEqual([
        expect.objectContaining({
          action: 's3:PutBucketPublicAccessBlock',
          api: 'PutPublicAccessBlock',
          input: { Bucket: BUCKET, PublicAccessBlockConfiguration: allOff.configuration },
        }),
      ]);
    });
  });

  it('names the settings that are off in the reason', () => {
    // Prepare
    const state: BucketState = {
      bucket: BUCKET,
      configuration: { ...FULL_BLOCK, IgnorePublicAcls: false, RestrictPublicBuckets: false },
    };

    // Act
    const plan = planBlockPublicS3(state, SETTINGS);

    // Assess
    expect(plan.kind === 'steps' && plan.steps[0]?.reason).toBe(
      'public access is not fully blocked: IgnorePublicAcls, RestrictPublicBuckets off',
    );
  });

  it('treats a setting the SDK left out as off', () => {
    expect(
      normalizeConfiguration({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true }),
    ).toEqual({ ...FULL_BLOCK, RestrictPublicBuckets: false });
  });

  describe('properties', () => {
    it('leaves every bucket fully blocked, and planning again gives noop', () => {
      fc.assert(
        fc.property(bucketState, (state) => {
          const plan = planBlockPublicS3(state, SETTINGS);
          const after = plan.kind === 'steps' ? applySteps(state, plan.steps) : state;
          expect(isFullyBlocked(after.configuration)).toBe(true);
          expect(after.bucket).toBe(state.bucket);
          expect(planBlockPublicS3(after, SETTINGS).kind).toBe('noop');
        }),
      );
    });

    it('always plans noop for a bucket that is already fully blocked', () => {
      fc.assert(
        fc.property(bucketName, (bucket) => {
          expect(planBlockPublicS3({ bucket, configuration: { ...FULL_BLOCK } }, SETTINGS)).toEqual({
            kind: 'noop',
            reason: 'the public access block has all four settings on',
          });
        }),
      );
    });

    it('plans steps exactly when a setting is off or there is no configuration', () => {
      fc.assert(
        fc.property(bucketState, (state) => {
          const open = state.configuration === null || BLOCK_SETTINGS.some((k) => !state.configuration![k]);
          expect(planBlockPublicS3(state, SETTINGS).kind).toBe(open ? 'steps' : 'noop');
        }),
      );
    });

    it('restores the original state exactly on undo, "no configuration" included', () => {
      fc.assert(
        fc.property(bucketState, (state) => {
          const plan = planBlockPublicS3(state, SETTINGS);
          if (plan.kind !== 'steps') return;
          const after = applySteps(state, plan.steps);
          expect(applySteps(after, undoAll(plan.steps))).toEqual(state);
        }),
      );
    });

    it('names only the public access block APIs, under an action the descriptor declares', () => {
      fc.assert(
        fc.property(bucketState, (state) => {
          const plan = planBlockPublicS3(state, SETTINGS);
          const steps = plan.kind === 'steps' ? plan.steps : [];
          for (const step of steps) {
            expect(blockPublicS3.permissionsFor(SETTINGS).write).toContain(step.action);
          }
          for (const step of [...undoAll(steps), ...undoAll(undoAll(steps))]) {
            expect(blockPublicS3.undoPermissions).toContain(step.action);
          }
          for (const step of [...steps, ...undoAll(steps), ...undoAll(undoAll(steps))]) {
            expect(['PutPublicAccessBlock', 'DeletePublicAccessBlock']).toContain(step.api);
          }
        }),
      );
    });
  });
});

describe('Function: s3BlockUndoConflict', () => {
  const step = (configuration: BlockConfiguration | null) => stepsOf({ bucket: BUCKET, configuration })[0]!;

  it('finds no conflict when the bucket still holds what the remediation left', () => {
    fc.assert(
      fc.property(fc.option(configuration, { nil: null }), (c) => {
        if (isFullyBlocked(c)) return;
        expect(
          s3BlockUndoConflict({ bucket: BUCKET, configuration: { ...FULL_BLOCK } }, step(c)),
        ).toBeUndefined();
      }),
    );
  });

  it('reports a bucket that is gone', () => {
    expect(s3BlockUndoConflict(GONE, step(null))).toBe(`bucket ${BUCKET} no longer exists`);
  });

  it('reports a block that someone changed since', () => {
    // Prepare
    const changed: BucketState = {
      bucket: BUCKET,
      configuration: { ...FULL_BLOCK, BlockPublicPolicy: false },
    };

    // Act
    const conflict = s3BlockUndoConflict(changed, step(null));

    // Assess
    expect(conflict).toBe(
      `the public access block of ${BUCKET} changed since: it is now BlockPublicPolicy off, the remediation left all four settings on`,
    );
    expect(s3BlockUndoConflict({ bucket: BUCKET, configuration: null }, step(null))).toMatch(/changed since/);
  });

  it('checks an undo step against what it left: a deleted block must still be absent', () => {
    // Prepare
    const [deleteStep] = undoS3BlockStep(step(null));

    // Act & Assess
    expect(s3BlockUndoConflict({ bucket: BUCKET, configuration: null }, deleteStep!)).toBeUndefined();
    expect(s3BlockUndoConflict({ bucket: BUCKET, configuration: { ...FULL_BLOCK } }, deleteStep!)).toMatch(
      /changed since/,
    );
  });
});
