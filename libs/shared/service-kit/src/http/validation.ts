import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { installValidationMetadataCache } from '@countypay/contracts';

function firstProblem(errors: ValidationError[], prefix = ''): { param: string; message: string; unknown: boolean } | undefined {
  for (const e of errors) {
    const param = `${prefix}${e.property}`;
    const constraints = e.constraints ?? {};
    if (constraints.whitelistValidation) return { param, message: `unknown field '${param}'`, unknown: true };
    const first = Object.values(constraints)[0];
    if (first) return { param, message: first.replace(e.property, param), unknown: false };
    const nested = e.children?.length ? firstProblem(e.children, `${param}.`) : undefined;
    if (nested) return nested;
  }
  return undefined;
}

/** DTO validation: unknown fields are refused (400 `unknown_field` naming it), others 400 `invalid_request`. */
export function apiValidationPipe(): ValidationPipe {
  installValidationMetadataCache(); // the same checks without looking the rules up again per request
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => {
      const p = firstProblem(errors) ?? { param: undefined, message: 'the request is invalid', unknown: false };
      return new BadRequestException({ code: p.unknown ? 'unknown_field' : 'invalid_request', message: p.message, param: p.param });
    },
  });
}
