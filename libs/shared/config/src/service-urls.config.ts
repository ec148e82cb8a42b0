import { IsNotEmpty, IsString } from 'class-validator';

/** Where the other services listen, as JSON `{ "onboarding": "http://127.0.0.1:4001", … }` (set by npm start). */
export class ServiceUrlsConfig {
  @IsString()
  @IsNotEmpty()
  COUNTYPAY_SERVICE_URLS = '{}';

  /** The base URL of a service; throws naming the variable when it is missing. */
  url(service: string): string {
    let map: Record<string, unknown>;
    try {
      map = JSON.parse(this.COUNTYPAY_SERVICE_URLS) as Record<string, unknown>;
    } catch {
      throw new Error('COUNTYPAY_SERVICE_URLS is not JSON');
    }
    const u = map[service];
    if (typeof u !== 'string') throw new Error(`COUNTYPAY_SERVICE_URLS has no URL for ${service}`);
    return u.replace(/\/$/, '');
  }
}
