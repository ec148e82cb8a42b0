import { Injectable } from '@nestjs/common';
import { FieldCipher, maskCardNumber } from '@countypay/security';
import { CreditConfig } from '../config/credit.config';

const KEY_ID = 'pii';

/** The customer's repayment account at rest: encrypted, bound to its tenant; shown masked only. */
@Injectable()
export class CreditPii {
  private readonly cipher: FieldCipher;

  constructor(config: CreditConfig) {
    this.cipher = new FieldCipher({ keys: [{ id: KEY_ID, key: config.COUNTYPAY_PII_KEY }], activeKeyId: KEY_ID });
  }

  sealAccount(tenantId: string, accountNo: string): string {
    return this.cipher.encrypt(accountNo, `credit.repayment_account:${tenantId}`);
  }

  openAccount(tenantId: string, sealed: string): string {
    return this.cipher.decrypt(sealed, `credit.repayment_account:${tenantId}`);
  }

  static mask(accountNo: string): string {
    return maskCardNumber(accountNo);
  }
}
