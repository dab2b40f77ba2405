// restructure ships no TypeScript declarations; this covers the part kvmkit uses.
declare module 'restructure' {
  export class DecodeStream {
    constructor(buffer: Uint8Array);
    buffer: Uint8Array;
    view: DataView;
    pos: number;
    length: number;
    readBuffer(length: number): Uint8Array;
  }
  export class EncodeStream {
    constructor(buffer: Uint8Array);
    buffer: Uint8Array;
    view: DataView;
    pos: number;
    writeBuffer(buffer: Uint8Array): void;
  }
  export interface CodecType<T = unknown> {
    decode(stream: DecodeStream, parent?: unknown): T;
    encode(stream: EncodeStream, value: T, parent?: unknown): void;
    size(value?: T, parent?: unknown): number;
    fromBuffer?(buffer: Uint8Array): T;
    toBuffer?(value: T): Uint8Array;
  }
  export class Struct<T = Record<string, unknown>> implements CodecType<T> {
    constructor(fields: Record<string, CodecType<any>>);
    decode(stream: DecodeStream, parent?: unknown): T;
    encode(stream: EncodeStream, value: T, parent?: unknown): void;
    size(value?: T, parent?: unknown): number;
    fromBuffer(buffer: Uint8Array): T;
    toBuffer(value: T): Uint8Array;
  }
  export class Array<T = unknown> implements CodecType<T[]> {
    constructor(type: CodecType<T>, length: number);
    decode(stream: DecodeStream, parent?: unknown): T[];
    encode(stream: EncodeStream, value: T[], parent?: unknown): void;
    size(value?: T[], parent?: unknown): number;
    fromBuffer(buffer: Uint8Array): T[];
    toBuffer(value: T[]): Uint8Array;
  }
  export class Buffer implements CodecType<Uint8Array> {
    constructor(length: number);
    decode(stream: DecodeStream, parent?: unknown): Uint8Array;
    encode(stream: EncodeStream, value: Uint8Array, parent?: unknown): void;
    size(value?: Uint8Array, parent?: unknown): number;
  }
  export const uint8: CodecType<number>, int8: CodecType<number>;
  export const uint16le: CodecType<number>, uint16be: CodecType<number>, int16le: CodecType<number>, int16be: CodecType<number>;
  export const uint32le: CodecType<number>, uint32be: CodecType<number>, int32le: CodecType<number>, int32be: CodecType<number>;
}
