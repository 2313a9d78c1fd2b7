/**
 * Characters no field of Warden's input may hold: C0 controls (NUL among them, which PostgreSQL
 * refuses in text), DEL and C1 controls. Free text (a reason) may still hold tabs and line breaks.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}

export function hasControlCharacterOutsideLineBreaks(text: string): boolean {
  return CONTROL_BUT_LINE_BREAKS.test(text);
}

/**
 * Text Warden writes about input it refused (a dead letter's error, a rejection's reason): control
 * characters replaced by U+FFFD and cut to `max` UTF-16 units, so what describes a hostile record
 * can always be stored and published itself.
 */
export function printableExcerpt(text: string, max: number): string {
  const printable = text.replace(ANY_CONTROL, '\ufffd');
  if (printable.length <= max) return printable;
  // Never cut a surrogate pair in two.
  const end = /[\ud800-\udbff]/.test(printable[max - 2] ?? '') ? max - 2 : max - 1;
  return `${printable.slice(0, end)}…`;
}
