import { describe, expect, it } from 'vitest';
import { answerCommands, approvalReply, expiryText } from '../../agents/router/approval-client.js';
import { type ApprovalRequest, approvalRequestIn, parseApprovalReply } from '../../shared/execution/approval.js';
import { renderProposal } from '../../shared/execution/proposal.js';
import { UserError } from '../../shared/errors.js';

const request = (): ApprovalRequest => ({
  proposalId: 'p-1',
  taskId: 't-1',
  contextId: 'c-1',
  expiresAt: '2030-01-01T00:10:00.000Z',
  verdict: { verdict: 'require-approval', reasons: ['scale-down removes replicas.'], rules: ['scale-down'] },
  proposal: {
    id: 'p-1',
    verb: 'scale',
    summary: 'scale Deployment web in namespace shop to 1 replica',
    request: 'scale web to 1',
    requestedBy: 'test',
    agent: 'router',
    steps: [{ tool: 'k8s_scale', args: { name: 'web', replicas: 1 }, display: 'kubectl scale deployment/web -n shop --replicas=1' }],
    dryRun: { ran: true, summary: 'scaled', changes: [], diff: '' },
    blastRadius: { objects: 1, namespaces: ['shop'], replicasLost: 2, podsEvicted: 0 },
    reversible: true,
    undo: 'scale back to 3',
    createdAt: '2030-01-01T00:00:00.000Z',
    expiresAt: '2030-01-01T00:10:00.000Z',
  },
  reply: { approve: { approval: { proposalId: 'p-1', decision: 'approve' } }, reject: { approval: { proposalId: 'p-1', decision: 'reject', reason: '…' } } },
});

describe('parseApprovalReply', () => {
  it('a data part wins over the text, and is validated field by field', () => {
    expect(parseApprovalReply('reject', [{ approval: { proposalId: 'p-1', decision: 'approve', by: 'alice' } }])).toEqual({ reply: { proposalId: 'p-1', decision: 'approve', by: 'alice' } });
    expect(parseApprovalReply('', [{ approval: { proposalId: 'p-1', decision: 'maybe' } }])).toEqual({ error: expect.stringMatching(/^the approval is not valid: approval\.decision: /) as unknown });
    expect(parseApprovalReply('', [{ approval: { proposalId: 'p 1; rm', decision: 'approve' } }])).toEqual({ error: expect.stringContaining('approval.proposalId: a proposal id') as unknown });
    expect(parseApprovalReply('', [{ approval: { proposalId: 'p-1', decision: 'approve', extra: 1 } }])).toHaveProperty('error');
    expect(parseApprovalReply('', [{ approval: { proposalId: 'p-1', decision: 'reject', reason: 'x'.repeat(2001) } }])).toEqual({ error: expect.stringContaining('approval.reason') as unknown });
  });

  it('reads the first words of a typed answer, and the rest as the reason', () => {
    expect(parseApprovalReply('approve', [])).toEqual({ reply: { decision: 'approve' } });
    expect(parseApprovalReply('LGTM, ship it', [])).toEqual({ reply: { decision: 'approve', reason: 'ship it' } });
    expect(parseApprovalReply('reject: too risky', [])).toEqual({ reply: { decision: 'reject', reason: 'too risky' } });
    expect(parseApprovalReply('no', [])).toEqual({ reply: { decision: 'reject' } });
    expect(parseApprovalReply('  Denied - not during business hours', [])).toEqual({ reply: { decision: 'reject', reason: 'not during business hours' } });
  });

  it('a question or a word that merely starts like an answer is no answer at all', () => {
    for (const text of ['approve?', 'ok ?', 'yes? what does it do', 'nothing', 'yesterday it broke', 'okey', '', 'what is this']) {
      expect(parseApprovalReply(text, []), text).toHaveProperty('error');
    }
  });
});

describe('approvalRequestIn', () => {
  it('finds a well-formed approval request in a status data part', () => {
    expect(approvalRequestIn({ approvalRequest: request() })?.proposalId).toBe('p-1');
  });

  it('anything renderProposal or a client would trip over is not an approval request', () => {
    const broken: Array<[string, unknown]> = [
      ['no data', undefined],
      ['an array', [request()]],
      ['no request', { question: 'which namespace?' }],
      ['no task id', { approvalRequest: { ...request(), taskId: undefined } }],
      ['a bad expiry', { approvalRequest: { ...request(), expiresAt: 'soon' } }],
      ['no verdict', { approvalRequest: { ...request(), verdict: undefined } }],
      ['steps not a list', { approvalRequest: { ...request(), proposal: { ...request().proposal, steps: 'kubectl delete ns x' } } }],
      ['no blast radius', { approvalRequest: { ...request(), proposal: { ...request().proposal, blastRadius: undefined } } }],
      ['no dry run', { approvalRequest: { ...request(), proposal: { ...request().proposal, dryRun: null } } }],
      ['a proposal id with spaces', { approvalRequest: { ...request(), proposalId: 'p 1' } }],
    ];
    for (const [why, data] of broken) expect(approvalRequestIn(data), why).toBeUndefined();
  });

  it('what it accepts renders without throwing', () => {
    const found = approvalRequestIn(JSON.parse(JSON.stringify({ approvalRequest: request() })) as unknown)!;
    expect(renderProposal(found.proposal, found.verdict)).toMatch(/^Proposal p-1: scale Deployment web/);
  });
});

describe('the client side: the reply, the expiry, the commands', () => {
  it('builds the reply data part the router validates, and the words a chat log shows', () => {
    const approve = approvalReply(request(), 'approve', undefined, 'alice');
    expect(approve).toEqual({ text: 'approve', data: { approval: { proposalId: 'p-1', decision: 'approve', by: 'alice' } }, taskId: 't-1', contextId: 'c-1' });
    expect(parseApprovalReply(approve.text, [approve.data])).toEqual({ reply: approve.data.approval });
    const reject = approvalReply(request(), 'reject', 'too risky');
    expect(reject.text).toBe('reject: too risky');
    expect(parseApprovalReply(reject.text, [])).toEqual({ reply: { decision: 'reject', reason: 'too risky' } });
  });

  it('refuses a reply the router would refuse, naming the field and the limit', () => {
    expect(() => approvalReply(request(), 'reject', 'x'.repeat(2001))).toThrow(UserError);
    expect(() => approvalReply(request(), 'reject', 'x'.repeat(2001))).toThrow(/the reason cannot be sent/);
    expect(() => approvalReply({ ...request(), proposalId: 'not an id' }, 'approve')).toThrow(/the proposalId cannot be sent/);
  });

  it('says when it expires, or how long ago it did', () => {
    const now = Date.parse('2030-01-01T00:00:00.000Z');
    expect(expiryText(request(), now)).toBe('expires at 2030-01-01T00:10:00.000Z (in 10 min)');
    expect(expiryText(request(), now + 13 * 60_000)).toBe('expired at 2030-01-01T00:10:00.000Z (3 min ago)');
    expect(answerCommands('t-1', ' --url http://127.0.0.1:4100')).toEqual(['k8s-experts approve t-1 --url http://127.0.0.1:4100', 'k8s-experts reject t-1 --url http://127.0.0.1:4100 --reason "…"']);
  });

});
