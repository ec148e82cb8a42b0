// What the online-acquiring e2e suites share: waiting for acquiring to know a new merchant (onboarding's
// event), and test cards of card quick pay in the channel sandbox (the county bank) — a debit card is
// a deposit account with its holder's details at the bank; the SMS a test phone received and the
// bank's own record of an agreement are read through the sandbox's admin and channel interfaces.
import { CountypayApiError } from '@countypay/sdk';
import { luhnCheckDigit } from '@countypay/security';
import { serviceUrl } from '../support/platform';
import { randomDigits, until } from '../../load/platform-setup';

/** Retries `attempt` while acquiring does not know the merchant yet (its read model follows onboarding's events). */
export function untilAcquiringKnows<T>(what: string, attempt: () => Promise<T>): Promise<T> {
  return until(
    what,
    async () => {
      try {
        return await attempt();
      } catch (err) {
        if (err instanceof CountypayApiError && (err.code === 'merchant_not_active' || err.code === 'not_found')) return undefined;
        throw err;
      }
    },
    60_000,
    500,
  );
}

export interface CardHolder {
  holderName: string;
  idNumber: string;
  mobile: string;
}

const sandbox = (): string => serviceUrl('channel-sandbox');

export function postToSandbox(path: string, body: object): Promise<Response> {
  return fetch(`${sandbox()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** A county bank debit card of `balanceFen` (a 19-digit number, Luhn-valid) held by `holder`. */
export async function openCard(tenantId: string, holder: CardHolder, balanceFen: number): Promise<string> {
  const body = `622848${randomDigits(12)}`;
  const card = `${body}${luhnCheckDigit(body)}`;
  const acct = await postToSandbox(`/core/${tenantId}/accounts`, { accountNo: card, holderName: holder.holderName, balanceFen });
  if (acct.status !== 201) throw new Error(`the sandbox did not open the account: ${acct.status}`);
  const h = await postToSandbox(`/core/${tenantId}/cards`, { cardNo: card, idNumber: holder.idNumber, mobile: holder.mobile });
  if (h.status !== 201) throw new Error(`the sandbox did not register the holder: ${h.status}`);
  return card;
}

/** The latest SMS code the test phone received (the sandbox SMS gateway's admin API). */
export async function latestCode(tenantId: string, mobile: string): Promise<string> {
  const r = (await (await fetch(`${sandbox()}/admin/sms?tenantId=${tenantId}&mobile=${mobile}`)).json()) as { data: Array<{ text: string }> };
  const m = /验证码 (\d{6})/.exec(r.data[0]?.text ?? '');
  if (!m?.[1]) throw new Error(`no SMS code for ${mobile}`);
  return m[1];
}

export async function balanceOf(tenantId: string, card: string): Promise<number> {
  return ((await (await fetch(`${sandbox()}/core/${tenantId}/accounts/${card}`)).json()) as { balanceFen: number }).balanceFen;
}

/** The agreement as the county bank holds it (`active` | `revoked`). */
export async function bankAgreementStatus(tenantId: string, agreementId: string): Promise<string> {
  return ((await (await fetch(`${sandbox()}/channels/county_bank/online/agreements/${agreementId}?tenantId=${tenantId}`)).json()) as { status: string }).status;
}
