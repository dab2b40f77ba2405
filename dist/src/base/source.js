import { node } from "./platform.js";
import { KvmkitError } from "./errors.js";
export class BufferSource {
    bytes;
    name;
    constructor(bytes, name = '<memory>') {
        this.bytes = bytes;
        this.name = name;
    }
    get size() { return this.bytes.length; }
    read(offset, length) {
        if (offset < 0 || length < 0 || offset + length > this.bytes.length) {
            throw new KvmkitError(`read of ${length} bytes runs past the end (size ${this.bytes.length})`, { file: this.name, offset });
        }
        return this.bytes.subarray(offset, offset + length);
    }
    readInto(offset, length, into, at) {
        into.set(this.read(offset, length), at);
    }
    close() { }
}
export class FileSource {
    name;
    unlinkOnClose;
    size;
    fd;
    constructor(name, unlinkOnClose) {
        this.name = name;
        this.unlinkOnClose = unlinkOnClose;
        try {
            this.fd = node.fs.openSync(name, 'r');
            this.size = node.fs.fstatSync(this.fd).size;
        }
        catch (e) {
            throw new KvmkitError(`cannot open: ${e.message}`, { file: name });
        }
    }
    read(offset, length) {
        if (offset < 0 || length < 0 || offset + length > this.size) {
            throw new KvmkitError(`read of ${length} bytes runs past the end (size ${this.size})`, { file: this.name, offset });
        }
        const out = Buffer.allocUnsafe(length);
        this.fill(offset, length, out, 0);
        return out;
    }
    readInto(offset, length, into, at) {
        if (offset < 0 || length < 0 || offset + length > this.size) {
            throw new KvmkitError(`read of ${length} bytes runs past the end (size ${this.size})`, { file: this.name, offset });
        }
        if (at < 0 || at + length > into.length)
            throw new KvmkitError(`read of ${length} bytes does not fit the buffer`, { file: this.name, offset });
        this.fill(offset, length, into, at);
    }
    fill(offset, length, into, at) {
        let done = 0;
        while (done < length) {
            const n = node.fs.readSync(this.fd, into, at + done, length - done, offset + done);
            if (n === 0)
                throw new KvmkitError(`short read: ${done} of ${length} bytes`, { file: this.name, offset });
            done += n;
        }
    }
    close() {
        if (this.fd >= 0)
            node.fs.closeSync(this.fd);
        this.fd = -1;
        if (this.unlinkOnClose)
            node.fs.rmSync(this.unlinkOnClose, { recursive: true, force: true });
    }
}
function isGzip(file) {
    const fd = node.fs.openSync(file, 'r');
    try {
        const b = Buffer.alloc(2);
        return node.fs.readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
    }
    finally {
        node.fs.closeSync(fd);
    }
}
/**
 * Open a file for random access. Compressed input (gzip, recognised by content, not by name) is
 * inflated as a stream into a temporary file that is removed on close: savecore's `vmcore.N.gz`
 * needs random access, and a stream keeps memory flat however large the dump.
 */
export function openSource(file) {
    if (!node.fs.existsSync(file))
        throw new KvmkitError('no such file', { file });
    if (!isGzip(file))
        return new FileSource(file);
    const dir = node.fs.mkdtempSync(node.path.join(node.os.tmpdir(), 'kvmkit-'));
    const out = node.path.join(dir, node.path.basename(file).replace(/\.gz$/, '') || 'inflated');
    try {
        inflateFileSync(file, out);
    }
    catch (e) {
        node.fs.rmSync(dir, { recursive: true, force: true });
        throw new KvmkitError(`gzip data is corrupt or truncated: ${e.message}`, { file });
    }
    const src = new FileSource(out, dir);
    return Object.assign(src, { name: file });
}
/**
 * Streaming gunzip, synchronous so that openSource stays synchronous. zlib has no synchronous
 * streaming API and gunzipSync would hold the whole compressed and inflated dump in memory, so a
 * child Node process pipes the file through a zlib stream into the output: memory stays flat in
 * both processes however large the dump. Multi-member gzip files (concatenated) are handled by zlib.
 */
const INFLATE_SCRIPT = `
const fs = require('node:fs'), zlib = require('node:zlib'), { pipeline } = require('node:stream');
pipeline(node.fs.createReadStream(process.argv[1]), zlib.createGunzip(), node.fs.createWriteStream(process.argv[2]), (e) => {
  if (e) { process.stderr.write(String(e && e.message || e)); process.exit(1); }
});`;
function inflateFileSync(input, output) {
    const r = node.childProcess.spawnSync(process.execPath, ['-e', INFLATE_SCRIPT, input, output], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.error)
        throw r.error;
    if (r.status !== 0)
        throw new Error(r.stderr.trim() || `inflater exited with status ${r.status}`);
}
