import http from 'node:http';
import https from 'node:https';
import type { KubeClient } from './kube.js';

export interface KubeRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API path, e.g. /api/v1/namespaces/shop/pods. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  accept?: string;
  /** Stop reading after this many bytes (logs); the response is marked truncated. */
  maxBytes?: number;
  timeoutMs?: number;
}

export interface KubeResponse {
  status: number;
  /** Parsed JSON when the server sent JSON, otherwise undefined. */
  json: unknown;
  text: string;
  truncated: boolean;
}

/** A Kubernetes API error (a `Status` object) with the server's own reason and message. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** Accept header for names and metadata only: far smaller than whole objects when counting or listing names. */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json';

const agents = new WeakMap<KubeClient, http.Agent>();

/**
 * Raw requests to the API server with the kubeconfig's credentials: JSON in, JSON out, no model
 * classes in between — generic over every kind (CRDs included) and cheap on large lists.
 */
export async function kubeRequest(client: KubeClient, req: KubeRequest): Promise<KubeResponse> {
  const url = new URL(req.path, client.server);
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const accept = req.accept ?? 'application/json';
  const options: https.RequestOptions = { method: req.method ?? 'GET', headers: { Accept: accept } };
  await client.kubeConfig.applyToHTTPSOptions(options);
  const secure = url.protocol === 'https:';
  let agent = agents.get(client);
  if (!agent) {
    agent = secure
      ? new https.Agent({ keepAlive: true, maxSockets: 16, ca: options.ca, cert: options.cert, key: options.key, ...(options.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}) })
      : new http.Agent({ keepAlive: true, maxSockets: 16 });
    agents.set(client, agent);
  }
  const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  const headers: Record<string, string> = { ...(options.headers as Record<string, string>), Accept: accept };
  if (body !== undefined) {
    headers['Content-Type'] = req.contentType ?? 'application/json';
    // Node frames no DELETE body by itself: without a length, the body would be read as the
    // start of the next request on this keep-alive socket (a 400 for an innocent request).
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  const timeoutMs = req.timeoutMs ?? client.timeoutMs;

  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      url,
      { ...options, method: req.method ?? 'GET', headers, agent, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        res.on('data', (chunk: Buffer) => {
          if (truncated) return;
          if (req.maxBytes !== undefined && size + chunk.length > req.maxBytes) {
            chunks.push(chunk.subarray(0, req.maxBytes - size));
            size = req.maxBytes;
            truncated = true;
            res.destroy();
            finish();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          const text = Buffer.concat(chunks).toString('utf8');
          const isJson = (res.headers['content-type'] ?? '').includes('json');
          let json: unknown;
          if (isJson && !truncated) {
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
          }
          const status = res.statusCode ?? 0;
          if (status >= 400) {
            const s = json as { reason?: string; message?: string } | undefined;
            reject(new KubeApiError(status, s?.reason ?? res.statusMessage ?? 'Error', s?.message ?? (text.trim() || `HTTP ${status}`)));
            return;
          }
          resolve({ status, json, text, truncated });
        };
        res.on('end', finish);
        res.on('error', (e) => (truncated ? finish() : reject(e)));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${req.method ?? 'GET'} ${url.pathname} timed out after ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
