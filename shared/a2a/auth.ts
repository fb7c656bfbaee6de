import { timingSafeEqual } from 'node:crypto';
import type { User } from '@a2a-js/sdk/server';
import { UserBuilder } from '@a2a-js/sdk/server/express';
import type { NextFunction, Request, Response } from 'express';
import { sendHttpError } from './http-errors.js';

/** The caller that presented the configured bearer token. */
export class BearerUser implements User {
  get isAuthenticated(): boolean {
    return true;
  }
  get userName(): string {
    return 'bearer-token';
  }
}

function presented(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match ? match[1]!.trim() : '';
}

function matches(given: string | undefined, expected: Buffer): boolean {
  if (given === undefined) return false;
  const buf = Buffer.from(given);
  // timingSafeEqual needs equal lengths; compare against itself so the time does not depend on where they differ.
  if (buf.length !== expected.length) {
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(buf, expected);
}

/**
 * Requires `Authorization: Bearer <token>` (compared in constant time). A refused request gets
 * 401 with `WWW-Authenticate: Bearer` and an error body in its binding's shape that says what to send.
 * Mount it on the A2A bindings only: the agent card stays public, it is how clients learn the scheme.
 */
export function bearerAuth(token: string, realm = 'k8s-experts') {
  const expected = Buffer.from(token);
  return (req: Request, res: Response, next: NextFunction) => {
    const given = presented(req);
    if (matches(given, expected)) return next();
    if (given === undefined) {
      res.setHeader('WWW-Authenticate', `Bearer realm="${realm}"`);
      sendHttpError(req, res, 401, 'Unauthorized: this agent requires Authorization: Bearer <token> (the a2a.token / K8S_EXPERTS_A2A_TOKEN it runs with; its card declares the scheme)');
      return;
    }
    res.setHeader('WWW-Authenticate', `Bearer realm="${realm}", error="invalid_token"`);
    sendHttpError(req, res, 401, 'Unauthorized: the bearer token is not this agent\'s a2a.token');
  };
}

/** The SDK's UserBuilder for a server with (or without) a token: a request that passed bearerAuth is that user. */
export function userBuilderFor(token: string | undefined): UserBuilder {
  if (!token) return UserBuilder.noAuthentication;
  const expected = Buffer.from(token);
  return async (req: Request) => (matches(presented(req), expected) ? new BearerUser() : UserBuilder.noAuthentication());
}
