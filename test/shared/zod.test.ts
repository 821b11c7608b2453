import { describe, expect, it } from 'vitest';
import { lazySchema, zod } from '../../shared/zod.js';

describe('lazySchema', () => {
  it('builds on the first call, with zod, and keeps the schema', () => {
    let builds = 0;
    const schema = lazySchema((z) => {
      builds++;
      return z.object({ name: z.string().min(1) });
    });
    expect(builds).toBe(0);
    expect(schema().parse({ name: 'ada' })).toEqual({ name: 'ada' });
    expect(schema().safeParse({ name: '' }).success).toBe(false);
    expect(builds).toBe(1);
  });

  it('hands every builder the same zod', () => {
    expect(zod()).toBe(zod());
    expect(lazySchema((z) => z)()).toBe(zod());
  });
});
