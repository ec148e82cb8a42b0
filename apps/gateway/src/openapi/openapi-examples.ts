import type { JsonSchema } from '@countypay/service-kit';

/**
 * An example value for a schema: the schema's own `examples[0]`/`const`/`default`/first enum
 * value where it has one, else a value of its type and format that respects its bounds. The
 * document's test checks every example validates against its schema, so a property whose
 * shape cannot be guessed (a `pattern`) must carry an example.
 */
export function exampleOf(schema: JsonSchema, components: Record<string, JsonSchema>, depth = 0): unknown {
  if (depth > 24) return undefined;
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const target = components[ref.replace('#/components/schemas/', '')];
    return target ? exampleOf(target, components, depth + 1) : undefined;
  }
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ('const' in schema) return schema.const;
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum.find((v) => v !== null) ?? schema.enum[0];
  for (const k of ['oneOf', 'anyOf'] as const) {
    const alts = schema[k];
    if (Array.isArray(alts)) {
      const first = (alts as JsonSchema[]).find((a) => a.type !== 'null');
      return first ? exampleOf(first, components, depth + 1) : null;
    }
  }
  if (Array.isArray(schema.allOf)) return Object.assign({}, ...(schema.allOf as JsonSchema[]).map((s) => exampleOf(s, components, depth + 1)));
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== 'null') : (schema.type as string | undefined);
  switch (type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const out: Record<string, unknown> = {};
      for (const [name, s] of Object.entries(props)) out[name] = exampleOf(s, components, depth + 1);
      return out;
    }
    case 'array': {
      const items = schema.items as JsonSchema | undefined;
      const n = typeof schema.minItems === 'number' ? Math.max(1, schema.minItems) : 1;
      return items ? Array.from({ length: n }, () => exampleOf(items, components, depth + 1)) : [];
    }
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
      const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
      let v = 100;
      if (min !== undefined && v < min) v = min;
      if (max !== undefined && v > max) v = max;
      return v;
    }
    case 'boolean':
      return true;
    case 'string':
      return stringExample(schema);
    default:
      return undefined;
  }
}

function stringExample(s: JsonSchema): string {
  switch (s.format) {
    case 'uuid':
      return '0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4';
    case 'date-time':
      return '2026-11-29T06:00:00.000Z';
    case 'date':
      return '2026-11-29';
    case 'uri':
    case 'url':
      return 'https://partner.example/callback';
    case 'email':
      return 'ops@partner.example';
  }
  const min = typeof s.minLength === 'number' ? s.minLength : 1;
  const max = typeof s.maxLength === 'number' ? s.maxLength : 64;
  const base = 'example';
  return base.length >= min && base.length <= max ? base : 'x'.repeat(Math.max(min, 1)).slice(0, max);
}
