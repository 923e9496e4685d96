// CIM names (classes, properties, keys) compare case-insensitively. The same few hundred
// spellings come back on every request, so each is lower-cased once; a request may bring others,
// so only the first FOLDED_MAX short ones are remembered.
const FOLDED_MAX = 4096;
const folded = new Map<string, string>();

/** The name in lower case. */
export function foldCase(name: string): string {
  const known = folded.get(name);
  if (known !== undefined) return known;
  const lower = name.toLowerCase();
  if (folded.size < FOLDED_MAX && name.length <= 128) folded.set(name, lower);
  return lower;
}

/** Whether two names are the same ignoring case; without allocating when they are spelled alike. */
export function sameName(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}
