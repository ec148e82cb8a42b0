import type { TlvEntry } from './tlv';

/**
 * The value model of an EMVCo Merchant-Presented Mode payload as countypay issues and
 * reads it (UnionPay QR profile). Tag order is not part of the model: `encodeMpm` always
 * writes tags in ascending order with 00 first and 63 (CRC) last, and `decodeMpm` returns
 * every list sorted by tag, so `decodeMpm(encodeMpm(f)).value` deep-equals `f` whenever
 * `f`'s lists are sorted by tag.
 *
 * Fixed and therefore not a field: 00 payload format indicator = "01". 53 transaction
 * currency and 58 country code are fields: any well-formed value makes a valid payload (a
 * UnionPay code in USD from Cambodia is valid EMVCo); whether this platform can pay it is a
 * separate question, `payability()` (CNY in CN only).
 */
export type PointOfInitiation = 'static' | 'dynamic';

/**
 * Merchant account information template, tags 26–51: nested TLV whose sub-tag 00 is the
 * globally unique identifier (reverse domain name such as `cn.countypay`, or an AID),
 * followed by scheme-specific sub-tags 01–99. See `countypay-template.ts` for the layout
 * countypay uses under its own identifier.
 */
export interface MerchantAccountTemplate {
  /** '26'..'51' */
  readonly tag: string;
  /** Sub-tag 00, 1–32 characters. */
  readonly globallyUniqueId: string;
  /** Sub-tags 01–99 in ascending order. */
  readonly subfields: readonly TlvEntry[];
}

/** Tag 62, additional data field template (EMVCo sub-tags; each value 1–25 characters). */
export interface AdditionalData {
  /** 01 bill number (invoice / order reference shown to the payer) */
  readonly billNumber?: string;
  /** 02 mobile number */
  readonly mobileNumber?: string;
  /** 03 store label */
  readonly storeLabel?: string;
  /** 04 loyalty number */
  readonly loyaltyNumber?: string;
  /** 05 reference label (countypay: the payment order's short reference on dynamic codes) */
  readonly referenceLabel?: string;
  /** 06 customer label */
  readonly customerLabel?: string;
  /** 07 terminal label */
  readonly terminalLabel?: string;
  /** 08 purpose of transaction */
  readonly purposeOfTransaction?: string;
  /** 09 additional consumer data request: 1–3 of 'A' (address), 'M' (mobile), 'E' (email) */
  readonly additionalConsumerDataRequest?: string;
  /** Sub-tags 10–99 (RFU and payment-system-specific), raw, ascending. */
  readonly otherSubfields?: readonly TlvEntry[];
}

/** Tag 64, merchant information — language template. */
export interface MerchantInfoLanguage {
  /** 00 language preference, ISO 639-1 two letters (e.g. 'ZH'). */
  readonly languagePreference: string;
  /** 01 merchant name in that language, 1–25 characters. */
  readonly merchantName: string;
  /** 02 merchant city in that language, 1–15 characters. */
  readonly merchantCity?: string;
}

/** Tags 55/56/57: tip or convenience fee. */
export type TipOrConvenience =
  | { readonly kind: 'prompt_tip' } // 55 = 01
  | { readonly kind: 'fixed_fee'; readonly feeFen: bigint } // 55 = 02, 56 = amount
  | { readonly kind: 'percentage_fee'; readonly basisPoints: number }; // 55 = 03, 57 = "00.01".."99.99"

export interface MpmFields {
  /** 01: '11' static (reusable, e.g. a store sticker), '12' dynamic (one payment order). */
  readonly pointOfInitiation: PointOfInitiation;
  /** 02–25: primitive merchant account information reserved for card networks (e.g. UnionPay 15), ascending. */
  readonly networkAccounts?: readonly TlvEntry[];
  /** 26–51: merchant account information templates, ascending by tag. */
  readonly merchantAccounts: readonly MerchantAccountTemplate[];
  /** 52: merchant category code (ISO 18245), 4 digits. */
  readonly merchantCategoryCode: string;
  /** 53: transaction currency, ISO 4217 numeric (3 digits; '156' is CNY). */
  readonly transactionCurrency: string;
  /** 58: country code, ISO 3166-1 alpha-2 ('CN'). */
  readonly countryCode: string;
  /**
   * 54: transaction amount in hundredths of the currency's unit — integer fen for CNY.
   * Required on dynamic codes; optional (fixed price) on static ones.
   */
  readonly amountFen?: bigint;
  /** 55–57 */
  readonly tipOrConvenience?: TipOrConvenience;
  /** 59: merchant name, 1–25 characters (Chinese allowed). */
  readonly merchantName: string;
  /** 60: merchant city, 1–15 characters (Chinese allowed). */
  readonly merchantCity: string;
  /** 61: postal code, 1–10 characters. */
  readonly postalCode?: string;
  /** 62 */
  readonly additionalData?: AdditionalData;
  /** 64 */
  readonly merchantInfoLanguage?: MerchantInfoLanguage;
  /** 65–99: RFU and unreserved templates, kept raw, ascending. */
  readonly additionalTags?: readonly TlvEntry[];
}
