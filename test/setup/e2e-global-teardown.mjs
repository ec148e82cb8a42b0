import { stopPlatform } from '../../tools/platform.mjs';

export default async function teardown() {
  await stopPlatform({ profile: 'e2e' });
}
