// The one list of this service's migrations and entities, shared by the app and tools/migrate.mjs.
import { PlatformTables1764201600000 } from '@countypay/service-kit';
import { ChannelSandbox1764210000000 } from './migrations/1764210000000-channel-sandbox';

export const SCHEMA = 'channel_sandbox';
export const migrations = [PlatformTables1764201600000, ChannelSandbox1764210000000];
export const entities = [];
