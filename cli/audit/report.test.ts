import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EC2Client, EC2ServiceException, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/audit-record.js';
import { CHROMIUM, launchChromium } from '../../test/helpers/chromium.js';
import { runOnce, sshEvent, tempDir } from '../../test/helpers/real-trail.js';
import {
  OPEN as OPEN_RULE,
  PRIVATE as PRIVATE_RULE,
  statefulGroup,
} from '../../test/helpers/security-group.js';
import { escapeHtml } from './html-escape.js';
import { renderReportHtml } from './report-html.js';
import { computeReportStats } from './report-stats.js';
import { loadTrailRecords } from './trail-file.js';

const NOW = Date.parse('2026-11-21T00:00:00Z');
const SCRIPT_ID = 'sg-<script>alert(1)</script>';
const QUOTE_ID = `sg-"><img src=x onerror=alert(2)>'ü☃`;

const ec2 = mockClient(EC2Client);
const ssm = mockClient(SSMClient);
let records: AuditRecord[];
let page: string;

/** A trail over three days, from the real pipeline: every outcome the report counts. */
async function buildTrail(path: string): Promise<void> {
  const at = (iso: string) => () => Date.parse(iso);
  const evaluated = (iso: string, minutes: number) =>
    new Date(Date.parse(iso) - minutes * 60_000).toISOString();
  const run = async (
    time: string,
    lag: number,
    overrides: Parameters<typeof sshEvent>[0] = {},
    options: Parameters<typeof runOnce>[2] = {},
  ) =>
    runOnce(path, sshEvent({ orderingTimestamp: evaluated(time, lag), ...overrides }), {
      now: at(time),
      ...options,
    });

  const group = statefulGroup(ec2, [OPEN_RULE, PRIVATE_RULE]);
  await run('2026-11-18T09:00:00.000Z', 0.5, { id: 'e1' }); // APPLIED, < 1 min
  await run('2026-11-18T10:00:00.000Z', 3, { id: 'e2' }); // NOOP, 1-5 min
  group.set([OPEN_RULE, PRIVATE_RULE]);
  await run('2026-11-19T09:00:00.000Z', 30, { id: 'e3' }, { mode: 'dry-run' }); // PLANNED, 15-60 min
  ec2.on(RevokeSecurityGroupIngressCommand).rejects(
    new EC2ServiceException({
      name: 'UnauthorizedOperation',
      $fault: 'client',
      $metadata: {},
      message: 'denied',
    }),
  );
  await run('2026-11-19T11:00:00.000Z', 120, { id: 'e4' }); // FAILED, 1-6 h
  ssm.on(GetParameterCommand).resolves({
    Parameter: {
      Name: '/airlock/exemptions',
      Type: 'String',
      Value: JSON.stringify([
        {
          id: 'EX-104',
          resourceId: OPEN_RULE.GroupId,
          account: '111122223333',
          region: 'eu-west-2',
          reason: 'bastion migration <CHG-8812>',
          approvedBy: 'secops-lead@example.com',
          approvedAt: '2026-11-10T00:00:00Z',
          expires: '2026-11-25T00:00:00Z',
        },
        {
          id: 'EX-OLD',
          resourceId: OPEN_RULE.GroupId,
          account: '111122223333',
          region: 'eu-west-2',
          reason: 'old migration',
          approvedBy: 'secops-lead@example.com',
          expires: '2026-11-01T00:00:00Z',
        },
      ]),
    },
  });
  await run('2026-11-20T08:00:00.000Z', 60 * 7, { id: 'e5' }, { exemptionsParameter: '/airlock/exemptions' }); // EXEMPT, 6-24 h
  await run('2026-11-20T09:00:00.000Z', 5, { id: 'e6', resourceId: SCRIPT_ID }); // REJECTED
  await run('2026-11-20T10:00:00.000Z', 5, { id: 'e7', resourceId: QUOTE_ID }); // REJECTED
  ec2.reset();
  statefulGroup(ec2, [OPEN_RULE]);
  await run('2026-11-20T12:00:00.000Z', 60 * 30, { id: 'e8' }); // APPLIED, > 1 day
}

let browser: Browser | undefined;

