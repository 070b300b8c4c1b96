/** rrweb's id of the element carrying `testId` in a full snapshot. */
export function nodeIdByTestId(node: unknown, testId: string): number | null {
  const current = node as { id?: number; attributes?: Record<string, string>; childNodes?: unknown[] };
  if (current.attributes?.['data-testid'] === testId) return current.id ?? null;
  for (const child of current.childNodes ?? []) {
    const found = nodeIdByTestId(child, testId);
    if (found !== null) return found;
  }
  return null;
}
