/** Settings files as VS Code writes them: JSON with comments and trailing commas. No `vscode` import. */

/** JSON with comments and trailing commas, as VS Code writes settings files; throws when malformed. */
export function parseJsonc(text: string): unknown {
  // Text between comments is copied in runs, not a character at a time: a settings file of
  // megabytes took 100× longer at 10× the size when every character was appended.
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      i = endOfString(text, i) - 1;
    } else if (c === '/' && text[i + 1] === '/') {
      out += text.slice(from, i);
      while (i < text.length && text[i] !== '\n') { i++; }
      out += '\n';
      from = i + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      out += text.slice(from, i);
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
      out += ' ';
      from = i + 1;
    }
  }
  out += text.slice(from);
  // Without comments, a comma before a closing bracket outside a string is a trailing comma.
  let json = '';
  for (let i = 0; i < out.length;) {
    const quote = out.indexOf('"', i);
    const stop = quote < 0 ? out.length : quote;
    json += out.slice(i, stop).replace(/,(\s*[\]}])/g, '$1');
    const end = quote < 0 ? out.length : endOfString(out, quote);
    json += out.slice(stop, end);
    i = end;
  }
  return JSON.parse(json) as unknown;
}

/** The index just past the string literal that starts at `start`. */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') {
      i++;
    } else if (text[i] === '"') {
      return i + 1;
    }
  }
  return text.length;
}
