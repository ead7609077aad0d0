import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVALUATOR_MODULES, EVALUATORS } from './evaluator-registry.js';
import { findRemediation } from './registry.js';

const FREQUENCIES = ['One_Hour', 'Three_Hours', 'Six_Hours', 'Twelve_Hours', 'TwentyFour_Hours'];

describe('Function: the evaluator registry', () => {
  it('lists the route-table, transit-gateway and security-group evaluators', () => {
    expect(EVALUATORS.map((e) => e.id)).toEqual([
      'evaluate-route-tables',
      'evaluate-tgw-routes',
      'evaluate-security-groups',
    ]);
  });

  it.each(EVALUATORS.map((e) => [e.id, e] as const))(
    '%s decides with a registered remediation of its resource type',
    (_id, e) => {
      // Act
      const remediation = findRemediation(e.remediationId);

      // Assess
      expect(remediation).toBeDefined();
      expect(remediation?.resourceType).toBe(e.resourceType);
      expect(remediation?.configRuleNames).toContain(e.ruleName);
    },
  );

  it.each(EVALUATORS.map((e) => [e.id, e] as const))(
    '%s declares reads only: its remediation’s reads plus Config reporting',
    (_id, e) => {
      // Prepare
      const remediation = findRemediation(e.remediationId)!;

      // Assess
      for (const action of remediation.permissions.read) expect(e.permissions).toContain(action);
      for (const action of remediation.permissions.write) expect(e.permissions).not.toContain(action);
      expect(e.permissions).toContain('config:PutEvaluations');
      for (const action of e.permissions) expect(action).toMatch(/^(ec2|config|ssm):[A-Z][A-Za-z]+$/);
      expect(new Set(e.permissions).size).toBe(e.permissions.length);
    },
  );

  it.each(EVALUATORS.map((e) => [e.id, e] as const))(
    '%s has a handler to bundle, a README and a valid schedule',
    (_id, e) => {
      expect(existsSync(join(import.meta.dirname, e.id, 'handler.ts'))).toBe(true);
      expect(existsSync(join(import.meta.dirname, e.id, 'README.md'))).toBe(true);
      expect(FREQUENCIES).toContain(e.periodic);
      expect(e.configurationChange).toBe(true);
    },
  );

  it('keeps the modules and their descriptors in step', () => {
    expect(EVALUATOR_MODULES.map((m) => m.remediation.id)).toEqual(EVALUATORS.map((e) => e.remediationId));
  });
});
