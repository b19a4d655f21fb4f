/**
 * Where the first JSON syntax error in `text` is, as a character offset (`text.length` for
 * an unexpected end), or null when the text is valid JSON. `JSON.parse` messages do not
 * always carry a position, and authors need a line number to fix an imported file.
 */
export function findJsonErrorOffset(text: string): number | null {
  let i = 0;

  const fail = (): never => {
    throw new SyntaxAt(i);
  };
  const skipSpace = () => {
    while (i < text.length && " \t\n\r".includes(text.charAt(i))) i++;
  };
  const expect = (char: string) => {
    skipSpace();
    if (text.charAt(i) !== char) fail();
    i++;
  };
  const string = () => {
    i++;
    for (;;) {
      const char = text.charAt(i);
      if (char === "") fail();
      if (char === '"') {
        i++;
        return;
      }
      if (char === "\\") {
        const escape = text.charAt(i + 1);
        if ('"\\/bfnrt'.includes(escape) && escape !== "") i += 2;
        else if (escape === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else {
          i++;
          fail();
        }
      } else if (char < " ") {
        fail();
      } else {
        i++;
      }
    }
  };
  const number = () => {
    const pattern = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    pattern.lastIndex = i;
    if (!pattern.test(text)) fail();
    i = pattern.lastIndex;
  };
  const value = (): void => {
    skipSpace();
    const char = text.charAt(i);
    if (char === "{") {
      i++;
      skipSpace();
      if (text.charAt(i) === "}") {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text.charAt(i) !== '"') fail();
        string();
        expect(":");
        value();
        skipSpace();
        if (text.charAt(i) === "}") {
          i++;
          return;
        }
        expect(",");
      }
    }
    if (char === "[") {
      i++;
      skipSpace();
      if (text.charAt(i) === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        skipSpace();
        if (text.charAt(i) === "]") {
          i++;
          return;
        }
        expect(",");
      }
    }
    if (char === '"') return string();
    if (char === "-" || (char >= "0" && char <= "9")) return number();
    for (const word of ["true", "false", "null"]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    fail();
  };

  try {
    value();
    skipSpace();
    if (i < text.length) fail();
    return null;
  } catch (error) {
    if (error instanceof SyntaxAt) return error.offset;
    return null; // nesting too deep to scan; the caller still reports JSON.parse's message
  }
}

class SyntaxAt {
  constructor(readonly offset: number) {}
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}
