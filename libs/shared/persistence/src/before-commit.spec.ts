import type { EntityManager } from 'typeorm';
import { beforeCommit, discardBeforeCommit, runBeforeCommit } from './before-commit';
import { isTransientConflict } from './transient';

describe('beforeCommit', () => {
  it('runs each key once, in registration order, including hooks registered by hooks, then forgets them', async () => {
    const em = {} as EntityManager;
    const ran: string[] = [];
    beforeCommit(em, 'a', async () => {
      ran.push('a');
      beforeCommit(em, 'c', async () => void ran.push('c'));
    });
    beforeCommit(em, 'b', async () => void ran.push('b'));
    beforeCommit(em, 'a', async () => void ran.push('a-again'));
    await runBeforeCommit(em);
    expect(ran).toEqual(['a', 'b', 'c']);
    await runBeforeCommit(em);
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('keeps transactions apart and drops what a rolled-back transaction registered', async () => {
    const one = {} as EntityManager;
    const two = {} as EntityManager;
    const ran: string[] = [];
    beforeCommit(one, 'k', async () => void ran.push('one'));
    beforeCommit(two, 'k', async () => void ran.push('two'));
    discardBeforeCommit(one);
    await runBeforeCommit(one);
    await runBeforeCommit(two);
    expect(ran).toEqual(['two']);
  });
});

describe('isTransientConflict', () => {
  it('is true for deadlocks and serialization failures, also wrapped, and false otherwise', () => {
    expect(isTransientConflict({ code: '40P01' })).toBe(true);
    expect(isTransientConflict({ driverError: { code: '40001' } })).toBe(true);
    expect(isTransientConflict(new Error('x', { cause: { code: '40P01' } }))).toBe(true);
    expect(isTransientConflict({ code: '23505' })).toBe(false);
    expect(isTransientConflict(null)).toBe(false);
  });
});
