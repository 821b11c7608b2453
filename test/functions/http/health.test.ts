import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { health } from '../../../functions/http/health.js';

describe('health', () => {
  it('answers ok with JSON', () => {
    const res = health(new HttpRequest({ method: 'GET', url: 'http://localhost/api/health' }));
    expect(res.status).toBe(200);
    expect(res.jsonBody).toEqual({ status: 'ok', service: 'gantry' });
  });
});
