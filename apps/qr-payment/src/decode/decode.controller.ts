import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, PublicRoute } from '@countypay/service-kit';
import { decodePayload } from './decode-payload';
import { DecodedQrPayload, DecodeQrPayloadRequest } from './dto/decode.dto';

@Controller('qr')
export class DecodeController {
  @Post('decode')
  @HttpCode(200)
  @PublicRoute()
  @ApiOperation({
    operationId: 'decodeQrPayload',
    summary: 'Decode and validate a scanned EMVCo merchant-presented QR payload (no authentication)',
    description:
      'Answers two questions separately. Is it a valid EMVCo payload (tags, lengths, the CRC, nested templates)? A bad payload is not a bad request: the answer is 200 with `valid: false` and every problem found; a valid one comes with every field, the currency (53) and country (58) included. Can this platform pay it? `payable`, with `notPayable` reasons (this platform pays CNY in mainland China only).',
    tag: 'QR payments',
    response: DecodedQrPayload,
  })
  decode(@Body() dto: DecodeQrPayloadRequest): DecodedQrPayload {
    return decodePayload(dto.payload);
  }
}
