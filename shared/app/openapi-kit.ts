/** The small builders every OpenAPI part file (openapi-<feature>.ts) writes its paths and schemas with. */
export type Json = Record<string, unknown>;

export const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: Json, description: string): Json => ({
  description,
  content: { 'application/json': { schema } },
});
export const error = (description: string): Json => json(ref('Error'), description);
/** A closed object: every property required unless `required` says otherwise. */
export const obj = (properties: Json, required: string[] = Object.keys(properties)): Json => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
