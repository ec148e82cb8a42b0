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

  it('keeps pooled connections for 5 min and two for good unless told otherwise; refuses a negative timeout', () => {
    const c = loadConfig(DatabaseConfig, { DATABASE_URL: 'postgres://u@h/db', DATABASE_SCHEMA: 'gateway' });
    expect(c.DATABASE_POOL_IDLE_TIMEOUT_MS).toBe(300_000);
    expect(c.DATABASE_POOL_MIN).toBe(2);
    const set = loadConfig(DatabaseConfig, {
      DATABASE_URL: 'postgres://u@h/db',
      DATABASE_SCHEMA: 'gateway',
      DATABASE_POOL_IDLE_TIMEOUT_MS: '0',
      DATABASE_POOL_MIN: '0',
    });
    expect(set.DATABASE_POOL_IDLE_TIMEOUT_MS).toBe(0);
    expect(set.DATABASE_POOL_MIN).toBe(0);
    expect(() => loadConfig(DatabaseConfig, { DATABASE_URL: 'postgres://u@h/db', DATABASE_SCHEMA: 'gateway', DATABASE_POOL_IDLE_TIMEOUT_MS: '-1' })).toThrow(
      /DATABASE_POOL_IDLE_TIMEOUT_MS/,
    );
  });
});
