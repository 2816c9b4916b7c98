// The .npy header is the repr of a Python dict, e.g. "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
// (numpy lib/format.py _write_array_header). numpy reads it with ast.literal_eval; we parse the subset numpy
// writes (strings, True/False/None, integers, tuples, lists, dicts), with the old Python 2 'L' suffix on integers
// that numpy's _filter_header also accepts, and refuse anything else.

export interface ParsedHeader {
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: readonly bigint[];
}

type PyValue = string | boolean | null | bigint | { tuple: PyValue[] } | { list: PyValue[] } | Map<string, PyValue>;

const MAX_DEPTH = 16;
const EXPECTED_KEYS = ['descr', 'fortran_order', 'shape'];

/** Parses and checks the header dict; `fail` throws with a description of the problem. */
export function parseHeader(text: string, fail: (problem: string) => never): ParsedHeader {
  const value = new LiteralParser(text, fail).parseAll();
  if (!(value instanceof Map)) fail(`the header is not a Python dict: ${quote(text)}`);
  const dict = value as Map<string, PyValue>;
  for (const key of dict.keys()) {
    if (!EXPECTED_KEYS.includes(key)) fail(`the header has an unexpected key '${key}'; expected exactly ${EXPECTED_KEYS.join(', ')}`);
  }
  for (const key of EXPECTED_KEYS) if (!dict.has(key)) fail(`the header has no '${key}' entry`);
  const descr = dict.get('descr');
  if (typeof descr !== 'string') {
    if (descr instanceof Object && 'list' in descr) fail('structured dtypes (a descr that is a list of fields) are not supported');
    fail(`'descr' must be a dtype string such as '<f4', got ${show(descr)}`);
  }
  const fortranOrder = dict.get('fortran_order');
  if (typeof fortranOrder !== 'boolean') fail(`'fortran_order' must be True or False, got ${show(fortranOrder)}`);
  const shape = dict.get('shape');
  if (!(shape instanceof Object) || !('tuple' in shape)) fail(`'shape' must be a tuple of integers, got ${show(shape)}`);
  const dims = (shape as { tuple: PyValue[] }).tuple;
  if (!dims.every((d) => typeof d === 'bigint')) fail(`'shape' must be a tuple of integers, got ${show(shape)}`);
  return { descr: descr as string, fortranOrder: fortranOrder as boolean, shape: dims as bigint[] };
}

class LiteralParser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly fail: (problem: string) => never,
  ) {}

  parseAll(): PyValue {
    const v = this.value(0);
    this.skipSpace();
    if (this.pos !== this.text.length) this.error('unexpected text after the dict');
    return v;
  }

  private error(what: string): never {
    return this.fail(`cannot parse the header at character ${this.pos} (${what}): ${quote(this.text)}`);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && ' \t\n\r\f\v'.includes(this.text[this.pos])) this.pos++;
  }

  private value(depth: number): PyValue {
    if (depth > MAX_DEPTH) this.error(`nested deeper than ${MAX_DEPTH}`);
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === undefined) this.error('the header ends early');
    if (c === "'" || c === '"') return this.string();
    if (c === '{') return this.dict(depth);
    if (c === '(') return this.sequence(depth, ')');
    if (c === '[') return this.sequence(depth, ']');
    if (c === '-' || c === '+' || (c >= '0' && c <= '9')) return this.integer();
    for (const [word, v] of [['True', true], ['False', false], ['None', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    return this.error(`unexpected ${JSON.stringify(c)}`);
  }

  private string(): string {
    const q = this.text[this.pos++];
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined || c === '\n') this.error('unterminated string');
      if (c === q) return out;
      if (c === '\\') {
        const e = this.text[this.pos++];
        if (e === undefined) this.error('unterminated string');
        out += e === 'n' ? '\n' : e === 't' ? '\t' : e;
      } else {
        out += c;
      }
    }
  }

  private integer(): bigint {
    const m = /^[-+]?[0-9]+L?/.exec(this.text.slice(this.pos, this.pos + 64));
    if (m == null) this.error('a sign must be followed by digits');
    const digits = m[0].replace(/L$/, '');
    if (digits.replace(/^[-+]/, '').length > 40) this.error('an integer with more than 40 digits');
    this.pos += m[0].length;
    const next = this.text[this.pos];
    if (next !== undefined && /[.eExXjJ_a-zA-Z]/.test(next)) this.error('only integers are allowed here');
    return BigInt(digits);
  }

  private sequence(depth: number, close: ')' | ']'): { tuple: PyValue[] } | { list: PyValue[] } {
    this.pos++;
    const items: PyValue[] = [];
    let sawComma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        break;
      }
      items.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') {
        this.pos++;
        sawComma = true;
      } else if (c !== close) {
        this.error(`expected ',' or '${close}'`);
      }
    }
    if (close === ']') return { list: items };
    // Python: "(3)" is the integer 3, "(3,)" a 1-tuple, "()" the empty tuple.
    if (items.length === 1 && !sawComma) this.error('a parenthesised value that is not a tuple (a 1-tuple needs a comma)');
    return { tuple: items };
  }

  private dict(depth: number): Map<string, PyValue> {
    this.pos++;
    const out = new Map<string, PyValue>();
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return out;
      }
      const key = this.value(depth + 1);
      if (typeof key !== 'string') this.error('dict keys must be strings');
      if (out.has(key)) this.error(`the key '${key}' appears twice`);
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.error("expected ':'");
      this.pos++;
      out.set(key, this.value(depth + 1));
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ',') this.pos++;
      else if (c !== '}') this.error("expected ',' or '}'");
    }
  }
}

function show(v: PyValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'None';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v instanceof Map) return 'a dict';
  if ('tuple' in v) return `(${v.tuple.map(show).join(', ')}${v.tuple.length === 1 ? ',' : ''})`;
  return `[${v.list.map(show).join(', ')}]`;
}

function quote(text: string): string {
  const t = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return JSON.stringify(t);
}

/** The header numpy writes for a C-order array: same keys, order, spacing and growth padding. */
export function formatHeader(descr: string, shape: readonly number[]): string {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  // numpy leaves room to grow the first axis in place (lib/format.py GROWTH_AXIS_MAX_DIGITS = 21).
  if (shape.length > 0) header += ' '.repeat(Math.max(0, 21 - String(shape[0]).length));
  return header;
}
