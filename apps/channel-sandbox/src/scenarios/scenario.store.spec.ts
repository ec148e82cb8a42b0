import { ScenarioStore } from './scenario.store';

describe('scenario overrides', () => {
  const order = '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f';

  it('an order scenario wins over the next-call one and each is used once', () => {
    const s = new ScenarioStore();
    s.add({ channel: 'wechat', behaviour: 'timeout' });
    s.add({ channel: 'wechat', orderId: order, behaviour: 'decline:card_frozen' });
    expect(s.take('wechat', 't510121', order)).toBe('decline:card_frozen');
    expect(s.take('wechat', 't510121', order)).toBe('timeout');
    expect(s.take('wechat', 't510121', order)).toBeUndefined();
  });

  it('applies to its channel (and tenant, when given) only', () => {
    const s = new ScenarioStore();
    s.add({ channel: 'alipay', tenantId: 't511381', behaviour: 'user_paying_forever' });
    expect(s.take('wechat', 't511381', order)).toBeUndefined();
    expect(s.take('alipay', 't510121', order)).toBeUndefined();
    expect(s.take('alipay', 't511381', order)).toBe('user_paying_forever');
  });

  it('a taken scenario put back (the payment was a repeat) applies to the next new payment, in its place', () => {
    const s = new ScenarioStore();
    s.add({ channel: 'wechat', behaviour: 'timeout' });
    s.add({ channel: 'wechat', behaviour: 'late_notify' });
    const taken = s.takeUndoable('wechat', 't510121', order);
    expect(taken?.behaviour).toBe('timeout');
    taken?.undo();
    taken?.undo(); // once only
    expect(s.list().map((x) => x.behaviour)).toEqual(['timeout', 'late_notify']);
    expect(s.take('wechat', 't510121', order)).toBe('timeout');
  });

  it("an order's scenario set again while one was taken stays the only one", () => {
    const s = new ScenarioStore();
    s.add({ channel: 'wechat', orderId: order, behaviour: 'timeout' });
    const taken = s.takeUndoable('wechat', 't510121', order);
    s.add({ channel: 'wechat', orderId: order, behaviour: 'decline:card_frozen' });
    taken?.undo();
    expect(s.list()).toEqual([{ channel: 'wechat', orderId: order, behaviour: 'decline:card_frozen' }]);
  });

  it('clears by channel or all', () => {
    const s = new ScenarioStore();
    s.add({ channel: 'alipay', behaviour: 'succeed' });
    s.add({ channel: 'unionpay', behaviour: 'succeed' });
    expect(s.clear('alipay')).toBe(1);
    expect(s.list()).toEqual([{ channel: 'unionpay', behaviour: 'succeed' }]);
    expect(s.clear()).toBe(1);
  });
});
