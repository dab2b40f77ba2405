import { node } from "../base/platform.js";
import { KvmkitError } from "../base/errors.js";
/**
 * A file written front to back in pieces, never held whole in memory. Runs of zero pages can be
 * skipped as holes (the file stays sparse on filesystems that support it).
 */
export class FileSink {
    path;
    fd;
    pos = 0;
    constructor(path) {
        this.path = path;
        try {
            this.fd = node.fs.openSync(path, 'w');
        }
        catch (e) {
            throw new KvmkitError(`cannot create: ${e.message}`, { file: path });
        }
    }
    write(b) {
        let done = 0;
        while (done < b.length)
            done += node.fs.writeSync(this.fd, b, done, b.length - done, this.pos + done);
        this.pos += b.length;
    }
    /** Leave `n` zero bytes without writing them. */
    skip(n) {
        this.pos += n;
    }
    /** Pad with zeros (as a hole) up to a multiple of `p`. */
    padTo(p) {
        this.pos = Math.ceil(this.pos / p) * p;
    }
    /** Set the final length (so trailing holes count) and close. */
    finish() {
        node.fs.ftruncateSync(this.fd, this.pos);
        node.fs.closeSync(this.fd);
        this.fd = -1;
    }
    /** Close after a failure and remove the partial file. */
    abort() {
        if (this.fd >= 0)
            node.fs.closeSync(this.fd);
        this.fd = -1;
        node.fs.rmSync(this.path, { force: true });
    }
}
