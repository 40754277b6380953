/**
 * Python's notion of whitespace, case and printable characters, as oslo.policy relies on them:
 * the check tokenizer splits with `str.split()`, RoleCheck compares `str.lower()` results, and
 * `repr()` escapes what `str.isprintable()` rejects.
 *
 * Python 3.11 answers from Unicode 14; the JavaScript engine from its own (newer) Unicode. The
 * engine's answer is corrected by the generated tables below, which hold Python's answer
 * wherever the two disagree (characters added after Unicode 14).
 */

/** `str.isspace()` for one code point: what `str.split()` with no argument splits on. */
export function isPyWhitespace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x1f);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** `text.split()`: runs of whitespace separate, no empty pieces. (Every whitespace character is in the BMP.) */
export function splitPyWhitespace(text: string): string[] {
  const pieces: string[] = [];
  let index = 0;
  while (index < text.length) {
    while (index < text.length && isPyWhitespace(text.charCodeAt(index))) index++;
    const start = index;
    while (index < text.length && !isPyWhitespace(text.charCodeAt(index))) index++;
    if (index > start) pieces.push(text.slice(start, index));
  }
  return pieces;
}

/** Code point ranges with a value, sorted, for binary search. */
class RangeTable {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly values: number[] = [];

  constructor(encoded: string) {
    if (encoded === '') return;
    for (const entry of encoded.split(',')) {
      const [range = '', value = '0'] = entry.split(':');
      const [start = '0', end = start] = range.split('-');
      this.starts.push(parseInt(start, 16));
      this.ends.push(parseInt(end, 16));
      this.values.push(Number(value));
    }
  }

  /** The value for a code point, or undefined when the table has no entry. */
  get(code: number): number | undefined {
    let low = 0;
    let high = this.starts.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (code < this.starts[middle]) high = middle - 1;
      else if (code > this.ends[middle]) low = middle + 1;
      else return this.values[middle];
    }
    return undefined;
  }
}

let tables:
  | {
      printable: RangeTable;
      idStart: RangeTable;
      idContinue: RangeTable;
      sigma: RangeTable;
      lower: Map<number, string>;
      lowerSpecial: RegExp;
    }
  | undefined;

