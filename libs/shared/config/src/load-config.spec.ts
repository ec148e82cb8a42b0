import { DatabaseConfig, HttpConfig, KafkaConfig } from './common.config';
import { ConfigError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('applies defaults and converts numbers', () => {
    const c = loadConfig(HttpConfig, { PORT: '4100' });
    expect(c.PORT).toBe(4100);
    expect(c.HOST).toBe('127.0.0.1');
  });

  it('refuses a bad value and names the variable', () => {
    expect(() => loadConfig(HttpConfig, { PORT: 'eighty' })).toThrow(/PORT: .*got 'eighty'/);
    expect(() => loadConfig(KafkaConfig, { KAFKA_BROKERS: 'localhost' })).toThrow(ConfigError);
  });

  it('never shows a sensitive value', () => {
    try {
      loadConfig(DatabaseConfig, { DATABASE_URL: 'mysql://root:hunter2@db/x', DATABASE_SCHEMA: 'gateway' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toContain('DATABASE_URL');
      expect((e as Error).message).not.toContain('hunter2');
    }
  });

  it('names a missing required variable', () => {
    expect(() => loadConfig(DatabaseConfig, { DATABASE_SCHEMA: 'gateway' })).toThrow(/DATABASE_URL: .*not set/);
  });
});
