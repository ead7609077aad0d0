import type { Cluster } from '@aws-sdk/client-eks';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GONE } from '../../shared/remediation.js';
import { listRealWorld, loadPlacebo, loadRealWorld } from '../../test/helpers/fixtures.js';
import { anyStatus, cidrs, clusterName, clusterState, STATUSES } from './fixtures.js';
import { privatizeEksEndpoint } from './index.js';
import {
  type ClusterState,
  clusterStateFrom,
  type EksStep,
  eksUndoConflict,
  endpointAccess,
  isPrivateOnly,
  planPrivatizeEksEndpoint,
  undoEksStep,
} from './plan.js';

const SETTINGS = {};
const FOLDER = 'api/eks';

/** A DescribeCluster fixture (placebo recording, CLI output or botocore example) as describe's state. */
function stateFromFixture(file: string): ClusterState {
  const data = file.startsWith('placebo__')
    ? loadPlacebo<{ cluster: Cluster }>(`${FOLDER}/${file}`)
    : loadRealWorld<{ cluster: Cluster }>(`${FOLDER}/${file}`);
  return clusterStateFrom(data.cluster);
}

/**
 * A pure model of EKS once the update has settled: the fields the update names change, the others
 * stay; EKS refuses an endpoint with neither public nor private access.
 */
function applyStepToState(state: ClusterState, step: EksStep): ClusterState {
  expect(step.input.name).toBe(state.name);
  const vpc = step.input.resourcesVpcConfig ?? {};
  const next: ClusterState = {
    ...state,
    status: 'ACTIVE',
    ...(vpc.endpointPublicAccess === undefined ? {} : { endpointPublicAccess: vpc.endpointPublicAccess }),
    ...(vpc.endpointPrivateAccess === undefined ? {} : { endpointPrivateAccess: vpc.endpointPrivateAccess }),
    ...(vpc.publicAccessCidrs === undefined ? {} : { publicAccessCidrs: [...vpc.publicAccessCidrs] }),
  };
  const access = endpointAccess(next);
  if (!access.endpointPublicAccess && !access.endpointPrivateAccess) {
    throw new Error('InvalidParameterException: Private and public endpoint access cannot both be disabled');
  }
  return next;
}
const applySteps = (state: ClusterState, steps: readonly EksStep[]) => steps.reduce(applyStepToState, state);
const undoAll = (steps: readonly EksStep[]) => [...steps].reverse().flatMap((s) => undoEksStep(s));
const stepsOf = (state: ClusterState) => {
  const plan = planPrivatizeEksEndpoint(state, SETTINGS);
  return plan.kind === 'steps' ? plan.steps : [];
};

const updatable = fc.option(fc.constant('ACTIVE'), { nil: undefined });
/** A state with every field reported, as current EKS answers. */
const fullState = clusterState(fc.constant('ACTIVE')).filter(
  (s) => s.endpointPublicAccess !== undefined && s.endpointPrivateAccess !== undefined,
);

const FIXTURES = listRealWorld(FOLDER).filter((f) => f.includes('__DescribeCluster__'));

