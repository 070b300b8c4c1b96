import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PACKED_EVENTS_TAG } from '../protocol/index.ts';
import { readRecording } from '../server/recording/recording-writer.ts';
import { signInAs } from './support/browser.ts';
import { agentJoins, agentView, browserSuite, customerStarts, hasNotice } from './support/cobrowse-pages.ts';
import { errorCode, gql, signIn, wsClient, wsExecute } from './support/graphql-client.ts';
import { waitFor } from './support/wait-for.ts';

const SIGNAL = 'mutation($id: ID!, $s: JSON!){ sendSignal(sessionId: $id, signal: $s) }';

describe('supervisors watching live and replaying recorded sessions in Chromium', () => {
  const suite = browserSuite();

  it('shows the customer’s page read-only, tells the customer and the agent, and audits it', async () => {
    const url = suite.server.url;
    const customer = await suite.newPage(1280, 800);
    const agent = await suite.newPage(1440, 900);
    const code = await customerStarts(customer, url, '/demo');
    await agentJoins(agent, url, code);
    await waitFor(() => agentView(agent).getByTestId('demo-counter').count(), 'the page in the agent view');
    const { id: sessionId } = (await suite.server.deps.db.session.findUniqueOrThrow({ where: { code } })) as { id: string };

    const supervisor = await suite.newPage(1440, 900);
    await signInAs(supervisor, url, 'supervisor@example.com', '/supervisor');
    await supervisor.goto(`${url}/supervisor/watch?session=${sessionId}`);
    const watched = supervisor.frameLocator('[data-testid=watch-view] iframe');
    await waitFor(() => watched.getByTestId('demo-counter').count(), 'the customer’s page for the supervisor');
    await hasNotice(customer, 'cobrowse-notice', /supervisor, Sam Supervisor, is now watching/i);
    await hasNotice(agent, 'agent-notice', /Sam Supervisor is watching this session/);

    // Live: a change on the customer's page reaches the supervisor.
    const before = await watched.getByTestId('demo-counter').textContent();
    await customer.getByTestId('demo-counter-button').click();
    await waitFor(async () => (await watched.getByTestId('demo-counter').textContent()) !== before, 'the change for the supervisor');

    // Read-only, whatever the page does: the server takes nothing but a snapshot request from a supervisor.
    const cookie = await signIn(url, 'supervisor@example.com');
    const socket = wsClient(url, { cookie });
    const pointer = await wsExecute(socket, SIGNAL, { id: sessionId, s: { type: 'pointer', target: { x: 1, y: 1 } } });
    assert.equal(pointer.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const click = await wsExecute(socket, SIGNAL, { id: sessionId, s: { type: 'action', id: 1, action: { kind: 'click', nodeId: 1 } } });
    assert.equal(click.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    await socket.dispose();
    assert.equal(errorCode(await gql(url, 'mutation($c: String!){ joinSession(code: $c){ id } }', { c: code }, { cookie })), 'FORBIDDEN');

    await supervisor.getByTestId('watch-stop').click();
    await hasNotice(customer, 'cobrowse-notice', /supervisor stopped watching/i);
    const audit = await suite.server.deps.db.auditEvent.findMany({ where: { sessionId }, orderBy: { sequence: 'asc' } });
    const types = audit.map((event) => event.type);
    assert.ok(types.includes('SUPERVISOR_JOINED') && types.includes('SUPERVISOR_LEFT'), types.join());
    assert.ok(types.includes('PAGE_VISITED'), 'the customer’s page is in the history');
  });

  it('replays a recorded session after it ends, as the agent saw it', async () => {
    const url = suite.server.url;
    const admin = await signIn(url, 'admin@example.com');
    await gql(url, 'mutation { updateSiteSettings(input: { recordingEnabled: true }) { recordingEnabled } }', {}, { cookie: admin });
    const customer = await suite.newPage(1280, 800);
    const agent = await suite.newPage(1440, 900);
    const code = await customerStarts(customer, url, '/demo/apply');
    // Recorded from the join on: another agent, as the first test's still holds its session.
    await agentJoins(agent, url, code, 'agent2@example.com');
    await waitFor(() => agentView(agent).getByTestId('demo-password').count(), 'the page in the agent view');
    await customer.getByTestId('demo-password').pressSequentially('Replay-Secret-1');
    await customer.getByTestId('demo-nav-home').click();
    await customer.getByTestId('demo-counter-button').click();
    await customer.getByTestId('demo-counter').getByText('refreshed 1×').waitFor();
    const { id } = await suite.server.deps.db.session.findUniqueOrThrow({ where: { code } });
    await waitFor(async () => {
      await suite.server.deps.recordings.flush(id);
      // React updates the figure's own text node: 4.10 becomes 4.15.
      return JSON.stringify(await readRecording(suite.server.deps.db, id)).includes('"value":"4.15"');
    }, 'the click to be recorded');
    await customer.getByTestId('cobrowse-exit').click();
    const recorded = JSON.stringify(await readRecording(suite.server.deps.db, id));
    assert.ok(recorded.includes(PACKED_EVENTS_TAG), 'the snapshots were recorded packed, as sent: the replay inflates them');

    const supervisor = await suite.newPage(1440, 900);
    await signInAs(supervisor, url, 'supervisor@example.com', `/supervisor/replay?session=${id}`);
    const replay = supervisor.frameLocator('[data-testid=replay-view] iframe');
    await replay.getByTestId('demo-password').waitFor();
    assert.equal(await replay.getByTestId('demo-password').getAttribute('data-cobrowse-masked'), 'field');
    await supervisor.getByTestId('replay-play').click();
    await waitFor(
      async () => /refreshed 1×/.test((await replay.getByTestId('demo-counter').textContent()) ?? ''),
      'the end of the recording',
    );
    const stored = await suite.server.deps.db.recordingChunk.findMany({ where: { sessionId: id } });
    assert.ok(stored.length > 0);
    await gql(url, 'mutation { updateSiteSettings(input: { recordingEnabled: false }) { recordingEnabled } }', {}, { cookie: admin });
  });
});
