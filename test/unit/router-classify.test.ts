import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { rankSkills, type IndexedSkill } from '../../agents/router/classify.js';
import { SPECIALISTS } from '../../shared/a2a/agent.js';
import { loadCardSpec } from '../../shared/a2a/card.js';
import { REPO_ROOT } from '../helpers/cli.js';

const ROUTING = z.array(z.object({ q: z.string(), agent: z.string(), skill: z.string().optional() })).parse(parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'questions', 'routing.yaml'), 'utf8')));
const SKILLS: IndexedSkill[] = SPECIALISTS.flatMap((agent) => loadCardSpec(agent).skills.map((s) => ({ agent, skill: s.id, name: s.name, description: s.description, tags: s.tags, examples: s.examples })));

describe('routing against the crew\'s cards', () => {
  it(`sends each of the ${ROUTING.length} questions to the right agent and skill`, () => {
    expect(ROUTING.length).toBeGreaterThanOrEqual(30);
    const wrong = ROUTING.map((r) => ({ r, best: rankSkills(r.q, SKILLS)[0]! }))
      .filter(({ r, best }) => best.agent !== r.agent || (r.skill && best.skill !== r.skill))
      .map(({ r, best }) => `${r.q} → ${best.agent}/${best.skill} (${best.score}: ${best.because.join(', ')}); want ${r.agent}${r.skill ? `/${r.skill}` : ''}`);
    expect(wrong).toEqual([]);
  });

  it('says why a skill won', () => {
    const best = rankSkills('Why is payments-api failing?', SKILLS)[0]!;
    expect(best).toMatchObject({ agent: 'ops', skill: 'diagnose-workload' });
    expect(best.because).toContain('asks for a cause');
  });
});
