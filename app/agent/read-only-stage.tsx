'use client';

import type { CustomerTab } from '../../protocol/customer-tabs';
import { CobrowseStage, type StageHandle } from './cobrowse-stage';

const noop = () => {};

/**
 * The agent's co-browse view with nothing sent back: for a supervisor watching and the
 * admin's masking preview. The mouse does nothing; the page and its borders show as for an agent.
 */
export function ReadOnlyStage({
  disabledSelectors,
  onReady,
  onPage = noop,
  onTab,
  onUnreadable = noop,
}: {
  disabledSelectors: string[];
  onReady: (handle: StageHandle | null) => void;
  onPage?: (href: string) => void;
  onTab?: (tab: CustomerTab) => void;
  /** Part of the page could not be read (the supervisor's watch asks for a fresh snapshot). */
  onUnreadable?: () => void;
}) {
  return (
    <CobrowseStage
      viewportMode="fit"
      mode="POINTER"
      disabledSelectors={disabledSelectors}
      onAction={noop}
      onRefused={noop}
      onMaskedField={noop}
      onUnreadable={onUnreadable}
      onReady={onReady}
      onPointer={noop}
      onClick={noop}
      onViewport={noop}
      onPage={onPage}
      onTab={onTab}
    />
  );
}
