// The one list of this service's migrations and entities, shared by the app and tools/migrate.mjs.
import { PlatformTables1764201600000 } from '@countypay/service-kit';

export const SCHEMA = 'acquiring';
export const migrations = [PlatformTables1764201600000];
export const entities = [];
