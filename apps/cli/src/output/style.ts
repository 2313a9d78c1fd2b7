import { styleText } from 'node:util';

export type Colour = 'red' | 'green' | 'yellow' | 'cyan' | 'dim' | 'bold';

/** Colours a text, or leaves it as it is where colour is off. */
export type Style = (colour: Colour | undefined, text: string) => string;

/**
 * Colour only on a terminal: a pipe or a file gets plain text. `NO_COLOR` (no-color.org) and
 * `TERM=dumb` turn it off on a terminal too.
 */
export function styleFor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): Style {
  const on = stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  return on ? (colour, text) => (colour === undefined || text === '' ? text : styleText(colour, text)) : (_colour, text) => text;
}
