import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  allowEntryActive,
  checkState,
  evaluateCiChecks,
  evaluateVulnerabilities,
  extractJson,
  parseTrivyReport,
  ScanReportError,
  type CheckObservation,
  type Finding,
} from '../../../shared/domain/scan-policy.js';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/trivy', name), 'utf8');
const NOW = Date.parse('2026-11-20T12:00:00Z');

describe('parseTrivyReport', () => {
  it('reads every vulnerability of every result, with its target', () => {
    const report = parseTrivyReport(fixture('api-gateway.json'));
    expect(report.artifact).toMatch(/^hearloveen\.azurecr\.io\/api-gateway@sha256:/);
    expect(report.findings).toHaveLength(11);
    expect(report.findings.find((f) => f.id === 'CVE-2024-45337')).toEqual({
      id: 'CVE-2024-45337',
      pkg: 'golang.org/x/crypto',
      installed: 'v0.28.0',
      fixed: '0.31.0',
      severity: 'CRITICAL',
      target: 'app/gateway',
    });
    // No FixedVersion (Debian "will_not_fix"): no `fixed` key at all.
    expect(report.findings.find((f) => f.id === 'CVE-2023-45853')).not.toHaveProperty('fixed');
  });

  it('reads a clean report (results without a Vulnerabilities field)', () => {
    expect(parseTrivyReport(fixture('clean.json')).findings).toEqual([]);
  });

  it('finds the report in job logs that carry stderr lines around it', () => {
    const logs = `2026-11-20T10:07:01Z\tINFO\t[vuln] Vulnerability scanning is enabled {x}\n${fixture('clean.json')}\n2026-11-20T10:07:12Z\tWARN\tdone {}`;
    expect(parseTrivyReport(logs).artifact).toContain('user-service');
  });

  it.each([
    ['an old schema', '{"SchemaVersion":1,"Results":[]}', /SchemaVersion 1/],
    ['no JSON at all', 'FATAL\tunable to pull image', /no JSON/],
    ['a JSON array', '[1,2]', /no JSON/],
    ['malformed Results', '{"SchemaVersion":2,"Results":{}}', /malformed Results/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseTrivyReport(text)).toThrow(ScanReportError);
    expect(() => parseTrivyReport(text)).toThrow(message);
  });

  it('maps unknown severities to UNKNOWN and skips entries without an id', () => {
    const text = JSON.stringify({
      SchemaVersion: 2,
      Results: [
        {
          Target: 't',
          Vulnerabilities: [{ VulnerabilityID: 'X-1', Severity: 'SEVERE' }, { PkgName: 'no-id' }, null],
        },
        { Target: 'u', Vulnerabilities: null },
      ],
    });
    expect(parseTrivyReport(text).findings).toEqual([
      { id: 'X-1', pkg: '', installed: '', severity: 'UNKNOWN', target: 't' },
    ]);
  });

  it('extractJson tries later candidates when an earlier brace is not the document', () => {
    expect(extractJson('{ not json\n{"a":1}')).toEqual({ a: 1 });
  });
});

describe('allowEntryActive', () => {
  it.each([
    ['2026-11-20', true], // a date applies through that whole day (UTC)
    ['2026-11-19', false],
    ['2027-03-31', true],
    ['2026-11-20T11:59:59Z', false],
    ['2026-11-20T12:00:01Z', true],
    ['soon', false], // unreadable: treated as expired, never as forever
  ])('%s at 2026-11-20T12:00Z → %s', (expires, active) => {
    expect(allowEntryActive(expires, NOW)).toBe(active);
  });
});

const f = (id: string, severity: Finding['severity'], fixed?: string): Finding => ({
  id,
  pkg: 'p',
  installed: '1',
  severity,
  target: 't',
  ...(fixed ? { fixed } : {}),
});

