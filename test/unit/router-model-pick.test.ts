import { afterEach, describe, expect, it } from 'vitest';
import { type IndexedSkill, rankSkills } from '../../agents/router/classify.js';
import { modelSkillPicker } from '../../agents/router/model-pick.js';
import { SPECIALISTS } from '../../shared/a2a/agent.js';
import { loadCardSpec } from '../../shared/a2a/card.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { type ScriptedLlm, type ScriptStep, startScriptedLlm } from '../helpers/scripted-llm.js';

const SKILLS: IndexedSkill[] = SPECIALISTS.flatMap((agent) => loadCardSpec(agent).skills.map((s) => ({ agent, skill: s.id, name: s.name, description: s.description, tags: s.tags, examples: s.examples })));
const logger = createLogger({ level: 'silent' });
let llm: ScriptedLlm | undefined;
afterEach(async () => llm?.close());

async function picker(...steps: ScriptStep[]) {
  llm = await startScriptedLlm(steps);
  const config = loadConfig({ env: { K8S_EXPERTS_LLM_PROVIDER: 'openai', K8S_EXPERTS_LLM_MODEL: 'router-model', K8S_EXPERTS_LLM_BASE_URL: llm.openaiBaseUrl, K8S_EXPERTS_LLM_TIMEOUT_MS: '5000' }, cwd: '/' });
  return modelSkillPicker({ ...config.llm, retries: 0 }, logger)!;
}

describe('the model picks the skill when one is configured', () => {
  it('no model configured: no picker (the scored match decides)', () => {
    expect(modelSkillPicker(loadConfig({ env: {}, cwd: '/' }).llm, logger)).toBeUndefined();
  });

  it('takes the skill the model names, from the skills the cards publish', async () => {
    const pick = await picker({ reply: 'security/posture-report' });
    const question = 'Is anything in payments a risk?';
    const chosen = await pick(question, SKILLS, rankSkills(question, SKILLS));
    expect(chosen).toMatchObject({ agent: 'security', skill: 'posture-report', because: ['the model picked it'] });
    const sent = JSON.stringify(llm!.requests[0]!.body);
    expect(sent).toContain('ops/diagnose-workload');
    expect(sent).toContain(question);
    expect(llm!.requests[0]!.toolNames).toEqual([]);
  });

  it('a skill the cards do not have, or a failing model, leaves the scored match in charge', async () => {
    const invented = await picker({ reply: 'root/format-disk' });
    expect(await invented('How many pods?', SKILLS, rankSkills('How many pods?', SKILLS))).toBeUndefined();
    await llm!.close();
    const failing = await picker({ status: 500, error: 'boom' });
    expect(await failing('How many pods?', SKILLS, rankSkills('How many pods?', SKILLS))).toBeUndefined();
  });
});
