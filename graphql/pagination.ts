import { badInput } from '../server/core/errors.ts';

/**
 * Prisma arguments for one page of a list paged by `first` and `after` (the id of the last row of
 * the previous page), the order being one that ends on the id so a page never skips or repeats a
 * row. `first` outside 1–max is refused with a message that names the range.
 */
export function idPage(page: { first?: number | null; after?: string | null }, defaultSize: number, max: number) {
  const take = page.first ?? defaultSize;
  if (!Number.isInteger(take) || take < 1 || take > max) throw badInput(`first must be between 1 and ${max}.`);
  return { take, ...(page.after && { cursor: { id: page.after }, skip: 1 }) };
}