describe('Function: planPrivatizeEksEndpoint', () => {
  describe('over real DescribeCluster answers', () => {
    const table: [
      string,
      'noop' | 'skip' | 'steps',
      { public: boolean; private: boolean; cidrs?: string[] },
    ][] = [
      [
        'awscli__DescribeCluster__public-true-private-true-publicAccessCidrs-32.json',
        'steps',
        { public: true, private: true, cidrs: ['22.19.18.2/32'] },
      ],
      [
        'botocore-example__DescribeCluster__no-endpoint-access-fields.json',
        'steps',
        { public: true, private: false },
      ],
      ['placebo__DescribeCluster__after-update__same-cluster.json', 'skip', { public: true, private: true }],
      [
        'placebo__DescribeCluster__public-false-private-true__publicAccessCidrs-empty.json',
        'noop',
        { public: false, private: true, cidrs: [] },
      ],
      [
        'placebo__DescribeCluster__public-true-private-false-publicAccessCidrs-0.0.0.0-0.json',
        'steps',
        { public: true, private: false, cidrs: ['0.0.0.0/0'] },
      ],
      [
        'placebo__DescribeCluster__public-true-private-true__no-publicAccessCidrs-key.json',
        'steps',
        { public: true, private: true },
      ],
    ];

    it('covers every DescribeCluster fixture', () => {
      expect(table.map(([f]) => f).sort()).toEqual([...FIXTURES].sort());
    });

    it.each(table)('plans %s as %s', (file, expected, access) => {
      // Prepare
      const state = stateFromFixture(file);

      // Act
      const plan = planPrivatizeEksEndpoint(state, SETTINGS);

      // Assess
      expect(plan.kind).toBe(expected);
      expect(endpointAccess(state)).toEqual({
        endpointPublicAccess: access.public,
        endpointPrivateAccess: access.private,
        ...(access.cidrs ? { publicAccessCidrs: access.cidrs } : {}),
      });
      if (plan.kind !== 'steps') return;
      expect(plan.steps).toEqual([
        expect.objectContaining({
          action: 'eks:UpdateClusterConfig',
          input: {
            name: state.name,
            resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true },
          },
          before: endpointAccess(state),
        }),
      ]);
      const after = applySteps(state, plan.steps);
      expect(planPrivatizeEksEndpoint(after, SETTINGS).kind).toBe('noop');
      expect(endpointAccess(applySteps(after, undoAll(plan.steps)))).toEqual(endpointAccess(state));
    });

    it('assumes AWS defaults for a cluster that reports no endpoint fields, and says so', () => {
      // Prepare
      const state = stateFromFixture('botocore-example__DescribeCluster__no-endpoint-access-fields.json');

      // Act
      const plan = planPrivatizeEksEndpoint(state, SETTINGS);

      // Assess
      expect(state).toEqual({ name: 'devel', status: 'ACTIVE' });
      expect(plan.notes).toEqual([
        'DescribeCluster did not report endpointPublicAccess: AWS default (true) assumed',
        'DescribeCluster did not report endpointPrivateAccess: AWS default (false) assumed',
      ]);
    });

    it('skips the cluster that is UPDATING, with the reason', () => {
      // Prepare
      const state = stateFromFixture('placebo__DescribeCluster__after-update__same-cluster.json');

      // Act
      const plan = planPrivatizeEksEndpoint(state, SETTINGS);

      // Assess
      expect(plan).toEqual({
        kind: 'skip',
        reason: 'cluster devk8s is UPDATING: its endpoint access can change only when it is ACTIVE',
        retryLater: true,
      });
    });

    it('undoes with the previous publicAccessCidrs when there were some, and without them otherwise', () => {
      // Prepare
      const restricted = stateFromFixture(
        'awscli__DescribeCluster__public-true-private-true-publicAccessCidrs-32.json',
      );
      const noKey = stateFromFixture(
        'placebo__DescribeCluster__public-true-private-true__no-publicAccessCidrs-key.json',
      );

      // Act
      const [undoRestricted] = undoAll(stepsOf(restricted));
      const [undoNoKey] = undoAll(stepsOf(noKey));

      // Assess
      expect(undoRestricted?.input).toEqual({
        name: 'my-eks-cluster',
        resourcesVpcConfig: {
          endpointPublicAccess: true,
          endpointPrivateAccess: true,
          publicAccessCidrs: ['22.19.18.2/32'],
        },
      });
      expect(undoNoKey?.input).toEqual({
        name: 'devk8s',
        resourcesVpcConfig: { endpointPublicAccess: true, endpointPrivateAccess: true },
      });
    });
  });

  it('updates a cluster whose status is not reported, and notes it', () => {
    // Prepare
    const state: ClusterState = { name: 'ledger', endpointPublicAccess: true, endpointPrivateAccess: false };

    // Act
    const plan = planPrivatizeEksEndpoint(state, SETTINGS);

    // Assess
    expect(plan.kind).toBe('steps');
    expect(plan.notes).toEqual([
      'DescribeCluster did not report the cluster status: updating, EKS refuses if it is busy',
    ]);
  });

  it('plans a public endpoint restricted by publicAccessCidrs: restricted is still public', () => {
    // Prepare: only the corporate egress address may reach the public endpoint
    const state: ClusterState = {
      name: 'payments',
      status: 'ACTIVE',
      endpointPublicAccess: true,
      endpointPrivateAccess: true,
      publicAccessCidrs: ['203.0.113.10/32'],
    };

    // Act
    const plan = planPrivatizeEksEndpoint(state, SETTINGS);

    // Assess
    expect(plan).toMatchObject({
      kind: 'steps',
      steps: [
        { input: { resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true } } },
      ],
    });
  });

  describe('properties', () => {
    it('leaves every updatable cluster private only, and planning again gives noop', () => {
      fc.assert(
        fc.property(clusterState(updatable), (state) => {
          const plan = planPrivatizeEksEndpoint(state, SETTINGS);
          expect(plan.kind).not.toBe('skip');
          const after = plan.kind === 'steps' ? applySteps(state, plan.steps) : state;
          expect(isPrivateOnly(endpointAccess(after))).toBe(true);
          expect(planPrivatizeEksEndpoint(after, SETTINGS).kind).toBe('noop');
          // nothing but the two flags changes: name and publicAccessCidrs stay
          expect(after.name).toBe(state.name);
          expect(after.publicAccessCidrs).toEqual(state.publicAccessCidrs);
        }),
      );
    });

    it('always plans noop for a private-only cluster, whatever its status and CIDRs', () => {
      fc.assert(
        fc.property(clusterName, anyStatus, cidrs, (name, status, publicAccessCidrs) => {
          const state: ClusterState = {
            name,
            ...(status ? { status } : {}),
            endpointPublicAccess: false,
            endpointPrivateAccess: true,
            ...(publicAccessCidrs ? { publicAccessCidrs } : {}),
          };
          expect(planPrivatizeEksEndpoint(state, SETTINGS).kind).toBe('noop');
        }),
      );
    });

    it('skips a non-compliant cluster that is not ACTIVE, and writes nothing', () => {
      fc.assert(
        fc.property(clusterState(fc.constantFrom(...STATUSES.filter((s) => s !== 'ACTIVE'))), (state) => {
          const plan = planPrivatizeEksEndpoint(state, SETTINGS);
          expect(plan.kind).toBe(isPrivateOnly(endpointAccess(state)) ? 'noop' : 'skip');
        }),
      );
    });

    it('sets both flags in one call and never leaves an endpoint with neither', () => {
      fc.assert(
        fc.property(clusterState(updatable), (state) => {
          const steps = stepsOf(state);
          expect(steps.length).toBeLessThanOrEqual(1);
          for (const step of [...steps, ...undoAll(steps)]) {
            const vpc = step.input.resourcesVpcConfig!;
            expect(typeof vpc.endpointPublicAccess).toBe('boolean');
            expect(typeof vpc.endpointPrivateAccess).toBe('boolean');
            expect(vpc.endpointPublicAccess || vpc.endpointPrivateAccess).toBe(true);
          }
          for (const step of steps) {
            expect(privatizeEksEndpoint.permissionsFor(SETTINGS).write).toContain(step.action);
          }
          for (const step of undoAll(steps))
            expect(privatizeEksEndpoint.undoPermissions).toContain(step.action);
        }),
      );
    });

    it('restores the original state exactly on undo', () => {
      fc.assert(
        fc.property(fullState, (state) => {
          const steps = stepsOf(state);
          const after = applySteps(state, steps);
          expect(applySteps(after, undoAll(steps))).toEqual(state);
        }),
      );
    });

    it('restores the access in force on undo when the cluster reported missing fields', () => {
      fc.assert(
        fc.property(clusterState(updatable), (state) => {
          const steps = stepsOf(state);
          const after = applySteps(state, steps);
          expect(endpointAccess(applySteps(after, undoAll(steps)))).toEqual(endpointAccess(state));
        }),
      );
    });
  });
});

