import type { Page } from 'playwright-core';
import { waitFor } from '../test/support/wait-for.ts';

/**
 * The agent of the storm, large-page and widget-idle steps: not the latency and snapshot steps'
 * (an agent holds one session at a time, and a step that fails leaves its agent in the session).
 */
export const BENCH_AGENT = 'agent2@example.com';

/** The agent ends the session, so the next run can join another one. */
export async function endSession(agent: Page): Promise<void> {
  await agent.getByTestId('exit-session').click();
  await waitFor(async () => (await agent.locator('[data-testid=cobrowse-view] iframe').count()) === 0, 'the agent view to clear');
}
