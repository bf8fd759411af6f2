/**
 * Array helpers for predicates that answer a promise (a permission check, a database read):
 * `Array.prototype.filter` with an async predicate keeps everything, since a promise is truthy.
 * Every predicate starts at once and the answers keep the items' order.
 */

/** The items whose predicate resolves true, in order. */
export async function filterAsync<T>(items: readonly T[], predicate: (item: T, index: number) => Promise<boolean>): Promise<T[]> {
  const keep = await Promise.all(items.map(predicate));
  return items.filter((_, index) => keep[index]);
}

/** Whether any item's predicate resolves true. */
export async function someAsync<T>(items: readonly T[], predicate: (item: T) => Promise<boolean>): Promise<boolean> {
  return (await Promise.all(items.map(predicate))).some(Boolean);
}

/** The first item, in order, whose predicate resolves true. */
export async function findAsync<T>(items: readonly T[], predicate: (item: T) => Promise<boolean>): Promise<T | undefined> {
  const answers = await Promise.all(items.map(predicate));
  return items.find((_, index) => answers[index]);
}
