/**
 * Checks HTTP responses against Gantry's OpenAPI document. Understands only the JSON Schema subset the
 * document uses (type incl. arrays for nullable, properties, required, items, enum, additionalProperties,
 * $ref to components); an unknown keyword is an error so the document cannot silently outgrow it.
 */
type Schema = Record<string, unknown>;
type Doc = { paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> } };

const KNOWN = new Set([
  'type',
  'properties',
  'required',
  'items',
  'enum',
  'additionalProperties',
  '$ref',
  'description',
  'format',
  'minimum',
  'maximum',
  'default',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(expected: string, actual: string): boolean {
  return expected === actual || (expected === 'number' && actual === 'integer');
}

export class SchemaValidator {
  constructor(private readonly doc: Doc) {}

  validate(schema: Schema, value: unknown, at = '$'): string[] {
    const unknown = Object.keys(schema).filter((k) => !KNOWN.has(k));
    if (unknown.length > 0) return [`${at}: schema uses unsupported keyword(s) ${unknown.join(', ')}`];
    const types = schema.type === undefined ? [] : ([] as string[]).concat(schema.type as string | string[]);
    const actual = typeOf(value);
    if (types.length > 0 && !types.some((t) => typeMatches(t, actual)))
      return [`${at}: expected ${types.join(' | ')}, got ${actual}`];
    if (value === null && types.includes('null')) return [];
    const errors: string[] = [];
    if (typeof schema.$ref === 'string') errors.push(...this.validate(this.resolve(schema.$ref), value, at));
    if (Array.isArray(schema.enum) && !schema.enum.includes(value))
      errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
    if (actual === 'array' && schema.items)
      (value as unknown[]).forEach((v, i) =>
        errors.push(...this.validate(schema.items as Schema, v, `${at}[${i}]`)),
      );
    if (actual === 'object')
      errors.push(...this.validateObject(schema, value as Record<string, unknown>, at));
    return errors;
  }

  private validateObject(schema: Schema, value: Record<string, unknown>, at: string): string[] {
    const errors: string[] = [];
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[])
      if (!(name in value)) errors.push(`${at}: missing required '${name}'`);
    for (const [name, v] of Object.entries(value)) {
      const property = properties[name];
      if (property) errors.push(...this.validate(property, v, `${at}.${name}`));
      else if (schema.additionalProperties === false) errors.push(`${at}: undocumented property '${name}'`);
    }
    return errors;
  }

  private resolve(ref: string): Schema {
    const name = ref.replace('#/components/schemas/', '');
    const schema = this.doc.components.schemas[name];
    if (!schema) throw new Error(`unresolvable $ref ${ref}`);
    return schema;
  }

  /** The operation documented for a concrete path, by matching `{param}` templates segment by segment. */
  operation(method: string, path: string): Schema | undefined {
    const segments = path.split('/');
    const template = Object.keys(this.doc.paths).find((t) => {
      const parts = t.split('/');
      return (
        parts.length === segments.length &&
        parts.every((p, i) => (p.startsWith('{') && p.endsWith('}') ? segments[i] !== '' : p === segments[i]))
      );
    });
    return template ? this.doc.paths[template]?.[method.toLowerCase()] : undefined;
  }

  /** Problems with one response; empty when it matches the document. */
  checkResponse(method: string, path: string, status: number, body: string, contentType: string): string[] {
    const where = `${method} ${path} -> ${status}`;
    const op = this.operation(method, path);
    if (!op) return [`${where}: undocumented operation`];
    const response = (op.responses as Record<string, Schema>)[String(status)];
    if (!response) return [`${where}: undocumented status`];
    const content = response.content as Record<string, { schema: Schema }> | undefined;
    const schema = content?.['application/json']?.schema;
    if (!schema) {
      if (body === '') return [];
      // A non-JSON body (the dashboard's HTML and assets) must be one of the documented media types.
      const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
      if (content && media in content) return [];
      return [`${where}: documented without a body, got one`];
    }
    if (!/^application\/json\b/i.test(contentType)) return [`${where}: expected JSON, got '${contentType}'`];
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return [`${where}: body is not JSON`];
    }
    return this.validate(schema, value).map((e) => `${where}: ${e}`);
  }
}
