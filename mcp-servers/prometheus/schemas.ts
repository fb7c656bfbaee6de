import { z } from 'zod';

export const promqlInput = z.string().min(1).max(10_000).describe('PromQL expression');
export const timeInput = z.string().min(1).max(64).describe('RFC 3339, unix seconds, now, or relative such as now-1h / 30m (ago)');
export const matchInput = z.array(z.string().min(1).max(2000)).min(1).max(20).describe('Series selectors such as up{job="etcd"}');
export const labelNameInput = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a label name such as job or namespace');
