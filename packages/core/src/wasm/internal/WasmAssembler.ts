// A minimal WebAssembly binary emitter: just enough to generate SIMD compute kernels at run time, specialised to the
// shapes they serve (tile sizes, strides, filter taps), without a C/emscripten toolchain. Encodings follow the
// WebAssembly core specification §5 (binary format) and the SIMD / relaxed-SIMD proposals' opcode tables.

export const I32 = 0x7f;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof V128;

function uleb(n: number, out: number[]): void {
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

function sleb(n: number, out: number[]): void {
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** One function's body, written as a stack-machine instruction stream through chainable methods. */
export class WasmFunction {
  readonly locals: ValType[] = [];
  readonly code: number[] = [];

  constructor(
    readonly name: string,
    readonly params: readonly ValType[],
    readonly results: readonly ValType[] = [],
  ) {}

  /** Declares a local and returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  private memarg(align: number, offset: number): this {
    uleb(align, this.code);
    uleb(offset, this.code);
    return this;
  }
  private simd(opcode: number): this {
    this.code.push(0xfd);
    uleb(opcode, this.code);
    return this;
  }

  get(i: number): this {
    this.code.push(0x20);
    uleb(i, this.code);
    return this;
  }
  set(i: number): this {
    this.code.push(0x21);
    uleb(i, this.code);
    return this;
  }
  tee(i: number): this {
    this.code.push(0x22);
    uleb(i, this.code);
    return this;
  }
  i32Const(v: number): this {
    this.code.push(0x41);
    sleb(v, this.code);
    return this;
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  /** Unsigned shift right (divides by a power of two). */
  i32ShrU(): this {
    return this.op(0x76);
  }
  i32Eqz(): this {
    return this.op(0x45);
  }
  i32LtS(): this {
    return this.op(0x48);
  }
  i32GtS(): this {
    return this.op(0x4a);
  }
  i32LtU(): this {
    return this.op(0x49);
  }
  i32Load(offset = 0): this {
    return this.op(0x28).memarg(2, offset);
  }
  f32Load(offset = 0): this {
    return this.op(0x2a).memarg(2, offset);
  }
  f32Store(offset = 0): this {
    return this.op(0x38).memarg(2, offset);
  }
  f32Add(): this {
    return this.op(0x92);
  }
  f32Mul(): this {
    return this.op(0x94);
  }
  /** `block` … `end`; `br 0` inside jumps to its end. */
  block(): this {
    return this.op(0x02, 0x40);
  }
  /** `loop` … `end`; `br 0` inside jumps back to its start. */
  loop(): this {
    return this.op(0x03, 0x40);
  }
  if(): this {
    return this.op(0x04, 0x40);
  }
  else(): this {
    return this.op(0x05);
  }
  end(): this {
    return this.op(0x0b);
  }
  call(functionIndex: number): this {
    this.code.push(0x10);
    uleb(functionIndex, this.code);
    return this;
  }
  i32Ne(): this {
    return this.op(0x47);
  }
  i32Eq(): this {
    return this.op(0x46);
  }
  i32LeS(): this {
    return this.op(0x4c);
  }
  i32GeS(): this {
    return this.op(0x4e);
  }
  i32And(): this {
    return this.op(0x71);
  }
  br(depth: number): this {
    this.code.push(0x0c);
    uleb(depth, this.code);
    return this;
  }
  brIf(depth: number): this {
    this.code.push(0x0d);
    uleb(depth, this.code);
    return this;
  }
  v128Load(offset = 0): this {
    return this.simd(0x00).memarg(0, offset);
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b).memarg(0, offset);
  }
  /** Loads one f32 and broadcasts it to the four lanes. */
  v128Load32Splat(offset = 0): this {
    return this.simd(0x09).memarg(2, offset);
  }
  f32x4Splat(): this {
    return this.simd(0x13);
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
  f32x4Sub(): this {
    return this.simd(0xe5);
  }
  /** Lane-wise a > b as all-ones / all-zeros masks. */
  f32x4Gt(): this {
    return this.simd(0x44);
  }
  /** a & ~b. */
  v128AndNot(): this {
    return this.simd(0x4f);
  }
  f32x4Div(): this {
    return this.simd(0xe7);
  }
  /** Pseudo-minimum b < a ? b : a (one x86 instruction; `f32x4.min`'s NaN and ±0 rules take several). */
  f32x4Pmin(): this {
    return this.simd(0xea);
  }
  /** Pseudo-maximum a < b ? b : a. */
  f32x4Pmax(): this {
    return this.simd(0xeb);
  }
  /** Pops a v128 and an i32 count; shifts each i32 lane left. */
  i32x4Shl(): this {
    return this.simd(0xab);
  }
  i32x4Add(): this {
    return this.simd(0xae);
  }
  /** `v128.const` with the 32-bit integer `value` in all four lanes. */
  i32x4Const(value: number): this {
    this.simd(0x0c);
    const bytes = new Uint8Array(new Int32Array([value]).buffer);
    for (let i = 0; i < 4; i++) this.code.push(...bytes);
    return this;
  }
  /** `v128.const` with `value` (as float32) in all four lanes. */
  f32x4Const(value: number): this {
    this.simd(0x0c);
    const bytes = new Uint8Array(new Float32Array([value]).buffer);
    for (let i = 0; i < 4; i++) this.code.push(...bytes);
    return this;
  }
  /** relaxed-SIMD `f32x4.relaxed_madd` (a·b + c, fused where the hardware has FMA): pops a, b, c. */
  f32x4RelaxedMadd(): this {
    return this.simd(0x105);
  }
  /**
   * `i8x16.shuffle` on 32-bit lanes: pops a, b and pushes the four words `words` picks, 0–3 from a and 4–7 from b.
   */
  i32x4Shuffle(words: readonly [number, number, number, number]): this {
    this.simd(0x0d);
    for (const w of words) for (let b = 0; b < 4; b++) this.code.push(4 * w + b);
    return this;
  }
  v128Zero(): this {
    this.simd(0x0c);
    for (let i = 0; i < 16; i++) this.code.push(0);
    return this;
  }
  /** `memory.fill` (bulk memory): pops dest, byte value, length. */
  memoryFill(): this {
    return this.op(0xfc, 0x0b, 0x00);
  }
  /** `memory.copy` (bulk memory): pops dest, src, length. */
  memoryCopy(): this {
    return this.op(0xfc, 0x0a, 0x00, 0x00);
  }
}

/** How a module gets its memory: none, tfjs's heap (`env.memory`), or a shared memory of at most 4 GiB. */
export type MemoryImport = 'none' | 'plain' | 'shared';

/**
 * Encodes a module whose functions are all exported by name. It imports `env.memory` (unless `memory` is 'none'),
 * so its kernels work directly on another module's heap: tfjs's wasm backend, or the shared memory our worker
 * threads compute in.
 */
export function assembleModule(functions: readonly WasmFunction[], memory: MemoryImport = 'plain'): Uint8Array<ArrayBuffer> {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, body: number[]): void => {
    out.push(id);
    uleb(body.length, out);
    for (const b of body) out.push(b);
  };
  const name = (s: string, b: number[]): void => {
    const bytes = new TextEncoder().encode(s);
    uleb(bytes.length, b);
    b.push(...bytes);
  };
  const types: number[] = [];
  uleb(functions.length, types);
  for (const f of functions) {
    types.push(0x60);
    uleb(f.params.length, types);
    types.push(...f.params);
    uleb(f.results.length, types);
    types.push(...f.results);
  }
  section(1, types);
  if (memory !== 'none') {
    const imports: number[] = [1];
    name('env', imports);
    name('memory', imports);
    if (memory === 'plain') imports.push(0x02, 0x00, 0x00); // memory, limits: min 0, no max
    else {
      imports.push(0x02, 0x03, 0x00); // memory, shared limits: min 0, max 65536 pages
      uleb(65536, imports);
    }
    section(2, imports);
  }
  const funcs: number[] = [];
  uleb(functions.length, funcs);
  functions.forEach((_, i) => uleb(i, funcs));
  section(3, funcs);
  const exports: number[] = [];
  uleb(functions.length, exports);
  functions.forEach((f, i) => {
    name(f.name, exports);
    exports.push(0x00);
    uleb(i, exports);
  });
  section(7, exports);
  const codes: number[] = [];
  uleb(functions.length, codes);
  for (const f of functions) {
    const body: number[] = [];
    uleb(f.locals.length, body);
    for (const t of f.locals) body.push(1, t);
    for (const b of f.code) body.push(b);
    body.push(0x0b);
    uleb(body.length, codes);
    for (const b of body) codes.push(b);
  }
  section(10, codes);
  return new Uint8Array(out);
}
