/** The `code` of a thrown value (our typed errors carry one), or undefined. */
export function errorCode(e: unknown): string | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** `Name: message` of a thrown value, for reports. */
export function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/**
 * Awaits `action` and says what went wrong when it did not reject with the error code `want`, or ''
 * when it did.
 */
export async function expectRejection(action: () => Promise<unknown>, want: string, what: string): Promise<string> {
  try {
    await action();
  } catch (e) {
    return errorCode(e) === want ? '' : `${what} raised ${errorText(e)}, expected ${want}`;
  }
  return `${what} did not raise, expected ${want}`;
}
