// The one list of this service's migrations and entities, shared by the app and tools/migrate.mjs.
import { PLATFORM_MIGRATIONS } from '@countypay/service-kit';

export const SCHEMA = 'acquiring';
export const migrations = [...PLATFORM_MIGRATIONS];
export const entities = [];