describe('Function: eksUndoConflict', () => {
  const PUBLIC: ClusterState = {
    name: 'payments',
    status: 'ACTIVE',
    endpointPublicAccess: true,
    endpointPrivateAccess: false,
    publicAccessCidrs: ['0.0.0.0/0'],
  };
  const [step] = stepsOf(PUBLIC);

  it('finds no conflict when the cluster holds what the remediation left', () => {
    // Prepare
    const now = applySteps(PUBLIC, [step!]);

    // Act & Assess
    expect(eksUndoConflict(now, step!)).toBeUndefined();
  });

  it('reports a cluster that is gone', () => {
    expect(eksUndoConflict(GONE, step!)).toBe('cluster payments no longer exists');
  });

  it('reports a cluster that is not ACTIVE', () => {
    expect(eksUndoConflict({ ...applySteps(PUBLIC, [step!]), status: 'UPDATING' }, step!)).toBe(
      'cluster payments is UPDATING: its endpoint access can change only when it is ACTIVE',
    );
  });

  it('reports endpoint access that someone changed since', () => {
    // Prepare
    const changed: ClusterState = { ...PUBLIC, endpointPublicAccess: true, endpointPrivateAccess: true };

    // Act
    const conflict = eksUndoConflict(changed, step!);

    // Assess
    expect(conflict).toBe(
      'the endpoint access of payments changed since: it is now public on from 0.0.0.0/0, private on, the remediation left public off, private on',
    );
  });
});
