import { Injectable } from '@nestjs/common';
import { ServiceUrlsConfig } from '@countypay/config';

/**
 * Sends the consent SMS to the customer's bank-reserved mobile through the county's SMS gateway
 * (the channel sandbox's credit SMS simulator locally). The number and the code never reach a log.
 */
@Injectable()
export class CreditSmsClient {
  constructor(private readonly urls: ServiceUrlsConfig) {}

  async send(tenantId: string, mobile: string, text: string): Promise<void> {
    const res = await fetch(`${this.urls.url('channel-sandbox')}/credit-sms/${encodeURIComponent(tenantId)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mobile, text }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!res.ok) throw new Error(`the SMS gateway answered ${res.status}`);
  }
}

/** The consent message, Chinese first. */
export function consentMessage(code: string): string {
  return `【信用付】您正在通过合作方应用申请县农商行信用付授信，验证码 ${code}，5 分钟内有效，请勿泄露。Credit line consent code ${code}, valid 5 minutes.`;
}
