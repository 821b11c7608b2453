import { childrenOf, firstError, longestRange, nodesNamed, parsePromql, stringValue } from './promql-tree.js';

/**
 * The query limits of Azure Monitor managed service for Prometheus that differ from Prometheus
 * ("Query Prometheus metrics using the API and PromQL", API limitations; "Case sensitivity"):
 * - every time-series query must be scoped to one metric: each selector carries exactly one
 *   `__name__` (the metric name, or one `__name__="…"` matcher);
 * - `query_range` covers at most 32 days, counting the range selectors in the query itself;
 * - metric names, label names and values are matched case-insensitively, so a query that tells two
 *   series apart only by case (`env="Prod"` vs `env="prod"`) cannot work there.
 * Checked when the pipeline file loads and again before each query is sent.
 */

export const AZURE_MONITOR_MAX_RANGE_MS = 32 * 86_400_000;

type Tree = ReturnType<typeof parsePromql>;
type Node = ReturnType<Tree['resolveInner']>;

interface Matcher {
  name: string;
  op: string;
  value: string;
}

function matchersOf(selector: Node, text: string): { metric: string[]; matchers: Matcher[] } {
  const slice = (n: Node) => text.slice(n.from, n.to);
  const metric: string[] = [];
  const matchers: Matcher[] = [];
  const identifier = selector.getChild('Identifier');
  if (identifier) metric.push(slice(identifier));
  for (const child of childrenOf(selector.getChild('LabelMatchers') ?? selector)) {
    if (child.name === 'QuotedLabelName') metric.push(stringValue(slice(child)));
    if (child.name !== 'UnquotedLabelMatcher' && child.name !== 'QuotedLabelMatcher') continue;
    const nameNode = child.getChild('LabelName') ?? child.getChild('QuotedLabelName');
    const valueNode = child.getChild('StringLiteral');
    const op = child.getChild('MatchOp')?.firstChild?.name ?? '';
    if (!nameNode || !valueNode) continue;
    const name = nameNode.name === 'LabelName' ? slice(nameNode) : stringValue(slice(nameNode));
    matchers.push({ name, op, value: stringValue(slice(valueNode)) });
  }
  for (const m of matchers)
    if (m.name === '__name__') metric.push(m.op === 'EqlSingle' ? m.value : `~${m.value}`);
  return { metric, matchers };
}

function metricProblem(selector: string, metric: string[]): string | undefined {
  if (metric.length === 1 && !metric[0]?.startsWith('~')) return undefined;
  const what = metric.length === 0 ? 'names no metric' : 'does not name exactly one metric';
  return `selector ${selector} ${what}; Azure Monitor managed Prometheus needs exactly one metric name (__name__="…") per selector`;
}

function caseProblems(matchers: Array<Matcher & { metric: string }>): string[] {
  const problems: string[] = [];
  const seen = new Map<string, Matcher>();
  for (const m of matchers) {
    const key = `${m.metric.toLowerCase()}\u0000${m.name.toLowerCase()}`;
    const other = seen.get(key);
    if (other && other.name !== m.name)
      problems.push(`label names ${other.name} and ${m.name} differ only by case`);
    else if (other && other.value !== m.value && other.value.toLowerCase() === m.value.toLowerCase())
      problems.push(
        `${m.name} values ${JSON.stringify(other.value)} and ${JSON.stringify(m.value)} differ only by case`,
      );
    if (!other) seen.set(key, m);
  }
  return problems.map((p) => `${p}; Azure Monitor managed Prometheus matches labels case-insensitively`);
}

/** What in a rendered query Azure Monitor managed Prometheus would refuse or misread. */
export function azureMonitorProblems(query: string, rangeMs = 0): string[] {
  const tree = parsePromql(query);
  if (firstError(tree) !== undefined) return ['PromQL syntax error'];
  const problems: string[] = [];
  const all: Array<Matcher & { metric: string }> = [];
  for (const selector of nodesNamed(tree, 'VectorSelector')) {
    const { metric, matchers } = matchersOf(selector, query);
    const problem = metricProblem(query.slice(selector.from, selector.to), metric);
    if (problem) problems.push(problem);
    all.push(...matchers.map((m) => ({ ...m, metric: metric[0] ?? '' })));
  }
  problems.push(...caseProblems(all));
  const span = rangeMs + longestRange(tree, query);
  if (span > AZURE_MONITOR_MAX_RANGE_MS)
    problems.push(
      `the query spans ${Math.ceil(span / 86_400_000)} days (range plus range selectors); ` +
        'Azure Monitor managed Prometheus answers query_range over at most 32 days',
    );
  return problems;
}
