/**
 * pandas' HDFStore keeps column names in PyTables attributes that hold Python
 * pickles (e.g. `non_index_axes` = [(1, ['a', 'b'])], `values_block_0_kind` =
 * ['a']). We only need the strings, in order: this scanner walks the opcode
 * stream of protocol 0 (text, what PyTables writes) and the binary protocols
 * and collects every unicode/str constant. It never executes anything.
 */
export function pickleStrings(bytes: Uint8Array): string[] | null {
  const out: string[] = [];
  const dec = new TextDecoder();
  let i = 0;
  const readLine = (): string => {
    const end = bytes.indexOf(0x0a, i);
    if (end < 0) throw new Error('unterminated');
    const s = dec.decode(bytes.subarray(i, end));
    i = end + 1;
    return s;
  };
  const u32 = () => { const v = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24); i += 4; return v >>> 0; };
  try {
    while (i < bytes.length) {
      const op = bytes[i++];
      switch (op) {
        case 0x2e: return out; // '.' STOP
        case 0x56: out.push(unescapeRawUnicode(readLine())); break; // 'V' UNICODE (protocol 0)
        case 0x53: { // 'S' STRING: a Python repr, 'abc' or "abc"
          const s = readLine();
          out.push(s.slice(1, -1));
          break;
        }
        case 0x58: { const n = u32(); out.push(dec.decode(bytes.subarray(i, i + n))); i += n; break; } // 'X' BINUNICODE
        case 0x8c: { const n = bytes[i++]; out.push(dec.decode(bytes.subarray(i, i + n))); i += n; break; } // SHORT_BINUNICODE
        case 0x8d: { const n = u32(); i += 4; out.push(dec.decode(bytes.subarray(i, i + n))); i += n; break; } // BINUNICODE8 (low 32 bits)
        case 0x55: { const n = bytes[i++]; out.push(dec.decode(bytes.subarray(i, i + n))); i += n; break; } // 'U' SHORT_BINSTRING
        case 0x54: { const n = u32(); out.push(dec.decode(bytes.subarray(i, i + n))); i += n; break; } // 'T' BINSTRING
        // opcodes with a newline-terminated argument
        case 0x49: case 0x4c: case 0x46: case 0x70: case 0x67: case 0x50: case 0x63: readLine(); if (op === 0x63) readLine(); break;
        // opcodes with fixed-size arguments
        case 0x80: i += 1; break; // PROTO
        case 0x95: i += 8; break; // FRAME
        case 0x4b: case 0x71: case 0x68: i += 1; break; // BININT1, BINPUT, BINGET
        case 0x4d: i += 2; break; // BININT2
        case 0x4a: case 0x72: case 0x6a: i += 4; break; // BININT, LONG_BINPUT, LONG_BINGET
        case 0x47: i += 8; break; // BINFLOAT
        case 0x8a: i += 1 + bytes[i]; break; // LONG1
        case 0x43: i += 1 + bytes[i]; break; // SHORT_BINBYTES
        case 0x42: { const n = u32(); i += n; break; } // BINBYTES
        // opcodes without arguments: MARK ( ] ) } l d t a e s u N 0 2 1 \x85 \x86 \x87 \x88 \x89 \x94 etc.
        default: break;
      }
    }
  } catch {
    return null;
  }
  return out;
}

function unescapeRawUnicode(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, a, b) => String.fromCodePoint(parseInt(a ?? b, 16)));
}
