import { describe, expect, it } from 'vitest';
import { SPECIALISTS } from '../../shared/a2a/agent.js';
import { agentCardJson, buildAgentCard, loadCardSpec } from '../../shared/a2a/card.js';

describe('the crew\'s cards', () => {
  for (const agent of [...SPECIALISTS, 'router'] as const) {
    it(`${agent}: loads, has real skills, and serializes to the spec's wire shape`, () => {
      const spec = loadCardSpec(agent);
      expect(spec.skills.length).toBeGreaterThan(0);
      for (const skill of spec.skills) {
        expect(skill.description.length, skill.id).toBeGreaterThan(40);
        expect(skill.tags.length, skill.id).toBeGreaterThanOrEqual(4);
        expect(skill.examples.length, skill.id).toBeGreaterThanOrEqual(2);
      }
      const json = agentCardJson(buildAgentCard(spec, { baseUrl: 'http://127.0.0.1:4101', token: 'x'.repeat(16) }));
      expect(JSON.stringify(json)).toContain('http://127.0.0.1:4101');
      expect(json).toHaveProperty('securitySchemes');
    });
  }

  it('skill ids are unique across the crew (the router indexes them together)', () => {
    const ids = SPECIALISTS.flatMap((a) => loadCardSpec(a).skills.map((s) => s.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
