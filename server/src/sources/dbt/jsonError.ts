/**
 * Byte offset of the first JSON syntax error in `bytes` (bytes.length when the
 * text ends too early). V8's messages do not always carry a position, and when
 * they do it counts UTF-16 units, while users (and `head -c`) think in bytes.
 * Works on bytes directly: every structural character of JSON is ASCII.
 */
export function jsonErrorOffset(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const ws = (): void => {
    while (i < n && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  };
  class Fail extends Error {}
  const fail = (): never => {
    throw new Fail();
  };
  const expect = (c: number): void => {
    if (i >= n || bytes[i] !== c) fail();
    i++;
  };
  const str = (): void => {
    expect(0x22);
    while (i < n) {
      const c = bytes[i];
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        i++;
        if (i >= n) fail();
        const e = bytes[i];
        if (e === 0x75) {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= n || !/[0-9a-fA-F]/.test(String.fromCharCode(bytes[i]))) fail();
          }
          i++;
        } else if ('"\\/bfnrt'.includes(String.fromCharCode(e))) i++;
        else fail();
      } else if (c < 0x20) fail();
      else i++;
    }
    fail();
  };
  const num = (): void => {
    const start = i;
    if (bytes[i] === 0x2d) i++;
    const digits = (): number => {
      const s = i;
      while (i < n && bytes[i] >= 0x30 && bytes[i] <= 0x39) i++;
      return i - s;
    };
    if (digits() === 0) fail();
    if (bytes[i] === 0x2e) {
      i++;
      if (digits() === 0) fail();
    }
    if (bytes[i] === 0x65 || bytes[i] === 0x45) {
      i++;
      if (bytes[i] === 0x2b || bytes[i] === 0x2d) i++;
      if (digits() === 0) fail();
    }
    if (i === start) fail();
  };
  const word = (w: string): void => {
    for (let k = 0; k < w.length; k++) expect(w.charCodeAt(k));
  };
  const value = (): void => {
    ws();
    if (i >= n) fail();
    const c = bytes[i];
    if (c === 0x7b) {
      i++;
      ws();
      if (bytes[i] === 0x7d) {
        i++;
        return;
      }
      for (;;) {
        ws();
        str();
        ws();
        expect(0x3a);
        value();
        ws();
        if (bytes[i] === 0x2c) {
          i++;
          continue;
        }
        expect(0x7d);
        return;
      }
    } else if (c === 0x5b) {
      i++;
      ws();
      if (bytes[i] === 0x5d) {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (bytes[i] === 0x2c) {
          i++;
          continue;
        }
        expect(0x5d);
        return;
      }
    } else if (c === 0x22) str();
    else if (c === 0x74) word('true');
    else if (c === 0x66) word('false');
    else if (c === 0x6e) word('null');
    else num();
  };
  try {
    value();
    ws();
    return i < n ? i : n;
  } catch (e) {
    if (e instanceof Fail || e instanceof RangeError) return Math.min(i, n);
    return n;
  }
}
