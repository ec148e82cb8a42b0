import { ApiError } from '@countypay/contracts';
import { isIpOrCidr } from './network';
import { generateOperatorToken, hashOperatorToken, OPERATOR_TOKEN_PATTERN } from './operator-token';
import { ACTIVITY_TRANSITIONS, transition } from './state-machine';

describe('operator tokens', () => {
  it('are cpo_ + 43 url-safe characters and hash to 64 hex digits', () => {
    const t = generateOperatorToken();
    expect(t).toMatch(/^cpo_[A-Za-z0-9_-]{43}$/);
    expect(OPERATOR_TOKEN_PATTERN.test(t)).toBe(true);
    expect(hashOperatorToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashOperatorToken('cpo_abc')).toBe('fb90b023900943c854d2f066461bd6168388be6830d50c404183601cb2e7574b'); // sha256sum of the bytes
    expect(generateOperatorToken()).not.toBe(t);
  });
});

describe('IP allowlist entries', () => {
  it.each(['10.0.0.1', '10.0.0.0/8', '0.0.0.0/0', '2001:db8::/32', '::1'])('accepts %s', (v) => expect(isIpOrCidr(v)).toBe(true));
  it.each(['10.0.0.0/33', '10.0.0', 'example.com', '10.0.0.0/8/1', '2001:db8::/129', '10.0.0.0/x', ''])('refuses %s', (v) => expect(isIpOrCidr(v)).toBe(false));
});

describe('active/suspended transitions', () => {
  it('suspends an active thing and resumes a suspended one', () => {
    expect(transition(ACTIVITY_TRANSITIONS, 'tenant', 'active', 'suspend')).toBe('suspended');
    expect(transition(ACTIVITY_TRANSITIONS, 'tenant', 'suspended', 'resume')).toBe('active');
  });
  it('refuses to suspend twice', () => {
    expect(() => transition(ACTIVITY_TRANSITIONS, 'app', 'suspended', 'suspend')).toThrow(ApiError);
    expect(() => transition(ACTIVITY_TRANSITIONS, 'app', 'active', 'resume')).toThrow(/cannot resume an? app that is active/);
  });
});
