// The console's one HTTP client: same-origin, the session cookie sent by the browser, the CSRF
// token (from the readable cp_csrf cookie) on every unsafe request, errors in the platform's shape.
export interface Operator {
  operatorId: string;
  role: 'province' | 'county';
  tenantId: string | null;
  name: string;
  username?: string;
}

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

function csrfToken(): string {
  return /(?:^|;\s*)cp_csrf=([A-Za-z0-9_-]+)/.exec(document.cookie)?.[1] ?? '';
}

/** The county a province operator is looking at (sent as X-CP-Tenant-Id); a county operator's own is implied. */
let tenantScope: string | undefined;
export function setTenantScope(tenantId: string | undefined): void {
  tenantScope = tenantId;
}

function headersFor(method: string, hasBody: boolean, tenantId: string | null | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (hasBody) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    headers['x-csrf-token'] = csrfToken();
    if (method === 'POST') headers['idempotency-key'] = crypto.randomUUID();
  }
  const tenant = tenantId === null ? undefined : (tenantId ?? tenantScope);
  if (tenant) headers['x-cp-tenant-id'] = tenant;
  return headers;
}

async function failure(res: Response): Promise<ApiFailure> {
  const text = await res.text();
  let e: { code?: string; message?: string; param?: string } | undefined;
  try {
    e = (JSON.parse(text) as { error?: typeof e }).error;
  } catch {
    e = undefined;
  }
  return new ApiFailure(res.status, e?.code ?? 'error', e?.message ?? res.statusText, e?.param);
}

/**
 * A file the API serves (a report's CSV or XLSX), saved by the browser under `filename`. Fetched
 * like every other call (session cookie, the county header) rather than by a plain link, which
 * could not name the county a province operator looks at.
 */
export async function download(path: string, filename: string, opts: { tenantId?: string | null } = {}): Promise<void> {
  const res = await fetch(path, { method: 'GET', headers: headersFor('GET', false, opts.tenantId), credentials: 'same-origin' });
  if (!res.ok) throw await failure(res);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `tenantId: null` sends no county (a province operator's view over every county). */
export async function api<T>(method: string, path: string, body?: unknown, opts: { tenantId?: string | null } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...headersFor(method, body !== undefined, opts.tenantId) };
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const e = (parsed as { error?: { code?: string; message?: string; param?: string } } | undefined)?.error;
    throw new ApiFailure(res.status, e?.code ?? 'error', e?.message ?? res.statusText, e?.param);
  }
  return parsed as T;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