function loadTables(): NonNullable<typeof tables> {
  if (tables) return tables;
  const lower = new Map<number, string>();
  for (const entry of LOWER_OVERRIDES === '' ? [] : LOWER_OVERRIDES.split(',')) {
    const [code = '0', mapped = ''] = entry.split(':');
    lower.set(parseInt(code, 16), String.fromCodePoint(...mapped.split(' ').map((hex) => parseInt(hex, 16))));
  }
  const special = [...lower.keys()].map((code) => `\\u{${code.toString(16)}}`).join('');
  tables = {
    printable: new RangeTable(PRINTABLE_OVERRIDES),
    idStart: new RangeTable(ID_START_OVERRIDES),
    idContinue: new RangeTable(ID_CONTINUE_OVERRIDES),
    sigma: new RangeTable(SIGMA_CLASS_OVERRIDES),
    lower,
    lowerSpecial: new RegExp(`[\\u03a3${special}]`, 'u'),
  };
  return tables;
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const ID_START = /\p{ID_Start}/u;
const ID_CONTINUE = /\p{ID_Continue}/u;
const CASE_IGNORABLE = /\p{Case_Ignorable}/u;
const CASED = /\p{Cased}/u;

/** `chr(code).isprintable()`: not in categories Cc, Cf, Cs, Co, Cn, Zl, Zp or Zs, except the space. */
export function isPyPrintable(code: number): boolean {
  if (code < 0x7f) return code >= 0x20;
  if (code < 0xa1) return false;
  const override = loadTables().printable.get(code);
  if (override !== undefined) return override === 1;
  return !NON_PRINTABLE.test(String.fromCodePoint(code));
}

/** Whether `chr(code)` may start a Python identifier (XID_Start or `_`). */
export function isPyIdentifierStart(code: number): boolean {
  if (code < 0x80) return code === 0x5f || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
  const override = loadTables().idStart.get(code);
  if (override !== undefined) return override === 1;
  return ID_START.test(String.fromCodePoint(code));
}

/** Whether `chr(code)` may continue a Python identifier (XID_Continue). */
export function isPyIdentifierContinue(code: number): boolean {
  if (code < 0x80) return isPyIdentifierStart(code) || (code >= 0x30 && code <= 0x39);
  const override = loadTables().idContinue.get(code);
  if (override !== undefined) return override === 1;
  return ID_CONTINUE.test(String.fromCodePoint(code));
}

/**
 * Whether Python's identifier rules for `chr(code)` depend on the Python release: characters
 * assigned after Unicode 14 (Python 3.11's), which newer releases may take as letters, and the
 * few whose identifier status this runtime's Unicode sees otherwise (the tables' overrides).
 */
export function pyIdentifierStatusVaries(code: number): boolean {
  const loaded = loadTables();
  return loaded.idStart.get(code) !== undefined || loaded.idContinue.get(code) !== undefined;
}

const IGNORABLE = 1;
const CASED_LETTER = 2;

/** How Python's final-sigma rule sees a character: skipped (case-ignorable), cased, or neither. */
function sigmaClass(code: number): number {
  const override = loadTables().sigma.get(code);
  if (override !== undefined) return override;
  const char = String.fromCodePoint(code);
  return CASE_IGNORABLE.test(char) ? IGNORABLE : CASED.test(char) ? CASED_LETTER : 0;
}

/**
 * `str.lower()`: Unicode full lower-case mapping (`'İ'` becomes two characters) with the
 * final-sigma rule, from Python's Unicode 14 tables.
 */
export function pyLower(text: string): string {
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  const { lower, lowerSpecial } = loadTables();
  if (!lowerSpecial.test(text)) return text.toLowerCase();
  const codes = Array.from(text, (char) => char.codePointAt(0)!);
  let out = '';
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code === 0x3a3) out += finalSigma(codes, i) ? '\u03c2' : '\u03c3';
    else out += lower.get(code) ?? String.fromCodePoint(code).toLowerCase();
  }
  return out;
}

/** CPython's handle_capital_sigma: a cased letter before (skipping case-ignorables) and none after. */
function finalSigma(codes: readonly number[], index: number): boolean {
  let i = index - 1;
  while (i >= 0 && sigmaClass(codes[i]) === IGNORABLE) i--;
  if (i < 0 || sigmaClass(codes[i]) !== CASED_LETTER) return false;
  let j = index + 1;
  while (j < codes.length && sigmaClass(codes[j]) === IGNORABLE) j++;
  return j === codes.length || sigmaClass(codes[j]) !== CASED_LETTER;
}

