import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

const SENSITIVE = Symbol('countypay:config:sensitive');

/** Marks a config property as a secret: its value never appears in errors or logs. */
export function Sensitive(): PropertyDecorator {
  return (target, key) => {
    const ctor = target.constructor as { [SENSITIVE]?: Set<string | symbol> };
    ctor[SENSITIVE] = new Set([...(ctor[SENSITIVE] ?? []), key]);
  };
}

function isSensitive(cls: ClassConstructor<object>, key: string): boolean {
  return (cls as { [SENSITIVE]?: Set<string | symbol> })[SENSITIVE]?.has(key) ?? false;
}

export class ConfigError extends Error {
  constructor(
    readonly configClass: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid configuration (${configClass}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function describe(cls: ClassConstructor<object>, env: NodeJS.ProcessEnv, e: ValidationError): string {
  const raw = env[e.property];
  const shown = raw === undefined ? 'not set' : isSensitive(cls, e.property) ? 'set (value hidden)' : `got '${raw}'`;
  const why = Object.values(e.constraints ?? {}).join('; ');
  return `${e.property}: ${why} (${shown})`;
}

/**
 * Builds a typed, validated config object from environment variables. The class's property
 * names are the variable names; defaults are the property initialisers; numbers and booleans
 * are converted from their string form. Throws ConfigError naming every bad variable.
 */
export function loadConfig<T extends object>(cls: ClassConstructor<T>, env: NodeJS.ProcessEnv = process.env): T {
  const defaults = new cls() as Record<string, unknown>;
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    input[key] = env[key] !== undefined && env[key] !== '' ? env[key] : defaults[key];
  }
  const instance = plainToInstance(cls, input, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(instance, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigError(
      cls.name,
      errors.map((e) => describe(cls, env, e)),
    );
  }
  return instance;
}
