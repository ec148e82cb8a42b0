// End-to-end tests boot the whole platform the way `npm start` does (build, infrastructure,
// migrations, seed, all seven apps), on their own database and ports, and stop it after.
import { startPlatform } from '../../tools/platform.mjs';

export default async function setup() {
  const platform = await startPlatform({ profile: 'e2e' });
  process.env.COUNTYPAY_E2E_APPS = JSON.stringify(platform.apps);
  process.env.COUNTYPAY_E2E_ADMIN_URL = platform.adminUrl;
  process.env.COUNTYPAY_E2E_KAFKA_BROKERS = platform.kafkaBrokers;
  if (platform.zipkinUrl) process.env.COUNTYPAY_E2E_ZIPKIN_URL = platform.zipkinUrl;
  // where the apps log (under COUNTYPAY_LOCAL_DIR when it is set): the specs that scan the logs read them there
  process.env.COUNTYPAY_E2E_LOG_DIR = platform.logDir;
  // what a province operator and a partner verifying responses are given out of band
  process.env.COUNTYPAY_E2E_OPERATOR_TOKEN = platform.secrets.COUNTYPAY_BOOTSTRAP_OPERATOR_TOKEN;
  process.env.COUNTYPAY_E2E_PLATFORM_SM2_PUBLIC_KEY = platform.secrets.COUNTYPAY_PLATFORM_SM2_PUBLIC_KEY;
}
