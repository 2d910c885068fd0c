import { describe, expect, it } from 'vitest';
import { StatementNames } from './postgres-statements.js';

const text = (i: number) => `select * from t where a = $1 and b = ${i}`;

describe('StatementNames', () => {
  it('names a text only from its third sighting on, and always with the same name', () => {
    const names = new StatementNames({ threshold: 3, cap: 10, tracked: 10 });
    expect(names.nameFor(text(1))).toBeUndefined();
    expect(names.nameFor(text(1))).toBeUndefined();
    const name = names.nameFor(text(1));
    expect(name).toMatch(/^bastion_[\w-]{16}$/);
    expect(names.nameFor(text(1))).toBe(name);
    expect(names.nameFor(text(2))).toBeUndefined();
  });

  it('gives different texts different names', () => {
    const names = new StatementNames({ threshold: 1, cap: 10, tracked: 10 });
    expect(names.nameFor(text(1))).not.toBe(names.nameFor(text(2)));
  });

  it('names no more texts than the cap, however often others repeat', () => {
    const names = new StatementNames({ threshold: 1, cap: 3, tracked: 10 });
    const named = Array.from({ length: 6 }, (_, i) => names.nameFor(text(i)));
    expect(named.filter((name) => name !== undefined)).toHaveLength(3);
    expect(names.nameFor(text(5))).toBeUndefined();
    expect(names.size).toBe(3);
  });

  it('never names transaction control, DDL or a text of several statements', () => {
    const names = new StatementNames({ threshold: 1, cap: 10, tracked: 10 });
    for (const sql of ['begin', 'commit', 'create table t (a int)', 'select 1; select 2', 'set local x = 1']) {
      expect(names.nameFor(sql), sql).toBeUndefined();
    }
    for (const sql of [
      'select 1',
      'insert into t values ($1)',
      'with x as (select 1) select * from x',
      ' DELETE FROM t',
    ]) {
      expect(names.nameFor(sql), sql).toBeDefined();
    }
  });

  it('forgets every count once it counts as many texts as it tracks', () => {
    const names = new StatementNames({ threshold: 2, cap: 10, tracked: 3 });
    names.nameFor(text(0));
    for (let i = 1; i <= 3; i++) names.nameFor(text(i));
    expect(names.nameFor(text(0))).toBeUndefined(); // its first sighting was forgotten
    expect(names.nameFor(text(0))).toBeDefined();
  });
});