beforeAll(async () => {
  const dir = tempDir();
  const trail = join(dir, 'trail.ndjson');
  await buildTrail(trail);
  records = await loadTrailRecords(trail);
  page = join(dir, 'report.html');
  writeFileSync(page, renderReportHtml(computeReportStats(records, NOW), { source: trail }));
  if (existsSync(CHROMIUM)) {
    browser = await launchChromium();
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('Function: computeReportStats', () => {
  it('counts the trail the pipeline wrote: outcomes per day, latency buckets, exemptions', () => {
    // Act
    const stats = computeReportStats(records, NOW);

    // Assess
    expect(records.map((r) => r.outcome)).toEqual([
      'APPLIED',
      'NOOP',
      'PLANNED',
      'FAILED',
      'EXEMPT',
      'REJECTED',
      'REJECTED',
      'APPLIED',
    ]);
    expect(stats.byDay.map((d) => [d.day, d.total])).toEqual([
      ['2026-11-18', 2],
      ['2026-11-19', 2],
      ['2026-11-20', 4],
    ]);
    expect(stats.latency.map((b) => b.count)).toEqual([1, 1, 0, 1, 1, 1, 1]);
    expect(stats.expiringSoon.map((e) => [e.record.exemption?.id, e.daysLeft])).toEqual([['EX-104', 4]]);
    expect(stats.expired.map((e) => e.note)).toEqual([
      'exemption "EX-OLD" expired on 2026-11-01T00:00:00Z: ignored',
    ]);
    expect(stats.latest.map((r) => r.outcome)).toEqual(['REJECTED', 'REJECTED', 'FAILED']);
  });
});

describe('Function: escapeHtml', () => {
  it('escapes every character that could open a tag or leave an attribute', () => {
    // Assess
    expect(escapeHtml(QUOTE_ID)).toBe('sg-&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&#39;ü☃');
  });
});

describe.skipIf(!existsSync(CHROMIUM))('Function: renderReportHtml in Chromium', () => {
  it('renders the charts with one bar per day and one segment per outcome of each day', async () => {
    // Prepare
    const tab = await browser!.newPage();
    const dialogs: string[] = [];
    tab.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });

    // Act
    await tab.goto(pathToFileURL(page).href);
    const bars = await tab.$$eval('#chart-over-time g.bar', (gs) =>
      gs.map((g) => ({
        day: g.getAttribute('data-day'),
        total: Number(g.getAttribute('data-total')),
        segments: [...g.querySelectorAll('rect.segment')].map((r) => [
          r.getAttribute('data-outcome'),
          Number(r.getAttribute('data-count')),
          r.getBoundingClientRect().height,
        ]),
      })),
    );
    const chartBox = await tab.locator('#chart-over-time').boundingBox();
    const hist = await tab.$$eval('#chart-latency rect.hist-bar', (rs) =>
      rs.map((r) => Number(r.getAttribute('data-count'))),
    );

    // Assess
    expect(dialogs).toEqual([]);
    expect(chartBox!.width).toBeGreaterThan(100);
    expect(bars.map((b) => [b.day, b.total])).toEqual([
      ['2026-11-18', 2],
      ['2026-11-19', 2],
      ['2026-11-20', 4],
    ]);
    expect(bars.map((b) => b.segments.map(([o, n]) => [o, n]))).toEqual([
      [
        ['APPLIED', 1],
        ['NOOP', 1],
      ],
      [
        ['PLANNED', 1],
        ['FAILED', 1],
      ],
      [
        ['APPLIED', 1],
        ['EXEMPT', 1],
        ['REJECTED', 2],
      ],
    ]);
    const rejected = bars[2]!.segments.find(([o]) => o === 'REJECTED')!;
    const exempt = bars[2]!.segments.find(([o]) => o === 'EXEMPT')!;
    expect(rejected[2] as number).toBeCloseTo(2 * (exempt[2] as number), 0);
    expect(hist).toEqual([1, 1, 0, 1, 1, 1, 1]);
    await tab.close();
  });

  it('shows numbers that match the trail', async () => {
    // Prepare
    const tab = await browser!.newPage();

    // Act
    await tab.goto(pathToFileURL(page).href);
    const total = await tab.textContent('#total');
    const cards = await tab.$$eval('.card[data-outcome]', (cs) =>
      Object.fromEntries(
        cs.map((c) => [c.getAttribute('data-outcome'), Number(c.querySelector('.n')?.textContent)]),
      ),
    );
    const byRule = await tab.$$eval('#table-rule tbody tr', (rows) =>
      rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)),
    );
    const failures = await tab.$$eval('#table-failures tbody tr', (rows) =>
      rows.map((r) => r.getAttribute('data-record')),
    );
    const expiring = await tab.textContent('#table-expiring');
    const expired = await tab.textContent('#list-expired');

    // Assess
    expect(total).toBe(String(records.length));
    expect(cards).toEqual({
      ALL: 8,
      APPLIED: 2,
      NOOP: 1,
      PLANNED: 1,
      DEFERRED: 0,
      EXEMPT: 1,
      SUPPRESSED: 0,
      FAILED: 1,
      REJECTED: 2,
    });
    expect(byRule).toEqual([['restricted-ssh', '8']]);
    expect(failures).toEqual([records[6]!.id, records[5]!.id, records[3]!.id]);
    expect(expiring).toContain('EX-104');
    expect(expiring).toContain('bastion migration <CHG-8812>');
    expect(expiring).toContain('4.0');
    expect(expired).toContain('EX-OLD');
    await tab.close();
  });

  it('shows hostile resource ids as text and runs nothing from them', async () => {
    // Prepare
    const tab = await browser!.newPage();
    const dialogs: string[] = [];
    tab.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });

    // Act
    await tab.goto(pathToFileURL(page).href);
    await tab.waitForTimeout(200);
    const text = (await tab.textContent('body')) ?? '';
    const scripts = await tab.locator('script, img, iframe, object').count();

    // Assess
    expect(dialogs).toEqual([]);
    expect(scripts).toBe(0);
    expect(text).toContain(SCRIPT_ID);
    expect(text).toContain(QUOTE_ID);
    await tab.close();
  });
});

if (!existsSync(CHROMIUM)) {
  describe('Function: renderReportHtml in Chromium', () => {
    it.skip(`skipped: ${CHROMIUM} is absent (install it: apt-get install -y chromium)`, () => {});
  });
}
