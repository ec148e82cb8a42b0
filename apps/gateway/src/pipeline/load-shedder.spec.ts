import { LoadShedder } from './load-shedder';

describe('LoadShedder', () => {
  it('refuses a county past its own limit while the other counties still get in', () => {
    const shedder = new LoadShedder({ maxInFlight: 10, maxInFlightPerTenant: 2 });
    const a1 = shedder.tryEnter('t510101');
    const a2 = shedder.tryEnter('t510101');
    expect(a1.admitted && a2.admitted).toBe(true);
    expect(shedder.tryEnter('t510101')).toEqual({ admitted: false, refusedBy: 'tenant' });
    const b = shedder.tryEnter('t510102');
    expect(b.admitted).toBe(true);
    expect(shedder.inFlight()).toBe(3);
    expect(shedder.inFlight('t510101')).toBe(2);
  });

  it('refuses everyone past the instance limit, and admits again once a slot is given back (once, however often release is called)', () => {
    const shedder = new LoadShedder({ maxInFlight: 2, maxInFlightPerTenant: 2 });
    const first = shedder.tryEnter('t510101');
    shedder.tryEnter();
    expect(shedder.tryEnter('t510102')).toEqual({ admitted: false, refusedBy: 'instance' });
    expect(shedder.tryEnter()).toEqual({ admitted: false, refusedBy: 'instance' });
    if (!first.admitted) throw new Error('the first request was refused');
    first.release();
    first.release();
    expect(shedder.inFlight()).toBe(1);
    expect(shedder.inFlight('t510101')).toBe(0);
    expect(shedder.tryEnter('t510102').admitted).toBe(true);
    expect(shedder.tryEnter('t510103')).toEqual({ admitted: false, refusedBy: 'instance' });
  });
});
