// Node load hook: @actions/workflow-parser 0.3.61 imports its JSON schemas without `with { type: 'json' }`,
// which Node refuses; this adds the attribute to every .json module it loads.
export async function load(url, context, nextLoad) {
  if (url.endsWith('.json')) return nextLoad(url, { ...context, importAttributes: { type: 'json' } });
  return nextLoad(url, context);
}
