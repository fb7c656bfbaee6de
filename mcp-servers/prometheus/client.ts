import type { Config } from '../../shared/config.js';
import { errorMessage, UserError } from '../../shared/errors.js';

export interface PromEnvelope<T> {
  status: 'success' | 'error';
  data: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

export type PromSettings = Config['prometheus'] & { url: string };

/** The Prometheus HTTP API (/api/v1), with the configured auth, turning its errors into plain words. */
export class PrometheusClient {
  private readonly headers: Record<string, string> = { Accept: 'application/json' };

  constructor(readonly settings: PromSettings) {
    if (settings.bearerToken) this.headers.Authorization = `Bearer ${settings.bearerToken}`;
    else if (settings.basicAuth) this.headers.Authorization = `Basic ${Buffer.from(`${settings.basicAuth.username}:${settings.basicAuth.password}`).toString('base64')}`;
  }

  /** GET, or POST with a form body where the API allows it, so long PromQL never hits URL limits. */
  async call<T>(path: string, params: Record<string, string | string[] | undefined> = {}, method: 'GET' | 'POST' = 'GET'): Promise<{ data: T; warnings: string[] }> {
    const url = new URL(`api/v1/${path}`, this.settings.url.endsWith('/') ? this.settings.url : `${this.settings.url}/`);
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
    }
    if (method === 'GET') url.search = form.toString();
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: method === 'POST' ? { ...this.headers, 'Content-Type': 'application/x-www-form-urlencoded' } : this.headers,
        ...(method === 'POST' ? { body: form } : {}),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new UserError(`Prometheus at ${this.settings.url} did not answer: ${cause ?? errorMessage(e)}`, 'check prometheus.url / K8S_EXPERTS_PROMETHEUS_URL and that Prometheus runs');
    }
    return this.parse<T>(res);
  }

  private async parse<T>(res: Response): Promise<{ data: T; warnings: string[] }> {
    if (res.status === 401 || res.status === 403) {
      throw new UserError(`Prometheus refused the request (HTTP ${res.status})`, 'set prometheus.bearerToken or prometheus.basicAuth');
    }
    let envelope: PromEnvelope<T>;
    try {
      envelope = (await res.json()) as PromEnvelope<T>;
    } catch {
      throw new UserError(`Prometheus at ${this.settings.url} answered HTTP ${res.status} without JSON`, 'check that prometheus.url points at Prometheus itself');
    }
    if (envelope.status !== 'success') {
      const fix =
        envelope.errorType === 'bad_data'
          ? 'check the PromQL: metric names, label matchers in {…}, and functions such as rate(x[5m])'
          : envelope.errorType === 'timeout'
            ? 'narrow the query: a shorter range, a bigger step, fewer series (label filters, topk)'
            : undefined;
      throw new UserError(`Prometheus rejected the request (${envelope.errorType ?? res.status}): ${envelope.error ?? 'no reason given'}`, fix);
    }
    return { data: envelope.data, warnings: envelope.warnings ?? [] };
  }
}