// BEGIN GENERATED by scripts/python/unicodeTables.mjs: Python 3.11.2 (Unicode 14.0.0)
// against Node 20.20.2 (Unicode 17.0). Do not edit by hand.
const PRINTABLE_OVERRIDES = [
  '88f:0,897:0,c5c:0,cdc:0,cf3:0,ece:0,1acf-1add:0,1ae0-1aeb:0,1b4e-1b4f:0,1b7f:0,1c89-1c8a:0',
  '20c1:0,2427-2429:0,2b96:0,2ffc-2fff:0,31e4-31e5:0,31ef:0,a7cb-a7cf:0,a7d2:0,a7d4:0,a7da-a7dc:0',
  'a7f1:0,fbc3-fbd2:0,fd90-fd91:0,fdc8-fdce:0,105c0-105f3:0,10940-10959:0,10d40-10d65:0',
  '10d69-10d85:0,10d8e-10d8f:0,10ec2-10ec7:0,10ed0-10ed8:0,10efa-10eff:0,1123f-11241:0',
  '11380-11389:0,1138b:0,1138e:0,11390-113b5:0,113b7-113c0:0,113c2:0,113c5:0,113c7-113ca:0',
  '113cc-113d5:0,113d7-113d8:0,113e1-113e2:0,116d0-116e3:0,11b00-11b09:0,11b60-11b67:0',
  '11bc0-11be1:0,11bf0-11bf9:0,11db0-11ddb:0,11de0-11de9:0,11f00-11f10:0,11f12-11f3a:0',
  '11f3e-11f5a:0,1342f:0,13440-13455:0,13460-143fa:0,16100-16139:0,16d40-16d79:0,16ea0-16eb8:0',
  '16ebb-16ed3:0,16ff2-16ff6:0,187f8-187ff:0,18cff:0,18d09-18d1e:0,18d80-18df2:0,1b132:0,1b155:0',
  '1cc00-1ccfc:0,1cd00-1ceb3:0,1ceba-1ced0:0,1cee0-1cef0:0,1d2c0-1d2d3:0,1df25-1df2a:0',
  '1e030-1e06d:0,1e08f:0,1e4d0-1e4f9:0,1e5d0-1e5fa:0,1e5ff:0,1e6c0-1e6de:0,1e6e0-1e6f5:0',
  '1e6fe-1e6ff:0,1f6d8:0,1f6dc:0,1f774-1f77f:0,1f7d9:0,1f8b2-1f8bb:0,1f8c0-1f8c1:0,1f8d0-1f8d8:0',
  '1fa54-1fa57:0,1fa75-1fa77:0,1fa87-1fa8a:0,1fa8e-1fa8f:0,1faad-1faaf:0,1fabb-1fabf:0,1fac6:0',
  '1fac8:0,1facd-1facf:0,1fada-1fadc:0,1fadf:0,1fae8-1faea:0,1faef:0,1faf7-1faf8:0,1fbcb-1fbef:0',
  '1fbfa:0,2b739-2b73f:0,2cea2-2cead:0,2ebf0-2ee5d:0,31350-33479:0',
].join(',');
const ID_START_OVERRIDES = [
  '37a:0,88f:0,c5c:0,cdc:0,e33:0,eb3:0,1c89-1c8a:0,309b-309c:0,a7cb-a7cf:0,a7d2:0,a7d4:0',
  'a7da-a7dc:0,a7f1:0,fc5e-fc63:0,fdfa-fdfb:0,fe70:0,fe72:0,fe74:0,fe76:0,fe78:0,fe7a:0,fe7c:0',
  'fe7e:0,ff9e-ff9f:0,105c0-105f3:0,10940-10959:0,10d4a-10d65:0,10d6f-10d85:0,10ec2-10ec7:0',
  '1123f-11240:0,11380-11389:0,1138b:0,1138e:0,11390-113b5:0,113b7:0,113d1:0,113d3:0,11bc0-11be0:0',
  '11db0-11ddb:0,11f02:0,11f04-11f10:0,11f12-11f33:0,1342f:0,13441-13446:0,13460-143fa:0',
  '16100-1611d:0,16d40-16d6c:0,16ea0-16eb8:0,16ebb-16ed3:0,16ff2-16ff6:0,187f8-187ff:0,18cff:0',
  '18d09-18d1e:0,18d80-18df2:0,1b132:0,1b155:0,1df25-1df2a:0,1e030-1e06d:0,1e4d0-1e4eb:0',
  '1e5d0-1e5ed:0,1e5f0:0,1e6c0-1e6de:0,1e6e0-1e6e2:0,1e6e4-1e6e5:0,1e6e7-1e6ed:0,1e6f0-1e6f4:0',
  '1e6fe-1e6ff:0,2b739-2b73f:0,2cea2-2cead:0,2ebf0-2ee5d:0,31350-33479:0',
].join(',');
const ID_CONTINUE_OVERRIDES = [
  '37a:0,88f:0,897:0,c5c:0,cdc:0,cf3:0,ece:0,1acf-1add:0,1ae0-1aeb:0,1c89-1c8a:0,200c-200d:0',
  '309b-309c:0,30fb:0,a7cb-a7cf:0,a7d2:0,a7d4:0,a7da-a7dc:0,a7f1:0,fc5e-fc63:0,fdfa-fdfb:0,fe70:0',
  'fe72:0,fe74:0,fe76:0,fe78:0,fe7a:0,fe7c:0,fe7e:0,ff65:0,105c0-105f3:0,10940-10959:0',
  '10d40-10d65:0,10d69-10d6d:0,10d6f-10d85:0,10ec2-10ec7:0,10efa-10eff:0,1123f-11241:0',
  '11380-11389:0,1138b:0,1138e:0,11390-113b5:0,113b7-113c0:0,113c2:0,113c5:0,113c7-113ca:0',
  '113cc-113d3:0,113e1-113e2:0,116d0-116e3:0,11b60-11b67:0,11bc0-11be0:0,11bf0-11bf9:0',
  '11db0-11ddb:0,11de0-11de9:0,11f00-11f10:0,11f12-11f3a:0,11f3e-11f42:0,11f50-11f5a:0,1342f:0',
  '13440-13455:0,13460-143fa:0,16100-16139:0,16d40-16d6c:0,16d70-16d79:0,16ea0-16eb8:0',
  '16ebb-16ed3:0,16ff2-16ff6:0,187f8-187ff:0,18cff:0,18d09-18d1e:0,18d80-18df2:0,1b132:0,1b155:0',
  '1ccf0-1ccf9:0,1df25-1df2a:0,1e030-1e06d:0,1e08f:0,1e4d0-1e4f9:0,1e5d0-1e5fa:0,1e6c0-1e6de:0',
  '1e6e0-1e6f5:0,1e6fe-1e6ff:0,2b739-2b73f:0,2cea2-2cead:0,2ebf0-2ee5d:0,31350-33479:0',
].join(',');
const SIGMA_CLASS_OVERRIDES = [
  '295:2,897:0,ece:0,1acf-1add:0,1ae0-1aeb:0,1c89-1c8a:0,a7cb-a7cf:0,a7d2:0,a7d4:0,a7da-a7dc:0',
  'a7f1:0,10d4e:0,10d50-10d65:0,10d69-10d6d:0,10d6f-10d85:0,10ec5:0,10efa-10eff:0,11241:0',
  '113bb-113c0:0,113ce:0,113d0:0,113d2:0,113e1-113e2:0,1171e:1,11b60:0,11b62-11b64:0,11b66:0',
  '11dd9:0,11f00-11f01:0,11f36-11f3a:0,11f40:0,11f42:0,11f5a:0,13439-13440:0,13447-13455:0',
  '1611e-16129:0,1612d-1612f:0,16d40-16d42:0,16d6b-16d6c:0,16ea0-16eb8:0,16ebb-16ed3:0',
  '16ff2-16ff3:0,1df25-1df2a:0,1e030-1e06d:0,1e08f:0,1e4eb-1e4ef:0,1e5ee-1e5ef:0,1e6e3:0,1e6e6:0',
  '1e6ee-1e6ef:0,1e6f5:0,1e6ff:0',
].join(',');
const LOWER_OVERRIDES = [
  '1c89:1c89,a7cb:a7cb,a7cc:a7cc,a7ce:a7ce,a7d2:a7d2,a7d4:a7d4,a7da:a7da,a7dc:a7dc,10d50:10d50',
  '10d51:10d51,10d52:10d52,10d53:10d53,10d54:10d54,10d55:10d55,10d56:10d56,10d57:10d57,10d58:10d58',
  '10d59:10d59,10d5a:10d5a,10d5b:10d5b,10d5c:10d5c,10d5d:10d5d,10d5e:10d5e,10d5f:10d5f,10d60:10d60',
  '10d61:10d61,10d62:10d62,10d63:10d63,10d64:10d64,10d65:10d65,16ea0:16ea0,16ea1:16ea1,16ea2:16ea2',
  '16ea3:16ea3,16ea4:16ea4,16ea5:16ea5,16ea6:16ea6,16ea7:16ea7,16ea8:16ea8,16ea9:16ea9,16eaa:16eaa',
  '16eab:16eab,16eac:16eac,16ead:16ead,16eae:16eae,16eaf:16eaf,16eb0:16eb0,16eb1:16eb1,16eb2:16eb2',
  '16eb3:16eb3,16eb4:16eb4,16eb5:16eb5,16eb6:16eb6,16eb7:16eb7,16eb8:16eb8',
].join(',');
// END GENERATED
