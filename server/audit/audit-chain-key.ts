import { DEV_AUDIT_CHAIN_KEY } from '../core/config.ts';

let key = DEV_AUDIT_CHAIN_KEY;

/**
 * The secret the audit chain is keyed with (AUDIT_CHAIN_KEY), set once at start. Appends run
 * inside transactions deep in every domain, so the key is held here rather than passed down.
 */
export function useAuditChainKey(configured: string): void {
  key = configured;
}

export const auditChainKey = (): string => key;
