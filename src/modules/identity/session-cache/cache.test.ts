import { describe, expect, it } from 'vitest';
import type { SessionFacts } from '../sessions.js';
import { SessionCache } from './cache.js';

const facts = (sessionId: string): SessionFacts => ({
  sessionId,
  userId: 'u1',
  kind: 'human',
  vendor: false,
  bootstrap: false,
  mustChangePassword: false,
  disabled: false,
  accountExpiresAt: null,
  totpEnabled: false,
  mfaVerified: false,
  expiresAt: 10_000_000,
  revoked: false,
  lastSeenAt: 0,
  csrfHash: 'h',
  grants: [],
});

describe('SessionCache', () => {
  it('does not store what a read begun before an invalidation returned', () => {
    const cache = new SessionCache(10_000);
    const mark = cache.mark();
    cache.clear(); // a change committed while the read was under way
    cache.put('t1', facts('s1'), 0, mark);
    expect(cache.get('t1', 1)).toBeUndefined();
    cache.put('t1', facts('s1'), 0, cache.mark());
    expect(cache.get('t1', 1)?.sessionId).toBe('s1');
  });

  it('forgets an entry once its TTL has passed, or when the clock went back', () => {
    const cache = new SessionCache(10_000);
    cache.put('t1', facts('s1'), 5_000, cache.mark());
    expect(cache.get('t1', 14_999)).toBeDefined();
    expect(cache.get('t1', 15_000)).toBeUndefined();
    cache.put('t1', facts('s1'), 5_000, cache.mark());
    expect(cache.get('t1', 4_999)).toBeUndefined();
  });

  it('forgets only the touched session on forgetSession, and everything on clear', () => {
    const cache = new SessionCache(10_000);
    cache.put('t1', facts('s1'), 0, cache.mark());
    cache.put('t2', facts('s2'), 0, cache.mark());
    cache.forgetSession('s1');
    expect([cache.get('t1', 1), cache.get('t2', 1)?.sessionId]).toEqual([undefined, 's2']);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('holds at most its capacity, dropping the oldest loaded first', () => {
    const cache = new SessionCache(10_000, 2);
    for (const token of ['t1', 't2', 't3']) cache.put(token, facts(token), 0, cache.mark());
    expect([cache.get('t1', 1), cache.get('t2', 1)?.sessionId, cache.get('t3', 1)?.sessionId]).toEqual([
      undefined,
      't2',
      't3',
    ]);
  });
});
