import { IsBoolean, IsIn, IsInt, IsString, IsUUID, Matches, Min } from 'class-validator';
import { IsAmountFen, PAYMENT_CHANNELS, type Fen, type PaymentChannel } from '@countypay/contracts';
import { ApiSchema, IdParam, Nullable } from '@countypay/service-kit';
import { PAYER_ID_MESSAGE, PAYER_ID_PATTERN } from '../../orders/dto/orders.dto';

/** A merchant or store id in a static code's resolve path: canonical, or compact (22 characters of base64url). */
export const codeIdParam = (what: string): IdParam =>
  new IdParam(what, /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9_-]{22})$/, 'bxwtPkpbTG2Of5AaKzxNXg');

/** The amount the payer typed on a static code's page, paid from the wallet that opened it. */
export class PayQrStaticCodeRequest {
  @IsAmountFen()
  @ApiSchema({ description: 'the amount in fen (分) the payer typed; 1288 is ¥12.88', examples: [1288] })
  amountFen!: Fen;

  @IsString()
  @Matches(PAYER_ID_PATTERN, { message: PAYER_ID_MESSAGE })
  @ApiSchema({ description: "the payer's id in the wallet (e.g. the WeChat openid the page obtained)", examples: ['oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'] })
  payerId!: string;
}

/** A static (sticker) code of a merchant or one of its stores: reusable, no amount. */
export class QrStaticCode {
  @IsUUID()
  @ApiSchema({ examples: ['6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e'] })
  merchantId!: string;

  @Nullable()
  @IsUUID()
  @ApiSchema({ description: "the store's code; null for the merchant's own", examples: ['11111111-2222-4333-8444-555555555555'] })
  storeId!: string | null;

  @IsString()
  @ApiSchema({
    description: 'the EMVCo merchant-presented payload to print (point of initiation 11, no amount)',
    examples: [
      '00020101021126790012cn.countypay0122bxwtPkpbTG2Of5AaKzxNXg0222https://q.countypay.cn0307t5101215204541153031565802CN5913金堂县赵镇便民超市有限公司6003成都市6304D6F7',
    ],
  })
  payload!: string;

  @IsString()
  @ApiSchema({ description: "the page a payer's phone opens", examples: ['https://q.countypay.cn/qr/r/t510121/bxwtPkpbTG2Of5AaKzxNXg'] })
  resolveUrl!: string;

  @IsBoolean()
  @ApiSchema({ description: 'whether the payload carries the resolve URL (a store code may leave it out for room; its ids are there either way)' })
  resolveUrlInPayload!: boolean;

  @IsString()
  @ApiSchema({ description: 'the code as a PNG image, base64' })
  imagePngBase64!: string;
}

/** What a static code offers the wallet app that opened it (the JSON form of its payment page). */
export class QrStaticCodeOffer {
  @IsString()
  @ApiSchema({ examples: ['金堂县赵镇便民超市有限公司'] })
  merchantName!: string;

  @IsIn(PAYMENT_CHANNELS)
  @ApiSchema({ description: 'the channel of the wallet that opened the code', examples: ['wechat'] })
  channel!: PaymentChannel;

  @IsString()
  @ApiSchema({ description: 'where to POST the payment (under /v1)', examples: ['/qr/r/t510121/bxwtPkpbTG2Of5AaKzxNXg/pay'] })
  payPath!: string;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: "the payer's daily limit for static codes in fen (PBoC: ¥500, or the county's lower one)", examples: [50000] })
  staticDailyLimitFen!: number;
}
