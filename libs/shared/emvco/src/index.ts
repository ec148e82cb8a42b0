export { crc16CcittFalse, crc16CcittFalseBytes } from './lib/crc16';
export { emvAmountToFen, fenToEmvAmount, MAX_EMV_AMOUNT_FEN, type EmvAmountParse } from './lib/amount';
export { MPM_ERROR_CODES, MpmEncodeError, type MpmError, type MpmErrorCode } from './lib/mpm-error';
export type { AdditionalData, MerchantAccountTemplate, MerchantInfoLanguage, MpmFields, PointOfInitiation, TipOrConvenience } from './lib/mpm-fields';
export type { TlvEntry } from './lib/tlv';
export {
  COUNTRY_CN,
  CURRENCY_CNY,
  decodeMpm,
  describeTag,
  encodeMpm,
  MAX_PAYLOAD_LENGTH,
  payability,
  validateMpmFields,
  type MpmDecodeResult,
  type NotPayableReason,
} from './lib/mpm-codec';
export {
  COUNTYPAY_GUID,
  COUNTYPAY_TEMPLATE_TAG,
  countypayMerchantAccount,
  readCountypayMerchantAccount,
  type CountypayMerchantAccount,
} from './lib/countypay-template';
export { DEFAULT_QR_MARGIN, DEFAULT_QR_WIDTH, renderQrPng, renderQrSvg, type QrImageOptions } from './lib/qr-image';
