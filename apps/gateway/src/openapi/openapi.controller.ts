import { Controller, Get } from '@nestjs/common';
import { ResponseSigner } from '../pipeline/response-signer';
import { buildOpenApiDocument } from './openapi.document';
import type { OpenApiDocument } from './openapi.types';

/** Public, unsigned: the API description and the key that signs responses to SM2 and RSA apps. */
@Controller('v1')
export class OpenApiController {
  private readonly document = buildOpenApiDocument();

  constructor(private readonly signer: ResponseSigner) {}

  @Get('openapi.json')
  openapi(): OpenApiDocument {
    return this.document;
  }

  @Get('platform-key')
  platformKey(): { algorithm: 'SM2-SM3'; publicKey: string; publicKeyPem: string; userId: string } {
    return { algorithm: 'SM2-SM3', publicKey: this.signer.platformPublicKey, publicKeyPem: this.signer.platformPublicKeyPem, userId: '1234567812345678' };
  }
}
