/** The A2A runtime every agent uses: card loading, serving, durable tasks, auth, the result shape. */
export { bearerAuth, BearerUser, userBuilderFor } from './auth.js';
export { type AgentCardSpec, agentCardJson, buildAgentCard, type CardDeployment, CARDS_DIR, cardFileSchema, JSONRPC_PATH, loadAgentCard, loadCardSpec, parseCardSpec, REST_PATH } from './card.js';
export { TaskExecutor, type TaskHandler, type TaskRunContext } from './executor.js';
export { agentMessage, dataPart, messageData, messageText, resultArtifact, type TaskResult, taskResult, textPart, userMessage } from './parts.js';
export { failInterruptedTasks } from './recover.js';
export { type RunningAgent, serveAgent, type ServeAgentOptions } from './serve.js';
export { openTaskStore, SQLITE_FILE, type TaskStoreHandle } from './task-store.js';
