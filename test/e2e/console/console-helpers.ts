// What the console's browser tests share: operators with a console login, signing in, screenshots.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { CountypayOperatorClient } from '@countypay/sdk';
import { gatewayUrl } from '../support/platform';
import { uniq } from '../../load/platform-setup';

export const CHROMIUM = process.env.COUNTYPAY_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(process.cwd(), '.local', 'test-artifacts', 'console');

export interface ConsoleLogin {
  operatorId: string;
  username: string;
  password: string;
}

/** An operator with a console login, created by the province's automation token. */
export async function consoleOperator(province: CountypayOperatorClient, role: 'province' | 'county', tenantId?: string): Promise<ConsoleLogin> {
  const op = await province.request<{ operatorId: string }>('POST', '/v1/admin/operators', {
    body: { role, ...(tenantId ? { tenantId } : {}), name: `控制台 ${role} ${uniq()}` },
  });
  const username = `e2e.${role}.${uniq()}`.toLowerCase();
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  await province.request('POST', `/v1/admin/operators/${op.operatorId}/console-login`, { body: { username, password } });
  return { operatorId: op.operatorId, username, password };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

export async function signIn(page: Page, login: { username: string; password: string }): Promise<void> {
  await page.goto(`${gatewayUrl()}/console/`);
  await page.getByTestId('username').fill(login.username);
  await page.getByTestId('password').fill(login.password);
  await page.getByTestId('sign-in').click();
}
