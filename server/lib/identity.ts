/** The longest name or e-mail address written into a commit (git has no limit; 255 is Gitea's column). */
export const IDENTITY_MAX_LENGTH = 255;

/**
 * Why a name or e-mail address cannot go into a commit's author or committer line, or null. git
 * writes `name <email> time zone` on one line: `<`, `>`, a line break or a NUL would let the text
 * end the field early and add header lines (a second parent, another author), which `git fsck`
 * then refuses and every reader of the history trips on.
 */
export function identityProblem(value: string, what: string): string | null {
  if (value !== value.trim()) return `${what} must not start or end with spaces.`;
  if (value === '') return `${what} must not be empty.`;
  if (value.length > IDENTITY_MAX_LENGTH) return `${what} must be at most ${IDENTITY_MAX_LENGTH} characters long.`;
  if (/[<>\n\r\0]/.test(value)) return `${what} must not contain "<", ">", a line break or a NUL character.`;
  return null;
}

/** Why a commit message (or a pull request title that becomes one) cannot be written, or null: git refuses NUL bytes in messages. */
export function messageProblem(value: string, what: string): string | null {
  return value.includes('\0') ? `${what} must not contain a NUL character.` : null;
}

/**
 * A profile name or address made fit for a commit line the way git's own `ident.c` does with
 * GIT_AUTHOR_NAME: `<`, `>` and line breaks dropped, surrounding spaces trimmed. For identities
 * the forge derives from an account, which the committer did not type into this request.
 */
export function cleanIdentity(value: string): string {
  return value.replace(/[<>\n\r\0]/g, '').trim().slice(0, IDENTITY_MAX_LENGTH);
}

/** `name <email> seconds ±hhmm`, as fsck's fsck_ident accepts it. */
const IDENT = /^[^<>\n]* <[^<>\n]*> (?:0|[1-9]\d{0,15}) [+-]\d{4}$/;
const OID_LINE = (name: string) => new RegExp(`^${name} [0-9a-f]{40}$`);

/**
 * Why a raw commit object would be refused by `git fsck` (its header: tree, parents, one author,
 * one committer, well-formed identities, no NUL), or null. The message may hold anything but NUL.
 */
export function commitObjectProblem(raw: string): string | null {
  const end = raw.indexOf('\n\n');
  const header = end < 0 ? raw : raw.slice(0, end);
  if (raw.includes('\0')) return 'it contains a NUL character';
  const lines = header.split('\n');
  let i = 0;
  if (!OID_LINE('tree').test(lines[i++] ?? '')) return 'its tree line is malformed';
  while (lines[i]?.startsWith('parent ')) if (!OID_LINE('parent').test(lines[i++])) return 'a parent line is malformed';
  for (const field of ['author', 'committer']) {
    const line = lines[i++] ?? '';
    if (!line.startsWith(`${field} `) || !IDENT.test(line.slice(field.length + 1))) return `its ${field} line is malformed`;
  }
  // Further headers (encoding, gpgsig, mergetag and their continuation lines) must not repeat the above.
  for (const line of lines.slice(i)) if (/^(tree|parent|author|committer) /.test(line)) return `it has a misplaced "${line.split(' ')[0]}" line`;
  return null;
}
