/**
 * The query-copilot contract: `POST /query` with `{"query": "..."}` answers
 * `{"query": "...", "answer": "..."}` — the bare value ("2", "Running", "hello"). A malformed
 * body gets a 400 whose error names the field and shows a correct body. Every query, tool call
 * and answer is logged (to agent.log when the logger has that file sink).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { hostHeaderValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import { z } from 'zod';
import { errorMessage } from '../../shared/errors.js';
import { maskSecretLiterals, scrubSecretLiterals, secretLiteralsIn } from '../../shared/secret-literals.js';
import { argsForLog, type Logger } from '../../shared/logger.js';
import type { ReasoningEngine } from '../../shared/reasoning/engine.js';

const EXAMPLE = '{"query": "How many pods are in the default namespace?"}';
const MAX_QUERY_CHARS = 2_000;

const queryBody = z.object({
  query: z
    .string({ error: (issue) => (issue.input === undefined ? 'field "query" is required' : 'field "query" must be a string') })
    .trim()
    .min(1, 'field "query" is empty')
    .max(MAX_QUERY_CHARS, `field "query" is longer than ${MAX_QUERY_CHARS} characters`),
});

function badRequest(res: Response, message: string): void {
  res.status(400).json({ error: `${message}: send a JSON body like ${EXAMPLE}` });
}

export interface QueryAppOptions {
  engine: ReasoningEngine;
  logger: Logger;
  /** Host header values accepted (DNS-rebinding guard); loopback names by default. */
  allowedHosts?: string[];
}

export function createQueryApp(options: QueryAppOptions): express.Express {
  const app = express();
  app.use(hostHeaderValidation(options.allowedHosts ?? ['127.0.0.1', 'localhost', '[::1]']));
  app.use(express.json({ limit: '16kb', type: () => true }));
  // Malformed JSON (or a body over the limit) is the client's mistake: a 400 that says so.
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err && typeof err === 'object' && 'type' in err) {
      const type = (err as { type: string }).type;
      badRequest(res, type === 'entity.too.large' ? 'the body is larger than 16 KB' : `the body is not valid JSON (${errorMessage(err)})`);
      return;
    }
    next(err);
  });

  app.post('/query', async (req: Request, res: Response) => {
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      badRequest(res, 'the body must be a JSON object');
      return;
    }
    const parsed = queryBody.safeParse(req.body);
    if (!parsed.success) {
      badRequest(res, parsed.error.issues[0]?.message ?? 'invalid body');
      return;
    }
    const query = parsed.data.query;
    const started = Date.now();
    // The log gets the question with any Secret value it holds masked (and the answer likewise).
    const logged = scrubSecretLiterals(query);
    const values = secretLiteralsIn(query);
    options.logger.info({ query: logged }, 'query received');
    try {
      const answer = await options.engine.answer({
        question: query,
        onProgress: (event) => {
          if (event.kind === 'tool-call') options.logger.info({ query: logged, tool: event.tool, args: argsForLog(event.args) }, 'tool call');
          if (event.kind === 'tool-result') options.logger.info({ query: logged, tool: event.tool, isError: event.isError, chars: event.chars }, 'tool result');
        },
      });
      options.logger.info({ query: logged, answer: maskSecretLiterals(answer.text, values), understood: answer.understood, engine: options.engine.name, ms: Date.now() - started }, 'query answered');
      res.json({ query, answer: answer.text });
    } catch (e) {
      options.logger.error({ query: logged, err: maskSecretLiterals(errorMessage(e), values) }, 'query failed');
      res.status(500).json({ query, error: `could not answer: ${errorMessage(e)}` });
    }
  });

  app.all('/query', (_req: Request, res: Response) => {
    res.setHeader('Allow', 'POST');
    res.status(405).json({ error: `use POST /query with a JSON body like ${EXAMPLE}` });
  });
  return app;
}
