import { CAPABILITIES, DEFAULT_CAPABILITIES, type Capabilities, type CapabilityRole } from '../../protocol/guided-mode.ts';
import { AppError, ErrorCode } from '../core/errors.ts';

/** The tools each role may use in a session, as an admin set them. */
export type RoleCapabilities = Record<CapabilityRole, Capabilities>;

/** What an admin sends: any role, any capability; what is left out keeps its value. */
export type RoleCapabilitiesInput = Partial<Record<CapabilityRole, Partial<Capabilities> | null | undefined>>;

const ROLES: readonly CapabilityRole[] = ['agent', 'supervisor'];

/** Each role's stored capabilities over the defaults: a stored value that is not a boolean counts as unset. */
export function parseCapabilities(stored: string | null | undefined): RoleCapabilities {
  let saved: unknown = {};
  try {
    saved = JSON.parse(stored ?? '{}');
  } catch {
    // a damaged column falls back to the defaults, which keep today's behaviour
  }
  const of = (role: CapabilityRole): Capabilities => {
    const given = (saved as Record<string, Record<string, unknown> | undefined>)?.[role] ?? {};
    return Object.fromEntries(
      CAPABILITIES.map((name) => [name, typeof given[name] === 'boolean' ? given[name] : DEFAULT_CAPABILITIES[role][name]]),
    ) as unknown as Capabilities;
  };
  return { agent: of('agent'), supervisor: of('supervisor') };
}

/** The capabilities after an admin's change: only the roles and tools given change. */
export function mergeCapabilities(current: RoleCapabilities, input: RoleCapabilitiesInput | null | undefined): RoleCapabilities {
  if (!input) return current;
  const next = { agent: { ...current.agent }, supervisor: { ...current.supervisor } };
  for (const role of ROLES) {
    const given = input[role];
    if (!given) continue;
    for (const name of CAPABILITIES) if (typeof given[name] === 'boolean') next[role][name] = given[name];
  }
  return next;
}

/** Refuses what a role's capabilities leave out, with a code clients can tell apart from other refusals. */
export function requireCapability(capabilities: Capabilities, name: keyof Capabilities, what: string): void {
  if (!capabilities[name]) throw new AppError(ErrorCode.CAPABILITY_DISABLED, `${what} is turned off for your role by an admin.`);
}
