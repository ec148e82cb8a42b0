import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { IsString, Length } from 'class-validator';
import { decodePayload, type DecodeResult } from './decode-payload';

export class DecodeDto {
  /** the scanned text, as the scanner read it */
  @IsString()
  @Length(1, 512)
  payload!: string;
}

/**
 * Public (through the gateway without a signature): decodes and validates an EMVCo
 * merchant-presented payload — tags, lengths, CRC, nested templates. A bad payload is not a
 * bad request: the answer is 200 with `valid: false` and every problem found.
 */
@Controller('qr')
export class DecodeController {
  @Post('decode')
  @HttpCode(200)
  decode(@Body() dto: DecodeDto): DecodeResult {
    return decodePayload(dto.payload);
  }
}