describe('evaluateVulnerabilities', () => {
  const findings = parseTrivyReport(fixture('api-gateway.json')).findings;

  it('counts by severity and fails on findings at or above failOn', () => {
    const v = evaluateVulnerabilities(findings, { failOn: 'high', allow: [] }, NOW);
    expect(v.verdict).toBe('fail');
    expect(v.evidence.counts).toEqual({ CRITICAL: 2, HIGH: 3, MEDIUM: 2, LOW: 3, UNKNOWN: 1 });
    expect(v.evidence.blocking).toBe(5);
    expect(v.evidence.top).toHaveLength(10);
    expect(v.evidence.top.slice(0, 2).map((t) => t.severity)).toEqual(['CRITICAL', 'CRITICAL']);
    // Fixable first within a severity: x/crypto has a fix, zlib does not.
    expect(v.evidence.top[0]?.id).toBe('CVE-2024-45337');
    expect(v.summary).toBe('5 finding(s) at high or above (of 11)');
  });

  it.each([
    ['critical', 2],
    ['high', 5],
    ['medium', 7],
    ['low', 10], // UNKNOWN never blocks
  ] as const)('failOn %s blocks %i findings', (failOn, blocking) => {
    expect(evaluateVulnerabilities(findings, { failOn, allow: [] }, NOW).evidence.blocking).toBe(blocking);
  });

  it('waives findings named by active allow-list entries (ids compared case-insensitively)', () => {
    const allow = [
      { id: 'CVE-2024-45337', expires: '2027-03-31', reason: 'not reachable' },
      { id: 'cve-2023-45853', expires: '2027-01-01' },
    ];
    const v = evaluateVulnerabilities(findings, { failOn: 'critical', allow }, NOW);
    expect(v.verdict).toBe('pass');
    expect(v.evidence.allowed).toEqual([
      { id: 'CVE-2024-45337', expires: '2027-03-31', reason: 'not reachable', findings: 1 },
      { id: 'cve-2023-45853', expires: '2027-01-01', findings: 1 },
    ]);
    expect(v.evidence.top[0]).toMatchObject({ id: 'CVE-2024-45337', allowed: true });
    expect(v.summary).toBe('no blocking findings (11 total, 2 allow-list entries used)');
  });

  it('an expired entry no longer waives its finding, and is reported', () => {
    const allow = [
      { id: 'CVE-2024-45337', expires: '2026-11-01', reason: 'waiting on upstream' },
      { id: 'CVE-2023-45853', expires: '2027-01-01' },
    ];
    const v = evaluateVulnerabilities(findings, { failOn: 'critical', allow }, NOW);
    expect(v.verdict).toBe('fail');
    expect(v.evidence.blocking).toBe(1);
    expect(v.evidence.expired).toEqual([
      { id: 'CVE-2024-45337', expires: '2026-11-01', reason: 'waiting on upstream', findings: 1 },
    ]);
  });

  it('warns when nothing blocks but an allow-list entry has expired', () => {
    const v = evaluateVulnerabilities(
      [f('CVE-1', 'LOW')],
      { failOn: 'high', allow: [{ id: 'CVE-9', expires: '2025-01-01' }] },
      NOW,
    );
    expect(v.verdict).toBe('warn');
    expect(v.summary).toContain('1 expired');
  });

  it('passes an empty report', () => {
    const v = evaluateVulnerabilities([], { failOn: 'low', allow: [] }, NOW);
    expect(v).toMatchObject({ verdict: 'pass', evidence: { blocking: 0, top: [] } });
  });

  it('an allow-list entry for a finding below the threshold is not counted as used', () => {
    const v = evaluateVulnerabilities(
      [f('CVE-2', 'MEDIUM')],
      { failOn: 'high', allow: [{ id: 'CVE-2', expires: '2027-01-01' }] },
      NOW,
    );
    expect(v.verdict).toBe('pass');
    expect(v.evidence.top[0]).not.toHaveProperty('allowed');
  });
});

const run = (name: string, status: string, conclusion?: string): CheckObservation => ({
  name,
  source: 'check-run',
  status,
  ...(conclusion ? { conclusion } : {}),
});
const status = (name: string, state: string): CheckObservation => ({ name, source: 'status', status: state });

describe('checkState', () => {
  it.each([
    [run('a', 'completed', 'success'), 'pass'],
    [run('a', 'completed', 'neutral'), 'pass'],
    [run('a', 'completed', 'skipped'), 'pass'],
    [run('a', 'completed', 'failure'), 'fail'],
    [run('a', 'completed', 'cancelled'), 'fail'],
    [run('a', 'completed', 'timed_out'), 'fail'],
    [run('a', 'completed', 'action_required'), 'fail'],
    [run('a', 'in_progress'), 'pending'],
    [run('a', 'queued'), 'pending'],
    [status('a', 'success'), 'pass'],
    [status('a', 'pending'), 'pending'],
    [status('a', 'failure'), 'fail'],
    [status('a', 'error'), 'fail'],
  ])('%j → %s', (observation, state) => {
    expect(checkState(observation)).toBe(state);
  });
});

describe('evaluateCiChecks', () => {
  it.each([
    ['all pass', [run('lint', 'completed', 'success'), status('build', 'success')], 'pass', []],
    ['one fails', [run('lint', 'completed', 'failure'), status('build', 'pending')], 'fail', []],
    ['one pending', [run('lint', 'in_progress'), status('build', 'success')], 'pending', []],
    ['one missing', [run('lint', 'completed', 'success')], 'pending', ['build']],
    ['failure beats missing', [run('lint', 'completed', 'failure')], 'fail', ['build']],
  ])('%s', (_name, observed, state, missing) => {
    const v = evaluateCiChecks(observed, ['lint', 'build']);
    expect(v.state).toBe(state);
    expect(v.missing).toEqual(missing);
  });

  it('prefers the first check run of a name (callers put the newest first) over a status', () => {
    const v = evaluateCiChecks(
      [status('lint', 'failure'), run('lint', 'completed', 'success'), run('lint', 'completed', 'failure')],
      ['lint'],
    );
    expect(v.state).toBe('pass');
    expect(v.checks).toEqual([
      { name: 'lint', source: 'check-run', status: 'completed', conclusion: 'success', state: 'pass' },
    ]);
  });
});
