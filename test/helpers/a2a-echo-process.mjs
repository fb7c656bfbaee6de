// The echo test agent in a process of its own (for a peer that is killed mid-task): the built
// runtime (dist/, which `npm test` builds first) and the test card. Prints "listening on <url>".
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', 'dist', 'shared');
const { loadCardSpec } = await import(join(dist, 'a2a', 'card.js'));
const { TaskExecutor } = await import(join(dist, 'a2a', 'executor.js'));
const { serveAgent } = await import(join(dist, 'a2a', 'serve.js'));
const { loadConfig } = await import(join(dist, 'config.js'));
const { createLogger } = await import(join(dist, 'logger.js'));

const executor = new TaskExecutor(async ({ text, signal, progress }) => {
  progress('working on it');
  if (text === 'slow') await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
  return { text: `echo: ${text}`, data: { echoed: text } };
});
const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: process.env.K8S_EXPERTS_DATA_DIR ?? join(here, '..', '..', '.echo-data') }, cwd: '/' });
const running = await serveAgent({ agent: 'echo', card: loadCardSpec('echo', join(here, '..', 'fixtures', 'cards')), executor, config, logger: createLogger({ level: 'silent' }), port: 0 });
console.log(`listening on ${running.url}`);
