import { Controller, Get } from '@nestjs/common';
import { IsIn, IsString } from 'class-validator';
import { OPENAPI_DOCUMENT } from '@countypay/contracts';
import { ApiOperation, ApiSchema, PublicRoute } from '@countypay/service-kit';
import { ResponseSigner } from '../pipeline/response-signer';

/** The platform's SM2 public key, which signs responses to SM2-SM3 and RSA-SHA256 apps. */
export class PlatformKey {
  @IsIn(['SM2-SM3'])
  algorithm!: 'SM2-SM3';

  @IsString()
  @ApiSchema({ description: 'uncompressed SM2 public key, hex (04 || x || y)', examples: ['04' + 'a1'.repeat(64)] })
  publicKey!: string;

  @IsString()
  @ApiSchema({ description: 'the same key as a PEM SubjectPublicKeyInfo' })
  publicKeyPem!: string;

  @IsIn(['1234567812345678'])
  @ApiSchema({ description: 'the SM2 user id the signatures use (GB/T 32918 default)' })
  userId!: '1234567812345678';
}

/** The OpenAPI 3.1 document of this API (the free-form JSON object described by the OpenAPI specification). */
@ApiSchema({ additionalProperties: true })
export class OpenApiDocumentResponse {
  @IsIn(['3.1.0'])
  openapi!: '3.1.0';
}

/** Public, unsigned: the API description and the key that signs responses to SM2 and RSA apps. */
@Controller('v1')
@PublicRoute()
export class OpenApiController {
  constructor(private readonly signer: ResponseSigner) {}

  @Get('openapi.json')
  @ApiOperation({
    operationId: 'getOpenApi',
    summary: 'This OpenAPI document (generated from the services, never edited by hand)',
    tag: 'Platform',
    response: OpenApiDocumentResponse,
  })
  openapi(): object {
    return OPENAPI_DOCUMENT;
  }

  @Get('platform-key')
  @ApiOperation({
    operationId: 'getPlatformKey',
    summary: "The platform's SM2 public key, which signs responses to SM2-SM3 and RSA-SHA256 apps",
    tag: 'Platform',
    response: PlatformKey,
  })
  platformKey(): PlatformKey {
    return { algorithm: 'SM2-SM3', publicKey: this.signer.platformPublicKey, publicKeyPem: this.signer.platformPublicKeyPem, userId: '1234567812345678' };
  }
}
