import type { CobrowseApi } from './api.ts';

/** A call the snippet's stub queued before the widget loaded: method, arguments, and its promise's settlers. */
type QueuedCall = [method: keyof CobrowseApi, args: unknown[], resolve?: (value: unknown) => void, reject?: (error: unknown) => void];

/** The stub the documented snippet defines on `window.Cobrowse` until the script has loaded. */
export interface CobrowseStub {
  q: QueuedCall[];
}

/** Whether `value` is the snippet's stub (a loaded widget is not). */
export const isStub = (value: unknown): value is CobrowseStub => Array.isArray((value as CobrowseStub | undefined)?.q);

/** Runs the stub's calls on the loaded widget, in the order the page made them, settling their promises. */
export function replayQueue(stub: CobrowseStub, api: CobrowseApi): void {
  for (const [method, args, resolve, reject] of stub.q.splice(0)) {
    try {
      resolve?.((api[method] as (...values: unknown[]) => unknown)(...args));
    } catch (error) {
      reject?.(error);
    }
  }
}
