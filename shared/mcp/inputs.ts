import { z } from 'zod';

// Inputs are validated before anything reaches the API: names cannot smuggle paths, flags or
// shell syntax (nothing is shelled out, and names are URL-encoded besides).
export const kindInput = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z][A-Za-z0-9.-]*$/, 'expected a kind such as pods, deploy, Deployment or deployments.apps')
  .describe('Kind: plural, singular, short name or Kind, optionally with .group (pods, po, Deployment, ingresses.networking.k8s.io)');

export const nameInput = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'expected an object name (letters, digits and . _ : @ -, not starting with - or containing / or spaces)')
  .describe('Object name');

export const namespaceInput = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a namespace name (lower-case DNS-1123 label, e.g. payments)')
  .describe('Namespace');

export const contextInput = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, 'expected a kubeconfig context name')
  .optional()
  .describe('kubeconfig context to use for this call (default: the current context)');

export const selectorInput = z
  .string()
  .max(1024)
  .regex(/^[A-Za-z0-9._/=!,()\s-]*$/, 'expected a selector such as app=web,tier!=cache or env in (prod,staging)');

export const limitInput = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback);
